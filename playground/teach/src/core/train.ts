/**
 * Training from scratch: the samples become normalized floats once, a seeded stratified split holds out validation
 * samples, and Adam trains the CNN (core/model.ts) on shuffled, augmented batches. One `step()` is one batch, so that
 * the worker can answer `stop` and `predict` between batches; `finish()` evaluates and reports.
 */
import * as tg from "tensorgrad";
import type { ClassResult, Sample, TrainSettings } from "../protocol.ts";
import { augmentInto } from "./augment.ts";
import { evaluate } from "./evaluate.ts";
import { CHANNELS, IMAGE_SIZE, toChw } from "./image.ts";
import { buildClassifier } from "./model.ts";
import { Rng } from "./random.ts";
import { stratifiedSplit } from "./split.ts";
import { checkClasses, checkSettings, checkTrainingSamples } from "./validate.ts";

/** One batch's progress (see the protocol's `progress`); epochs and batches count from 1. */
export interface Progress {
  epoch: number;
  epochs: number;
  batch: number;
  batches: number;
  /** Mean loss and accuracy of the epoch's training batches so far (augmented, train mode). */
  loss: number;
  accuracy: number;
  /** After an epoch's last batch, when there are validation samples. */
  valLoss?: number;
  valAccuracy?: number;
}

/** The end of training (see the protocol's `trained`). */
export interface TrainReport {
  perClass: ClassResult[];
  confusion: number[][];
  evaluatedOn: "validation" | "training";
  trainCount: number;
  valCount: number;
  seconds: number;
  stopped: boolean;
}

const PER_IMAGE = CHANNELS * IMAGE_SIZE * IMAGE_SIZE;

export class Trainer {
  readonly model: tg.nn.Sequential;
  readonly classes: string[];
  readonly settings: TrainSettings;
  readonly samples: Sample[];
  readonly trainIdx: number[];
  readonly valIdx: number[];
  private readonly x: Float32Array;
  private readonly labels: Int32Array;
  private readonly opt: tg.optim.Adam;
  private readonly rng: Rng;
  private order: number[] = [];
  private epoch = 0;
  private batch = 0;
  private sumLoss = 0;
  private correct = 0;
  private seen = 0;
  private stopped = false;
  private readonly started = performance.now();

  /**
   * Checks the request (class names, samples, settings) and builds a fresh model on `device` (open it first:
   * `tg.webgpu.init()`). Seeds tensorgrad's generator with `settings.seed` for the initial weights and dropout.
   *
   * @example const t = new Trainer(["cat", "dog"], samples, DEFAULT_SETTINGS); while (!t.done) await t.step();
   */
  constructor(
    classes: readonly string[],
    samples: readonly Sample[],
    settings: TrainSettings,
    readonly device: tg.DeviceType = "cpu",
  ) {
    this.classes = checkClasses(classes);
    this.settings = checkSettings(settings);
    this.samples = checkTrainingSamples(samples, this.classes);
    this.x = new Float32Array(this.samples.length * PER_IMAGE);
    this.samples.forEach((s, i) => {
      toChw(s.rgba, IMAGE_SIZE, this.x, i * PER_IMAGE);
    });
    this.labels = Int32Array.from(this.samples, (s) => s.label);
    const split = stratifiedSplit([...this.labels], this.classes.length, this.settings.validationFraction, this.settings.seed);
    this.trainIdx = split.train;
    this.valIdx = split.val;
    this.rng = new Rng(this.settings.seed + 1);
    tg.manualSeed(this.settings.seed);
    this.model = buildClassifier(this.classes.length);
    if (device !== "cpu") this.model.to(device);
    this.model.train();
    this.opt = new tg.optim.Adam(this.model.parameters(), this.settings.learningRate);
  }

  /** Batches per epoch. */
  get batches(): number {
    return Math.ceil(this.trainIdx.length / this.settings.batchSize);
  }

  /** Whether every epoch ran or `stop()` was called. */
  get done(): boolean {
    return this.stopped || this.epoch >= this.settings.epochs;
  }

  /** Ends training before the next batch (the weights so far are kept). */
  stop(): void {
    if (this.epoch < this.settings.epochs) this.stopped = true;
  }

  /** Trains one batch (and evaluates the validation samples after an epoch's last batch); one read per batch. */
  async step(): Promise<Progress> {
    if (this.done) throw new tg.ValueError("Trainer.step: training is over");
    const bs = this.settings.batchSize;
    if (this.batch === 0) {
      this.order = this.rng.shuffle([...this.trainIdx]);
      this.sumLoss = 0;
      this.correct = 0;
      this.seen = 0;
    }
    const idx = this.order.slice(this.batch * bs, (this.batch + 1) * bs);
    const raw = new Float32Array(idx.length * PER_IMAGE);
    idx.forEach((k, j) => {
      raw.set(this.x.subarray(k * PER_IMAGE, (k + 1) * PER_IMAGE), j * PER_IMAGE);
    });
    let input = raw;
    if (this.settings.augment) {
      input = new Float32Array(raw.length);
      for (let j = 0; j < idx.length; j++) augmentInto(raw, input, j, IMAGE_SIZE, this.rng);
    }
    const xb = tg.tensor(input, { device: this.device }).reshape([idx.length, CHANNELS, IMAGE_SIZE, IMAGE_SIZE]);
    const yb = tg.tensor(
      Int32Array.from(idx, (k) => this.labels[k]),
      { dtype: "int32", device: this.device },
    );
    const logits = this.model(xb);
    const loss = tg.nn.functional.crossEntropy(logits, yb);
    this.opt.zeroGrad();
    loss.backward();
    this.opt.step();
    const stats = tg.noGrad(() => tg.stack([loss.detach(), logits.detach().argmax(1).eq(yb).sum().float()]));
    const [l, c] = (await stats.toArrayAsync()) as Float32Array;
    this.sumLoss += l * idx.length;
    this.correct += c;
    this.seen += idx.length;
    this.batch += 1;
    const progress: Progress = {
      epoch: this.epoch + 1,
      epochs: this.settings.epochs,
      batch: this.batch,
      batches: this.batches,
      loss: this.sumLoss / this.seen,
      accuracy: this.correct / this.seen,
    };
    if (this.batch >= this.batches) {
      this.batch = 0;
      this.epoch += 1;
      if (this.valIdx.length > 0) {
        const v = await evaluate(this.model, this.classes, this.x, this.labels, this.valIdx, this.device);
        progress.valLoss = v.loss;
        progress.valAccuracy = v.accuracy;
      }
    }
    return progress;
  }

  /** Evaluates on the validation samples (on the training samples when there are none) and reports; eval mode after. */
  async finish(): Promise<TrainReport> {
    const evaluatedOn = this.valIdx.length > 0 ? "validation" : "training";
    const e = await evaluate(
      this.model,
      this.classes,
      this.x,
      this.labels,
      evaluatedOn === "validation" ? this.valIdx : this.trainIdx,
      this.device,
    );
    this.model.eval();
    return {
      perClass: e.perClass,
      confusion: e.confusion,
      evaluatedOn,
      trainCount: this.trainIdx.length,
      valCount: this.valIdx.length,
      seconds: (performance.now() - this.started) / 1000,
      stopped: this.stopped,
    };
  }
}
