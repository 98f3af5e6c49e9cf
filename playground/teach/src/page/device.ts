/**
 * The training device: the header's Device menu (CPU through WASM, or WebGPU) and the badge naming what the worker
 * opened. The first choice comes from `?device=cpu|webgpu`, else WebGPU where the browser has `navigator.gpu`; when
 * that first, automatic choice finds only a software adapter (SwiftShader, llvmpipe: correct but far slower than
 * WASM), the page switches to the CPU and says so. Switching later sends `init` again (the worker moves the model).
 */
import type { FromWorker, TeachDevice } from "../protocol.ts";
import { $ } from "./dom.ts";

type Ready = Extract<FromWorker, { type: "ready" }>;

/** What the worker said it trains on. */
export interface DeviceInfo {
  device: TeachDevice;
  adapter: string;
  reason: string;
}

export class DevicePicker {
  private readonly select = $<HTMLSelectElement>("device");
  private readonly badge = $("device-badge");
  /** Whether the current request was the page's own guess (a software adapter then falls back to the CPU). */
  private automatic: boolean;
  info: DeviceInfo | null = null;
  /** An `init` is on its way (the train button waits). */
  switching = true;
  private asked: TeachDevice = "cpu";

  constructor(
    private readonly init: (device: TeachDevice) => void,
    private readonly note: (text: string) => void,
    private readonly changed: () => void,
  ) {
    const asked = new URLSearchParams(location.search).get("device");
    this.automatic = asked !== "cpu" && asked !== "webgpu";
    this.first = asked === "cpu" || asked === "webgpu" ? asked : "gpu" in navigator ? "webgpu" : "cpu";
    this.select.value = this.first;
    this.select.addEventListener("change", () => {
      this.automatic = false;
      this.request(this.select.value === "webgpu" ? "webgpu" : "cpu");
    });
  }

  private readonly first: TeachDevice;

  /** Opens the first device (once the page is wired). */
  start(): void {
    this.request(this.first);
  }

  private request(device: TeachDevice): void {
    this.asked = device;
    this.switching = true;
    this.badge.textContent = device === "webgpu" ? "opening WebGPU…" : "starting…";
    this.changed();
    this.init(device);
  }

  /** The worker's answer to `init`. */
  ready(msg: Ready): void {
    if (this.automatic && msg.device === "webgpu" && /software/i.test(msg.adapter ?? "")) {
      this.automatic = false;
      this.note(
        `WebGPU here is a software adapter (${msg.adapter}), slower than the CPU: training on the CPU. Pick WebGPU under Device to use it anyway.`,
      );
      this.select.value = "cpu";
      this.request("cpu");
      return;
    }
    this.switching = false;
    this.info = { device: msg.device, adapter: msg.adapter ?? "", reason: msg.reason ?? "" };
    this.select.value = msg.device;
    this.badge.textContent = msg.device === "webgpu" ? (msg.adapter ?? "WebGPU") : "WASM";
    this.badge.dataset.device = msg.device;
    this.badge.title = msg.reason ? `WebGPU is not used: ${msg.reason}` : "";
    if (!this.automatic && this.asked === "webgpu" && msg.device === "cpu") {
      this.note(`WebGPU is unavailable here${msg.reason ? ` (${msg.reason})` : ""}: training on the CPU.`);
    }
    this.changed();
  }

  /** The menu is locked while training runs. */
  lock(locked: boolean): void {
    this.select.disabled = locked;
  }
}
