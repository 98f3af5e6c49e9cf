/**
 * The playground's devices: "cpu" everywhere, "webgpu" where the worker has `navigator.gpu` and an adapter opens. The
 * worker probes once and reports the adapter's name; a software adapter (SwiftShader, llvmpipe) is labelled as slow.
 * Tensors on the webgpu device are read here in one await per batch of tensors, never one op at a time.
 */
import * as tg from "tensorgrad";
import type { PlaygroundDevice } from "./state.ts";

/** What the worker found: whether WebGPU can be used, the adapter's label, or why not. */
export interface DeviceReport {
  webgpu: boolean;
  /** The adapter's name for the page ("google swiftshader, software (slow)"), or "" when there is none. */
  adapter: string;
  software: boolean;
  /** Why WebGPU is unavailable ("" when it is available). */
  reason: string;
}

/** The adapter's name as the page shows it; a software adapter is labelled "software (slow)". */
export function adapterLabel(info: tg.webgpu.AdapterInfo): string {
  const name = [info.vendor, info.architecture].filter((s) => s !== "").join(" ") || info.description || info.device || "unknown adapter";
  return info.isSoftware || info.isFallbackAdapter ? `${name}, software (slow)` : name;
}

/** Opens the WebGPU device when there is one (`navigator.gpu` in the worker, Dawn in Node) and says what was found. */
export async function probeDevices(): Promise<DeviceReport> {
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  const isNode = typeof process !== "undefined" && process.versions?.node !== undefined;
  if (!nav?.gpu && !isNode) return { webgpu: false, adapter: "", software: false, reason: "this browser has no WebGPU (navigator.gpu)" };
  try {
    const info = await tg.webgpu.init();
    return { webgpu: true, adapter: adapterLabel(info), software: info.isSoftware || info.isFallbackAdapter, reason: "" };
  } catch (e) {
    return { webgpu: false, adapter: "", software: false, reason: e instanceof Error ? e.message : String(e) };
  }
}

/** Makes sure the device can hold tensors (`tg.webgpu.init()` for webgpu; nothing for the CPU). */
export async function openDevice(device: PlaygroundDevice): Promise<void> {
  if (device === "webgpu") await tg.webgpu.init();
}

const numel = (t: tg.Tensor): number => t.shape.reduce((a, b) => a * b, 1);

/**
 * Reads tensors of one device with a single await: they are flattened, concatenated as float32 and read together,
 * then split again (one array per tensor, in order).
 */
export async function readAll(tensors: readonly tg.Tensor[]): Promise<Float32Array[]> {
  if (tensors.length === 0) return [];
  const flat = tg.noGrad(() => tg.cat(tensors.map((t) => t.detach().reshape([-1]).float())));
  const all = Float32Array.from((await flat.toArrayAsync()) as ArrayLike<number>);
  let offset = 0;
  return tensors.map((t) => {
    const n = numel(t);
    const part = all.subarray(offset, offset + n);
    offset += n;
    return part;
  });
}
