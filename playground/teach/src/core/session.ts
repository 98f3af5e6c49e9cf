/**
 * The worker's logic without the worker API: answers the protocol's messages (protocol.ts) with the core's trainer,
 * classifier, export and import. Training runs batch by batch and yields to the event loop between batches (through
 * `schedule`), so `stop` and `predict` are answered while it runs; the previous model keeps predicting until the new
 * one is done. Other requests are handled one at a time, in order. worker.ts connects it to `self`; tests drive it in
 * Node.
 */
import * as tg from "tensorgrad";
import type { FromWorker, Sample, TeachDevice, ToWorker, TrainSettings } from "../protocol.ts";
import { Classifier } from "./classifier.ts";
import { exportProject } from "./files.ts";
import { importProject } from "./import.ts";
import { buildClassifier } from "./model.ts";
import { Trainer } from "./train.ts";

/** Posts a message to the page, transferring `transfer`. */
export type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Opens WebGPU when asked and available; says which device is used and why not webgpu. */
export async function openDevice(asked: TeachDevice): Promise<{ device: TeachDevice; adapter?: string; reason?: string }> {
  if (asked === "cpu") return { device: "cpu" };
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  const isNode = typeof process !== "undefined" && process.versions?.node !== undefined;
  if (!nav?.gpu && !isNode) return { device: "cpu", reason: "this browser has no WebGPU (navigator.gpu)" };
  try {
    const info = await tg.webgpu.init();
    const name = [info.vendor, info.architecture].filter((s) => s !== "").join(" ") || info.description || "unknown adapter";
    return { device: "webgpu", adapter: info.isSoftware || info.isFallbackAdapter ? `${name}, software (slow)` : name };
  } catch (e) {
    return { device: "cpu", reason: message(e) };
  }
}

export class TeachSession {
  device: TeachDevice = "cpu";
  classifier: Classifier | null = null;
  trainer: Trainer | null = null;
  /** The samples and settings of the last training (or import), for project.json. */
  private samples: Sample[] = [];
  private settings: TrainSettings | undefined;
  /** The request being handled; later ones chain after it. */
  private queue: Promise<void> = Promise.resolve();
  /** The training loop, while it runs. */
  private training: Promise<void> | null = null;

  constructor(
    private readonly post: Post,
    /** Runs `fn` after the event loop has had a turn (a zero-delay message in the worker, setImmediate in Node). */
    private readonly schedule: (fn: () => void) => void,
  ) {}

  /** Handles one message from the page (`stop` and `predict` at once; the others in order). */
  handle(msg: ToWorker): void {
    if (msg.type === "stop") {
      this.trainer?.stop();
      return;
    }
    if (msg.type === "predict") {
      void this.predict(msg.id, msg.rgba);
      return;
    }
    this.queue = this.queue
      .then(() => this.dispatch(msg))
      .catch((e: unknown) => this.post({ type: "error", message: message(e), request: msg.type }));
  }

  /** Resolves when every request so far, and training, are done (for tests). */
  async idle(): Promise<void> {
    await this.queue;
    while (this.training) await this.training;
  }

  private async dispatch(msg: Exclude<ToWorker, { type: "stop" | "predict" }>): Promise<void> {
    switch (msg.type) {
      case "init": {
        if (this.training) throw new tg.ValueError("init: training is running; stop it first");
        const opened = await openDevice(msg.device);
        if (opened.device !== this.device && this.classifier) this.classifier = await this.moveTo(this.classifier, opened.device);
        this.device = opened.device;
        this.post({ type: "ready", ...opened });
        return;
      }
      case "train": {
        if (this.training) throw new tg.ValueError("train: training is already running; stop it first");
        const trainer = new Trainer(msg.classes, msg.samples, msg.settings, this.device);
        this.trainer = trainer;
        this.training = this.train(trainer).finally(() => {
          this.training = null;
          if (this.trainer === trainer) this.trainer = null;
        });
        return;
      }
      case "export": {
        const c = this.requireModel("export");
        const model = this.device === "cpu" ? c.model : (await this.moveTo(c, "cpu")).model;
        const files = exportProject(model, c.classes, { samples: msg.samples ? this.samples : [], settings: this.settings });
        this.post({ type: "exported", files }, [...new Set(files.map((f) => f.bytes.buffer as ArrayBuffer))]);
        return;
      }
      case "import": {
        if (this.training) throw new tg.ValueError("import: training is running; stop it first");
        const project = importProject(msg.files);
        this.classifier =
          project.classifier && this.device !== "cpu" ? await this.moveTo(project.classifier, this.device) : project.classifier;
        this.samples = project.samples;
        this.settings = project.settings ?? undefined;
        this.post({
          type: "imported",
          classes: project.classes,
          samples: project.samples.map((s) => ({ label: s.label, rgba: s.rgba.slice() })),
          model: project.classifier !== null,
          ...(project.settings ? { settings: project.settings } : {}),
        });
        return;
      }
      default:
        throw new tg.ValueError(`unknown message type ${JSON.stringify((msg as { type?: unknown }).type)}`);
    }
  }

  private async train(trainer: Trainer): Promise<void> {
    try {
      while (!trainer.done) {
        const p = await trainer.step();
        this.post({ type: "progress", ...p });
        await new Promise<void>((resolve) => this.schedule(resolve));
      }
      const report = await trainer.finish();
      this.classifier = new Classifier(trainer.model, trainer.classes, this.device);
      this.samples = trainer.samples;
      this.settings = trainer.settings;
      this.post({ type: "trained", ...report });
    } catch (e) {
      this.post({ type: "error", message: message(e), request: "train" });
    }
  }

  private async predict(id: number, rgba: Uint8ClampedArray): Promise<void> {
    try {
      const c = this.requireModel("predict");
      this.post({ type: "prediction", id, probabilities: await c.predict(rgba) });
    } catch (e) {
      this.post({ type: "error", message: message(e), request: "predict" });
    }
  }

  private requireModel(what: string): Classifier {
    if (!this.classifier) throw new tg.ValueError(`${what}: there is no model yet: train one or import one`);
    return this.classifier;
  }

  /** A copy of the classifier's model on `device` (weights read back with one await each). */
  private async moveTo(c: Classifier, device: TeachDevice): Promise<Classifier> {
    const model = buildClassifier(c.classes.length);
    const state: Record<string, tg.Tensor> = {};
    for (const [k, t] of Object.entries(c.model.stateDict())) state[k] = await t.cpuAsync();
    model.loadStateDict(state);
    if (device !== "cpu") model.to(device);
    return new Classifier(model, c.classes, device);
  }
}
