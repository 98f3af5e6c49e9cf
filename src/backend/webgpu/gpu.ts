/// <reference types="@webgpu/types" />
import { DeviceError } from "../../errors.js";

/** What `tg.webgpu.init()` resolves to: the adapter that was found and whether it is a software one. */
export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a fallback (software) adapter: correct results, no GPU speed. */
  isFallbackAdapter: boolean;
  /** True when the adapter is known to run on the CPU (SwiftShader, llvmpipe/lavapipe), fallback or not. */
  isSoftware: boolean;
  /** "navigator.gpu" in browsers and workers, "webgpu (Dawn)" in Node. */
  source: string;
  /** The limits tensorgrad asked for (the adapter's own). */
  limits: Record<string, number>;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe|warp|basic render/i;

/** Names of the limits worth showing (`tensorgrad doctor`) and requesting (the adapter's maxima, not the defaults). */
const LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupsPerDimension",
  "minStorageBufferOffsetAlignment",
] as const;

/** The Dawn GPU object of this process (Node only), held so that the collector never frees it. */
let dawnGpu: GPU | null = null;

/** In Node, the `webgpu` package (Dawn) provides the GPU object; in browsers and workers, `navigator.gpu`. */
async function findGpu(): Promise<{ gpu: GPU; source: string }> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return { gpu: nav.gpu, source: "navigator.gpu" };
  const isNode = typeof process !== "undefined" && process.versions?.node !== undefined;
  if (!isNode)
    throw new DeviceError("webgpu: this browser has no navigator.gpu (WebGPU is off or unsupported); use a browser with WebGPU enabled");
  let mod: { create(options: string[]): GPU; globals: object };
  try {
    // A variable specifier keeps bundlers from trying to resolve the Node-only package for browsers.
    const name = "webgpu";
    mod = (await import(name)) as typeof mod;
  } catch (e) {
    throw new DeviceError(
      `webgpu: the optional "webgpu" npm package (Dawn for Node) could not be loaded (${(e as Error).message}); install it with \`npm install webgpu\``,
    );
  }
  // Dawn's objects check their arguments against these classes (GPUBufferUsage and friends).
  for (const [k, v] of Object.entries(mod.globals)) if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  // Dawn's instance lives only as long as this object: once collected, its event processing aborts the process
  // (std::system_error in InstanceBase::ProcessEvents). Kept for the life of the process.
  dawnGpu ??= mod.create([]);
  return { gpu: dawnGpu, source: "webgpu (Dawn)" };
}

const INSTALL_HINT =
  "no WebGPU adapter was found. Linux without a GPU: install a Vulkan driver (Debian/Ubuntu: `apt-get install libvulkan1 mesa-vulkan-drivers`, " +
  "or use the SwiftShader that Debian's chromium ships: VK_DRIVER_FILES=/usr/lib/chromium/vk_swiftshader_icd.json); " +
  "Linux with a GPU: install its Vulkan driver; macOS (Metal) and Windows (D3D12) need no extra install";

export interface AcquiredDevice {
  device: GPUDevice;
  info: AdapterInfo;
}

/** Finds an adapter and opens a device with the adapter's own limits (software adapters are accepted and labelled). */
export async function acquireDevice(): Promise<AcquiredDevice> {
  const { gpu, source } = await findGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) throw new DeviceError(`webgpu: ${INSTALL_HINT}`);
  const a = adapter.info;
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[name];
    if (typeof v === "number") requiredLimits[name] = v;
  }
  const device = await adapter.requestDevice({ requiredLimits });
  const text = `${a.vendor} ${a.architecture} ${a.device} ${a.description}`;
  const isFallbackAdapter = Boolean(
    (a as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter,
  );
  const limits: Record<string, number> = {};
  for (const name of LIMITS) limits[name] = (device.limits as unknown as Record<string, number>)[name];
  const info: AdapterInfo = {
    vendor: a.vendor,
    architecture: a.architecture,
    device: a.device,
    description: a.description,
    isFallbackAdapter,
    isSoftware: isFallbackAdapter || SOFTWARE.test(text),
    source,
    limits,
  };
  return { device, info };
}
