/**
 * What the training worker does, apart from the worker API: reports the devices it can train on ("probe"), builds the
 * trainer on "init", trains in chunks of a few milliseconds while playing, and posts snapshots at most ~30 times a
 * second. worker.ts connects it to `self`; the tests drive it directly in Node.
 *
 * On the CPU every message is handled synchronously. Work that awaits (opening the WebGPU device, a chunk or a snapshot
 * on webgpu, which read back asynchronously) is queued: messages that arrive meanwhile wait their turn, in order.
 */
import { makeData } from "./datasets.ts";
import { probeDevices } from "./device.ts";
import { networkConfig } from "./model.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";
import { type Snapshot, Trainer } from "./trainer.ts";

/** Milliseconds of training per chunk before the worker looks at its messages again. */
export const CHUNK_MS = 12;
/** Least milliseconds between two snapshots while playing. */
export const SNAPSHOT_MS = 33;
/** Most epochs one chunk queues on a device read asynchronously (they are read back together). */
export const MAX_DEVICE_EPOCHS = 64;

export class WorkerCore {
  trainer: Trainer | null = null;
  playing = false;
  private lastSnapshot = 0;
  /** The async work in progress; messages that arrive meanwhile are chained after it. */
  private busy: Promise<void> | null = null;
  /** Epochs per chunk on webgpu, doubled or halved so that a chunk takes about CHUNK_MS. */
  private deviceEpochs = 1;

  constructor(
    private readonly post: (msg: FromWorker, transfer?: Transferable[]) => void,
    /** Schedules the next chunk (a zero-delay message in the worker). */
    private readonly schedule: (fn: () => void) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  handle(msg: ToWorker): void {
    this.run(() => this.dispatch(msg));
  }

  /** Resolves when every queued message and chunk has been handled (for tests). */
  async idle(): Promise<void> {
    while (this.busy) await this.busy;
  }

  /** Runs `fn` now, or after the async work in progress; errors are posted and stop training. */
  private run(fn: () => undefined | Promise<void>): void {
    if (this.busy) {
      this.track(this.busy.then(fn).catch((e: unknown) => this.fail(e)));
      return;
    }
    try {
      const r = fn();
      if (r) this.track(r.catch((e: unknown) => this.fail(e)));
    } catch (e) {
      this.fail(e);
    }
  }

  private track(p: Promise<void>): void {
    this.busy = p;
    void p.then(() => {
      if (this.busy === p) this.busy = null;
    });
  }

  private fail(e: unknown): void {
    this.playing = false;
    this.post({ type: "error", message: e instanceof Error ? e.message : String(e) });
  }

  private dispatch(msg: ToWorker): undefined | Promise<void> {
    switch (msg.type) {
      case "probe":
        return probeDevices().then((report) => this.post({ type: "devices", report }));
      case "init": {
        this.playing = false;
        const data = makeData(msg.state, msg.csv);
        const config = networkConfig(msg.state, data.classes);
        if (msg.state.device === "cpu") {
          this.trainer = new Trainer(config, data, msg.state);
          this.post({ type: "data", data });
          return this.sendSnapshot();
        }
        this.trainer = null;
        return Trainer.create(config, data, msg.state, msg.state.device).then((t) => {
          this.trainer = t;
          this.deviceEpochs = 1;
          this.post({ type: "data", data });
          return this.sendSnapshot();
        });
      }
      case "hyper":
        this.trainer?.setHyper(msg.hyper);
        return;
      case "play":
        if (!this.trainer || this.trainer.diverged || this.playing) return;
        this.playing = true;
        this.schedule(() => this.chunk());
        return;
      case "pause":
        this.playing = false;
        return this.sendSnapshot();
      case "step": {
        this.playing = false;
        const t = this.trainer;
        if (!t) return;
        if (t.device === "cpu") {
          if (!t.trainEpoch()) this.reportDivergence();
          return this.sendSnapshot();
        }
        return t.trainEpochsAsync(1).then((ok) => {
          if (!ok) this.reportDivergence();
          return this.sendSnapshot();
        });
      }
      case "setWeight":
        this.trainer?.setWeight(msg.layer, msg.to, msg.from, msg.value);
        return this.playing ? undefined : this.sendSnapshot();
      case "export": {
        const t = this.trainer;
        if (!t) return;
        if (t.device === "cpu") return this.postExport(t.exportModel());
        return t.exportModelAsync().then((r) => this.postExport(r));
      }
      case "exportOnnx": {
        const t = this.trainer;
        if (!t) return;
        if (t.device === "cpu") return this.postOnnx(t.exportOnnx());
        return t.exportOnnxAsync().then((r) => this.postOnnx(r));
      }
    }
  }

  private postExport({ bytes, snippet, fileName }: { bytes: Uint8Array; snippet: string; fileName: string }): undefined {
    this.post({ type: "exported", bytes, snippet, fileName }, [bytes.buffer as ArrayBuffer]);
    return undefined;
  }

  private postOnnx({ bytes, fileName }: { bytes: Uint8Array; fileName: string }): undefined {
    this.post({ type: "exportedOnnx", bytes, fileName }, [bytes.buffer as ArrayBuffer]);
    return undefined;
  }

  /** Trains epochs for about CHUNK_MS, posts a snapshot when one is due, and schedules the next chunk. */
  chunk(): void {
    this.run(() => this.trainChunk());
  }

  private trainChunk(): undefined | Promise<void> {
    const t = this.trainer;
    if (!this.playing || !t) return;
    if (t.device !== "cpu") return this.deviceChunk(t);
    const start = this.now();
    do {
      if (!t.trainEpoch()) {
        this.playing = false;
        this.reportDivergence();
        return this.sendSnapshot();
      }
    } while (this.now() - start < CHUNK_MS);
    if (this.now() - this.lastSnapshot >= SNAPSHOT_MS) this.sendSnapshot();
    this.schedule(() => this.chunk());
  }

  /** A chunk on webgpu: `deviceEpochs` epochs queued and read back with one await, then maybe a snapshot. */
  private async deviceChunk(t: Trainer): Promise<void> {
    const start = this.now();
    const ok = await t.trainEpochsAsync(this.deviceEpochs);
    const took = this.now() - start;
    if (took < CHUNK_MS) this.deviceEpochs = Math.min(MAX_DEVICE_EPOCHS, this.deviceEpochs * 2);
    else if (took > 4 * CHUNK_MS) this.deviceEpochs = Math.max(1, this.deviceEpochs / 2);
    if (!ok) {
      this.playing = false;
      this.reportDivergence();
      await this.sendSnapshot();
      return;
    }
    if (this.now() - this.lastSnapshot >= SNAPSHOT_MS) await this.sendSnapshot();
    this.schedule(() => this.chunk());
  }

  private reportDivergence(): void {
    if (this.trainer?.diverged) this.post({ type: "diverged", divergence: this.trainer.diverged });
  }

  /** Posts a snapshot: at once on the CPU, after one read on webgpu. */
  private sendSnapshot(): undefined | Promise<void> {
    const t = this.trainer;
    if (!t) return;
    this.lastSnapshot = this.now();
    if (t.device === "cpu") {
      this.postSnapshot(t.snapshot());
      return;
    }
    return t.snapshotAsync().then((s) => {
      if (this.trainer === t) this.postSnapshot(s);
    });
  }

  private postSnapshot(snapshot: Snapshot): void {
    const transfer = snapshot.grids.flat().map((g) => g.buffer as ArrayBuffer);
    this.post({ type: "snapshot", snapshot, playing: this.playing }, transfer);
  }
}
