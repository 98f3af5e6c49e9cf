import { noGrad } from "../autograd/grad_mode.js";
import type { DeviceType } from "../backend/backend.js";
import { Tensor } from "../tensor/tensor.js";
import * as webgpu from "../webgpu.js";
import type { FlagSpec } from "./args.js";
import { CommandFailed } from "./errors.js";

export const DEVICE_FLAG: FlagSpec = {
  type: "string",
  description: 'Device to compute on: cpu, or webgpu (a GPU through WebGPU; "tensorgrad doctor" shows it)',
  choices: ["cpu", "webgpu"],
  default: "cpu",
};

/** Opens the device a command asked for; a missing WebGPU adapter is one clear line that points to `tensorgrad doctor`. */
export async function openDevice(device: string): Promise<{ device: DeviceType; note: string | null }> {
  if (device !== "webgpu") return { device: "cpu", note: null };
  try {
    const info = await webgpu.init();
    const name = `${info.vendor} ${info.architecture}`.trim() || info.description;
    return {
      device: "webgpu",
      note: `device webgpu: ${name}${info.isSoftware ? " (a software adapter: correct but slow)" : ""}`,
    };
  } catch (e) {
    throw new CommandFailed(`--device webgpu: ${(e as Error).message}. Run "tensorgrad doctor" for what to install.`);
  }
}

/**
 * The running loss and accuracy of a training epoch. On the CPU each batch's values are read at once; on a device read
 * asynchronously they are summed there and read every `every` batches, so the GPU is never waited for inside a step
 * (and the awaits let the garbage collector hand freed GPU buffers back to the pool).
 */
export class EpochMeter {
  private lossSum = 0;
  private correct = 0;
  private pendingLoss: Tensor | null = null;
  private pendingCorrect: Tensor | null = null;
  seen = 0;

  constructor(
    private readonly device: DeviceType,
    private readonly classification: boolean,
    readonly every = device === "cpu" ? 1 : 20,
  ) {}

  /** Adds one batch of `n` examples: its mean loss and its outputs against the targets. */
  add(loss: Tensor, out: Tensor, y: Tensor, n: number): void {
    this.seen += n;
    if (this.device === "cpu") {
      this.lossSum += loss.item() * n;
      if (this.classification) this.correct += out.argmax(1).eq(y).int().sum().item();
      return;
    }
    noGrad(() => {
      const l = loss.detach().mul(n);
      this.pendingLoss = this.pendingLoss ? this.pendingLoss.add(l) : l;
      if (this.classification) {
        const c = out.argmax(1).eq(y).int().sum();
        this.pendingCorrect = this.pendingCorrect ? this.pendingCorrect.add(c) : c;
      }
    });
  }

  /** Whether the progress display should be brought up to date after batch `batch` (1-based) of `total`. */
  due(batch: number, total: number): boolean {
    return batch % this.every === 0 || batch === total;
  }

  /** The mean loss and accuracy so far (reads the device's sums). */
  async read(): Promise<{ loss: number; accuracy: number | undefined }> {
    if (this.pendingLoss) {
      this.lossSum += await this.pendingLoss.itemAsync();
      this.pendingLoss = null;
    }
    if (this.pendingCorrect) {
      this.correct += await this.pendingCorrect.itemAsync();
      this.pendingCorrect = null;
    }
    return { loss: this.lossSum / this.seen, accuracy: this.classification ? this.correct / this.seen : undefined };
  }
}

/** A state dict with every tensor copied to the CPU (for saving a model that lives on another device). */
export async function stateDictToHost(sd: Record<string, Tensor>): Promise<Record<string, Tensor>> {
  const entries = await Promise.all(Object.entries(sd).map(async ([k, t]) => [k, await t.toAsync("cpu")] as const));
  return Object.fromEntries(entries);
}

/** An optimizer's state dict with its state tensors copied to the CPU. */
export async function optimizerStateToHost<S extends { state: Record<number, Record<string, unknown>> }>(sd: S): Promise<S> {
  const state: Record<number, Record<string, unknown>> = {};
  for (const [id, s] of Object.entries(sd.state)) {
    const entries = await Promise.all(
      Object.entries(s).map(async ([k, v]) => [k, v instanceof Tensor ? await v.toAsync("cpu") : v] as const),
    );
    state[Number(id)] = Object.fromEntries(entries);
  }
  return { ...sd, state };
}
