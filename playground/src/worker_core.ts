/**
 * What the training worker does, apart from the worker API: builds the trainer on "init", trains in chunks of a few
 * milliseconds while playing, and posts snapshots at most ~30 times a second. worker.ts connects it to `self`; the tests
 * drive it directly in Node.
 */
import { makeData } from "./datasets.ts";
import { networkConfig } from "./model.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";
import { Trainer } from "./trainer.ts";

/** Milliseconds of training per chunk before the worker looks at its messages again. */
export const CHUNK_MS = 12;
/** Least milliseconds between two snapshots while playing. */
export const SNAPSHOT_MS = 33;

export class WorkerCore {
  trainer: Trainer | null = null;
  playing = false;
  private lastSnapshot = 0;

  constructor(
    private readonly post: (msg: FromWorker, transfer?: Transferable[]) => void,
    /** Schedules the next chunk (a zero-delay message in the worker). */
    private readonly schedule: (fn: () => void) => void,
    private readonly now: () => number = () => performance.now(),
  ) {}

  handle(msg: ToWorker): void {
    try {
      this.dispatch(msg);
    } catch (e) {
      this.playing = false;
      this.post({ type: "error", message: e instanceof Error ? e.message : String(e) });
    }
  }

  private dispatch(msg: ToWorker): void {
    switch (msg.type) {
      case "init": {
        this.playing = false;
        const data = makeData(msg.state, msg.csv);
        this.trainer = new Trainer(networkConfig(msg.state, data.classes), data, msg.state);
        this.post({ type: "data", data });
        this.sendSnapshot();
        return;
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
        this.sendSnapshot();
        return;
      case "step":
        this.playing = false;
        if (this.trainer && !this.trainer.trainEpoch()) this.reportDivergence();
        this.sendSnapshot();
        return;
      case "setWeight":
        this.trainer?.setWeight(msg.layer, msg.to, msg.from, msg.value);
        if (!this.playing) this.sendSnapshot();
        return;
      case "export": {
        if (!this.trainer) return;
        const { bytes, snippet, fileName } = this.trainer.exportModel();
        this.post({ type: "exported", bytes, snippet, fileName }, [bytes.buffer as ArrayBuffer]);
        return;
      }
      case "exportOnnx": {
        if (!this.trainer) return;
        const { bytes, fileName } = this.trainer.exportOnnx();
        this.post({ type: "exportedOnnx", bytes, fileName }, [bytes.buffer as ArrayBuffer]);
        return;
      }
    }
  }

  /** Trains epochs for about CHUNK_MS, posts a snapshot when one is due, and schedules the next chunk. */
  chunk(): void {
    const t = this.trainer;
    if (!this.playing || !t) return;
    const start = this.now();
    do {
      if (!t.trainEpoch()) {
        this.playing = false;
        this.reportDivergence();
        this.sendSnapshot();
        return;
      }
    } while (this.now() - start < CHUNK_MS);
    if (this.now() - this.lastSnapshot >= SNAPSHOT_MS) this.sendSnapshot();
    this.schedule(() => this.chunk());
  }

  private reportDivergence(): void {
    if (this.trainer?.diverged) this.post({ type: "diverged", divergence: this.trainer.diverged });
  }

  private sendSnapshot(): void {
    if (!this.trainer) return;
    this.lastSnapshot = this.now();
    const snapshot = this.trainer.snapshot();
    const transfer = snapshot.grids.flat().map((g) => g.buffer as ArrayBuffer);
    this.post({ type: "snapshot", snapshot, playing: this.playing }, transfer);
  }
}
