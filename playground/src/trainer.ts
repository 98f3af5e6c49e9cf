/**
 * The training loop behind the page, with no DOM and no worker API in it: the worker (worker.ts) drives it, and the
 * tests run it in Node. It trains with tensorgrad's nn and optim, computes the per-neuron heatmap grids, the losses and
 * the per-layer gradient norms, and stops with a reason (the NaN guard) when training diverges.
 *
 * On the CPU everything is read synchronously (`trainEpoch`, `snapshot`). On "webgpu" the data and the model live on
 * the GPU and the async forms read back: `trainEpochsAsync` queues several epochs and reads their losses and gradient
 * norms with one await, `snapshotAsync` reads all weights and grids with one await.
 */
import * as tg from "tensorgrad";
import type { PlaygroundData } from "./datasets.ts";
import { openDevice, readAll } from "./device.ts";
import { applyFeatures, FEATURE_DEFS, gridPoints } from "./features.ts";
import { type BuiltModel, buildModel, modelSnippet, type NetworkConfig } from "./model.ts";
import type { OptimizerName, PlaygroundDevice, Regularization } from "./state.ts";

const { nn, optim } = tg;

/** Resolution of every heatmap grid (res × res cells, upscaled when drawn). */
export const GRID_RES = 40;
/** A gradient norm above this (or a non-finite one) counts as exploding. */
export const EXPLODING_NORM = 1e6;

export interface Hyper {
  learningRate: number;
  optimizer: OptimizerName;
  regularization: Regularization;
  regRate: number;
  batchSize: number;
}

export interface LossPoint {
  epoch: number;
  trainLoss: number;
  testLoss: number;
  /** The mean gradient norm of each layer's weight over the epoch, input side first (the output layer last). */
  gradNorms: number[];
}

export interface LayerWeights {
  /** `[out, in]` row-major. */
  weight: Float32Array;
  bias: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

export interface Snapshot {
  /** The device that trained and computed this snapshot. */
  device: PlaygroundDevice;
  epoch: number;
  trainLoss: number;
  testLoss: number;
  /** Loss points since the previous snapshot (every epoch has one). */
  history: LossPoint[];
  weights: LayerWeights[];
  /**
   * Heatmap grids, `GRID_RES²` values each (row 0 at the top): `grids[0]` the input features, `grids[1..L]` the hidden
   * layers' neurons after their activation, `grids[L + 1]` the output neurons. Binary classification's output is
   * `2p − 1` (−1 to 1), multiclass gives each class's probability, regression the predicted value.
   */
  grids: Float32Array[][];
}

/** Input features or regression targets beyond this magnitude make the advice "rescale the data", not "lower the rate". */
export const LARGE_DATA = 1e3;

/** Why training stopped by itself. */
export interface Divergence {
  /** The epochs completed (what the page's counter shows); the weights are those after it. */
  epoch: number;
  kind: "nan-loss" | "exploding-gradients";
  message: string;
}

function normOf(t: tg.Tensor | null): number {
  if (!t) return 0;
  const a = t.toArray() as ArrayLike<number>;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

export class Trainer {
  readonly built: BuiltModel;
  readonly config: NetworkConfig;
  readonly data: PlaygroundData;
  hyper: Hyper;
  epoch = 0;
  diverged: Divergence | null = null;
  private opt: tg.optim.Optimizer<{ lr: number }>;
  private readonly xTrain: tg.Tensor;
  private readonly yTrain: tg.Tensor;
  private readonly xTest: tg.Tensor;
  private readonly yTest: tg.Tensor;
  private readonly gridX: tg.Tensor;
  private readonly featureGrids: Float32Array[];
  private readonly order: tg.Generator;
  private pending: LossPoint[] = [];
  private last: { trainLoss: number; testLoss: number };
  /** The largest magnitude among the input features (and the regression targets), and what it is. */
  private readonly scale: { value: number; what: string };

  /** Where the data and the model live; "webgpu" needs `tg.webgpu.init()` first (`Trainer.create` does it). */
  readonly device: PlaygroundDevice;

  /** A trainer on `device`, with the initial losses read (on webgpu asynchronously). */
  static async create(config: NetworkConfig, data: PlaygroundData, hyper: Hyper, device: PlaygroundDevice = "cpu"): Promise<Trainer> {
    await openDevice(device);
    const t = new Trainer(config, data, hyper, device);
    if (device !== "cpu") {
      const [losses] = await readAll([t.evalLosses()]);
      t.last = { trainLoss: losses[0], testLoss: losses[1] };
    }
    return t;
  }

  constructor(config: NetworkConfig, data: PlaygroundData, hyper: Hyper, device: PlaygroundDevice = "cpu") {
    this.config = config;
    this.data = data;
    this.hyper = { ...hyper };
    this.device = device;
    this.built = buildModel(config);
    if (device !== "cpu") this.built.model.to(device);
    const f = config.features.length;
    const all = applyFeatures(data.points, config.features);
    const n = data.labels.length;
    this.scale = { value: 0, what: "input features" };
    for (const v of all) if (Math.abs(v) > this.scale.value) this.scale.value = Math.abs(v);
    if (data.problem === "regression")
      for (const v of data.labels) if (Math.abs(v) > this.scale.value) this.scale = { value: Math.abs(v), what: "regression targets" };
    const x = tg.tensor(Array.from(all), { device }).reshape([n, f]);
    const y =
      data.problem === "multiclass"
        ? tg.tensor(Array.from(data.labels), { dtype: "int32", device })
        : tg.tensor(Array.from(data.labels), { device }).reshape([n, 1]);
    this.xTrain = x.narrow(0, 0, data.nTrain).contiguous();
    this.yTrain = y.narrow(0, 0, data.nTrain).contiguous();
    this.xTest = x.narrow(0, data.nTrain, n - data.nTrain).contiguous();
    this.yTest = y.narrow(0, data.nTrain, n - data.nTrain).contiguous();
    const grid = gridPoints(GRID_RES, data.domain);
    this.gridX = tg.tensor(Array.from(applyFeatures(grid, config.features)), { device }).reshape([GRID_RES * GRID_RES, f]);
    this.featureGrids = config.features.map((name) => {
      const out = new Float32Array(GRID_RES * GRID_RES);
      const fn = FEATURE_DEFS[name].fn;
      for (let i = 0; i < out.length; i++) out[i] = fn(grid[2 * i], grid[2 * i + 1]);
      return out;
    });
    this.order = new tg.Generator(config.seed + 1);
    this.opt = this.makeOptimizer();
    if (device === "cpu") {
      const [trainLoss, testLoss] = [this.evalLoss(this.xTrain, this.yTrain), this.evalLoss(this.xTest, this.yTest)];
      this.last = { trainLoss, testLoss };
    } else this.last = { trainLoss: Number.NaN, testLoss: Number.NaN };
  }

  get model(): tg.nn.Sequential {
    return this.built.model;
  }

  private linears(): tg.nn.Linear[] {
    return this.built.linearIndices.map((i) => this.model.at(i) as tg.nn.Linear);
  }

  private makeOptimizer(): tg.optim.Optimizer<{ lr: number }> {
    const params = this.model.parameters();
    const lr = this.hyper.learningRate;
    if (this.hyper.optimizer === "adam") return new optim.Adam(params, { lr }) as tg.optim.Optimizer<{ lr: number }>;
    return new optim.SGD(params, { lr, momentum: this.hyper.optimizer === "momentum" ? 0.9 : 0 }) as tg.optim.Optimizer<{ lr: number }>;
  }

  /** Changes learning rate, optimizer, regularization or batch size without resetting the weights. */
  setHyper(h: Hyper): void {
    const newOpt = h.optimizer !== this.hyper.optimizer;
    this.hyper = { ...h };
    if (newOpt) this.opt = this.makeOptimizer();
    else for (const g of this.opt.paramGroups) g.lr = h.learningRate;
  }

  private dataLoss(out: tg.Tensor, y: tg.Tensor): tg.Tensor {
    if (this.data.problem === "multiclass") return nn.functional.crossEntropy(out, y);
    if (this.data.problem === "classification") return nn.functional.binaryCrossEntropyWithLogits(out, y);
    return nn.functional.mseLoss(out, y);
  }

  private penalty(): tg.Tensor | null {
    const { regularization, regRate } = this.hyper;
    if (regularization === "none" || regRate === 0) return null;
    let total: tg.Tensor | null = null;
    for (const lin of this.linears()) {
      const term = regularization === "l1" ? lin.weight.abs().sum() : lin.weight.square().sum().mul(0.5);
      total = total ? total.add(term) : term;
    }
    return total ? total.mul(regRate) : null;
  }

  /** The data loss (no penalty) over a whole split, in eval mode. */
  private evalLoss(x: tg.Tensor, y: tg.Tensor): number {
    if (x.shape[0] === 0) return 0;
    this.model.eval();
    const loss = tg.noGrad(() => this.dataLoss(this.model(x), y).item());
    this.model.train();
    return loss;
  }

  /** The train and test data losses as a `[2]` tensor on the device (nothing read). */
  private evalLosses(): tg.Tensor {
    const one = (x: tg.Tensor, y: tg.Tensor) =>
      x.shape[0] === 0 ? tg.zeros([], { device: this.device }) : this.dataLoss(this.model(x), y);
    this.model.eval();
    const losses = tg.noGrad(() => tg.stack([one(this.xTrain, this.yTrain), one(this.xTest, this.yTest)]));
    this.model.train();
    return losses;
  }

  private backup(): tg.nn.StateDict {
    return Object.fromEntries(Object.entries(this.model.stateDict()).map(([k, v]) => [k, v.clone()]));
  }

  /**
   * Trains one epoch (every training point once, in mini-batches, shuffled). Returns false, leaving the weights as
   * they were before the epoch, when training diverged: `diverged` then says why.
   */
  trainEpoch(): boolean {
    if (this.diverged) return false;
    const n = this.xTrain.shape[0];
    const bs = Math.max(this.config.batchNorm ? 2 : 1, this.hyper.batchSize);
    const perm = tg.randperm(n, { generator: this.order });
    const xs = this.xTrain.indexSelect(0, perm);
    const ys = this.yTrain.indexSelect(0, perm);
    const before = this.backup();
    const linears = this.linears();
    const sums = linears.map(() => 0);
    let batches = 0;
    this.model.train();
    for (let start = 0; start < n; start += bs) {
      const size = Math.min(bs, n - start);
      if (size < 2 && this.config.batchNorm) continue;
      this.opt.zeroGrad();
      const loss = this.batchLoss(xs, ys, start, size);
      const value = loss.item();
      loss.backward();
      const norms = linears.map((l) => normOf(l.weight.grad));
      const bad = norms.findIndex((g) => !Number.isFinite(g) || g > EXPLODING_NORM);
      if (bad >= 0 || !Number.isFinite(value)) {
        this.model.loadStateDict(before);
        this.diverged = this.explain(bad, norms, value);
        return false;
      }
      norms.forEach((g, i) => {
        sums[i] += g;
      });
      batches++;
      this.opt.step();
    }
    this.epoch++;
    const trainLoss = this.evalLoss(this.xTrain, this.yTrain);
    const testLoss = this.evalLoss(this.xTest, this.yTest);
    if (!Number.isFinite(trainLoss) || trainLoss > 1e12) {
      this.model.loadStateDict(before);
      this.epoch--;
      this.diverged = this.explain(-1, [], trainLoss);
      return false;
    }
    this.last = { trainLoss, testLoss };
    this.pending.push({ epoch: this.epoch, trainLoss, testLoss, gradNorms: sums.map((s) => s / Math.max(1, batches)) });
    return true;
  }

  /** The loss of one mini-batch, penalty included (gradients zeroed first). */
  private batchLoss(xs: tg.Tensor, ys: tg.Tensor, start: number, size: number): tg.Tensor {
    const loss = this.dataLoss(this.model(xs.narrow(0, start, size)), ys.narrow(0, start, size));
    const pen = this.penalty();
    return pen ? loss.add(pen) : loss;
  }

  /**
   * Trains up to `count` epochs, as `trainEpoch` does, on any device: on webgpu the epochs are queued without a read,
   * then their losses and gradient norms come back with one await and are checked epoch by epoch. Returns false when
   * an epoch diverged (the weights are those from before it, `diverged` says why).
   */
  async trainEpochsAsync(count: number): Promise<boolean> {
    if (this.device === "cpu") {
      for (let e = 0; e < count; e++) if (!this.trainEpoch()) return false;
      return true;
    }
    if (this.diverged) return false;
    const n = this.xTrain.shape[0];
    const bs = Math.max(this.config.batchNorm ? 2 : 1, this.hyper.batchSize);
    const linears = this.linears();
    const zero = tg.zeros([], { device: this.device });
    const queued: { before: tg.nn.StateDict; batches: number; stats: tg.Tensor }[] = [];
    this.model.train();
    for (let e = 0; e < count; e++) {
      const perm = tg.randperm(n, { generator: this.order, device: this.device });
      const xs = this.xTrain.indexSelect(0, perm);
      const ys = this.yTrain.indexSelect(0, perm);
      const before = this.backup();
      const rows: tg.Tensor[] = [];
      for (let start = 0; start < n; start += bs) {
        const size = Math.min(bs, n - start);
        if (size < 2 && this.config.batchNorm) continue;
        this.opt.zeroGrad();
        const loss = this.batchLoss(xs, ys, start, size);
        loss.backward();
        // The loss and each layer's squared gradient norm, read later.
        rows.push(tg.noGrad(() => tg.stack([loss.detach(), ...linears.map((l) => (l.weight.grad ? l.weight.grad.square().sum() : zero))])));
        this.opt.step();
      }
      rows.push(tg.cat([this.evalLosses(), tg.zeros([linears.length - 1], { device: this.device })]));
      queued.push({ before, batches: rows.length - 1, stats: tg.stack(rows) });
    }
    const read = await readAll(queued.map((q) => q.stats));
    const width = linears.length + 1;
    for (const [k, q] of queued.entries()) {
      const a = read[k];
      const sums = linears.map(() => 0);
      for (let b = 0; b < q.batches; b++) {
        const value = a[b * width];
        const norms = linears.map((_, i) => Math.sqrt(a[b * width + 1 + i]));
        const bad = norms.findIndex((g) => !Number.isFinite(g) || g > EXPLODING_NORM);
        if (bad >= 0 || !Number.isFinite(value)) return this.rollBack(q.before, this.explain(bad, norms, value));
        norms.forEach((g, i) => {
          sums[i] += g;
        });
      }
      const [trainLoss, testLoss] = [a[q.batches * width], a[q.batches * width + 1]];
      if (!Number.isFinite(trainLoss) || trainLoss > 1e12) return this.rollBack(q.before, this.explain(-1, [], trainLoss));
      this.epoch++;
      this.last = { trainLoss, testLoss };
      this.pending.push({ epoch: this.epoch, trainLoss, testLoss, gradNorms: sums.map((s) => s / Math.max(1, q.batches)) });
    }
    return true;
  }

  private rollBack(before: tg.nn.StateDict, why: Divergence): false {
    this.model.loadStateDict(before);
    this.diverged = why;
    return false;
  }

  /**
   * Why training stopped, at the epoch the page's counter shows (the epochs completed: the failing one is rolled back),
   * with advice that fits: data of huge magnitude needs rescaling, which no learning rate fixes.
   */
  private explain(layer: number, norms: number[], loss: number): Divergence {
    const lr = this.hyper.learningRate;
    const epoch = this.epoch;
    const kept = `the weights are those after epoch ${epoch}`;
    const dataAdvice =
      this.scale.value > LARGE_DATA
        ? `The data is the problem: its ${this.scale.what} reach ${this.scale.value.toExponential(1)}. Rescale them (for example to mean 0 and standard deviation 1) and load them again; a lower learning rate won't fix it.`
        : "";
    if (layer >= 0) {
      const name = layer === norms.length - 1 ? "the output layer" : `hidden layer ${layer + 1}`;
      const g = norms[layer];
      return {
        epoch,
        kind: "exploding-gradients",
        message: `Training stopped at epoch ${epoch}: gradients exploded in the next epoch (the gradient norm of ${name} reached ${Number.isFinite(g) ? g.toExponential(2) : String(g)}); ${kept}. ${dataAdvice || `Lower the learning rate (now ${lr}), pick a smaller initialization, or turn on batch normalization, then press reset.`}`,
      };
    }
    return {
      epoch,
      kind: "nan-loss",
      message: `Training stopped at epoch ${epoch}: the loss became ${Number.isNaN(loss) ? "NaN" : loss > 0 ? "too large" : String(loss)} in the next epoch; ${kept}. ${dataAdvice || `The learning rate (${lr}) is too high for this network; lower it and press reset.`}`,
    };
  }

  /** Changes one weight (`to` neuron of layer `layer`'s output, from input `from`); `from` = -1 sets the bias. */
  setWeight(layer: number, to: number, from: number, value: number): void {
    const lin = this.linears()[layer];
    if (!lin || !Number.isFinite(value)) return;
    tg.noGrad(() => {
      if (from < 0) lin.bias?.set([to], value);
      else lin.weight.set([to, from], value);
    });
  }

  /**
   * The network's output for points `[n, 2]`, as `Snapshot.grids`' output layer describes, `[n, outputs]` row-major.
   * CPU only (it reads synchronously; on webgpu it throws tensorgrad's DeviceError).
   */
  predict(points: Float32Array): Float32Array {
    const n = points.length / 2;
    const x = tg.tensor(Array.from(applyFeatures(points, this.config.features))).reshape([n, this.config.features.length]);
    this.model.eval();
    const out = tg.noGrad(() => this.outputValues(this.model(x)));
    this.model.train();
    return out;
  }

  private outputValues(out: tg.Tensor): Float32Array {
    return Float32Array.from(this.outputTensor(out).toArray() as ArrayLike<number>);
  }

  private outputTensor(out: tg.Tensor): tg.Tensor {
    return this.data.problem === "multiclass"
      ? nn.functional.softmax(out, 1)
      : this.data.problem === "classification"
        ? out.sigmoid().mul(2).sub(1)
        : out;
  }

  /** Weights, grids and losses for the page; `history` holds the epochs since the previous snapshot. */
  snapshot(): Snapshot {
    const model = this.model;
    model.eval();
    const grids: Float32Array[][] = [this.featureGrids.map((g) => g.slice())];
    const cells = GRID_RES * GRID_RES;
    tg.noGrad(() => {
      let h: tg.Tensor = this.gridX;
      const taps = new Set(this.built.activationIndices);
      model.children().forEach((layer, i) => {
        h = (layer as unknown as tg.nn.Module)(h);
        if (taps.has(i)) grids.push(columns(h, cells));
      });
      grids.push(columns(tg.tensor(Array.from(this.outputValues(h))).reshape([cells, this.config.outputs]), cells));
    });
    model.train();
    const weights = this.linears().map((l) => ({
      weight: Float32Array.from(l.weight.toArray() as ArrayLike<number>),
      bias: l.bias ? Float32Array.from(l.bias.toArray() as ArrayLike<number>) : new Float32Array(l.outFeatures),
      inFeatures: l.inFeatures,
      outFeatures: l.outFeatures,
    }));
    const history = this.pending;
    this.pending = [];
    return { device: this.device, epoch: this.epoch, ...this.last, history, weights, grids };
  }

  /** `snapshot()` on any device: on webgpu every weight and grid is read back with one await. */
  async snapshotAsync(): Promise<Snapshot> {
    if (this.device === "cpu") return this.snapshot();
    const model = this.model;
    const cells = GRID_RES * GRID_RES;
    const taps: tg.Tensor[] = [];
    model.eval();
    tg.noGrad(() => {
      let h: tg.Tensor = this.gridX;
      const tapped = new Set(this.built.activationIndices);
      model.children().forEach((layer, i) => {
        h = (layer as unknown as tg.nn.Module)(h);
        if (tapped.has(i)) taps.push(h);
      });
      taps.push(this.outputTensor(h));
    });
    model.train();
    const linears = this.linears();
    const params = linears.flatMap((l) => [l.weight, l.bias ?? tg.zeros([l.outFeatures], { device: this.device })]);
    const read = await readAll([...taps, ...params]);
    const grids: Float32Array[][] = [
      this.featureGrids.map((g) => g.slice()),
      ...taps.map((t, i) => columnsOf(read[i], t.shape[1] ?? 1, cells)),
    ];
    const weights = linears.map((l, i) => ({
      weight: read[taps.length + 2 * i].slice(),
      bias: read[taps.length + 2 * i + 1].slice(),
      inFeatures: l.inFeatures,
      outFeatures: l.outFeatures,
    }));
    const history = this.pending;
    this.pending = [];
    return { device: this.device, epoch: this.epoch, ...this.last, history, weights, grids };
  }

  /** The state dict on the CPU (read from the device with one await per tensor, all at once). */
  private async cpuState(): Promise<tg.nn.StateDict> {
    const entries = Object.entries(this.model.stateDict());
    return Object.fromEntries(await Promise.all(entries.map(async ([k, v]) => [k, await v.toAsync("cpu")] as const)));
  }

  /** `exportModel` on any device (the weights are read back first on webgpu). */
  async exportModelAsync(fileName?: string): Promise<{ bytes: Uint8Array; snippet: string; fileName: string }> {
    return this.device === "cpu" ? this.exportModel(fileName) : this.encodeModel(await this.cpuState(), fileName);
  }

  /** `exportOnnx` on any device: on webgpu a CPU copy of the model (same weights) is exported. */
  async exportOnnxAsync(fileName?: string): Promise<{ bytes: Uint8Array; fileName: string }> {
    if (this.device === "cpu") return this.exportOnnx(fileName);
    const state = await this.cpuState();
    const rng = tg.defaultGenerator.getState();
    const copy = buildModel(this.config).model; // (buildModel seeds the global generator: restored below)
    tg.defaultGenerator.setState(rng);
    copy.loadStateDict(state);
    return onnxOf(copy, this.config.features.length, fileName);
  }

  /** The safetensors bytes of the model (with the config as metadata) and the TypeScript that loads them. */
  exportModel(fileName?: string): { bytes: Uint8Array; snippet: string; fileName: string } {
    return this.encodeModel(this.model.stateDict(), fileName);
  }

  private encodeModel(
    state: tg.nn.StateDict,
    fileName = "playground-model.safetensors",
  ): { bytes: Uint8Array; snippet: string; fileName: string } {
    const bytes = tg.io.encodeSafetensors(state, {
      format: "pt",
      "tensorgrad.playground": JSON.stringify({ ...this.config, epoch: this.epoch }),
    });
    return { bytes, snippet: modelSnippet(this.config, fileName), fileName };
  }

  /** The model as ONNX in eval mode, input [batch, features] named "input", output "output". */
  exportOnnx(fileName?: string): { bytes: Uint8Array; fileName: string } {
    return onnxOf(this.model, this.config.features.length, fileName);
  }
}

function onnxOf(model: tg.nn.Sequential, features: number, fileName = "playground-model.onnx"): { bytes: Uint8Array; fileName: string } {
  const example = tg.zeros([1, features]);
  const bytes = tg.onnx.export(model, example, { dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } } });
  return { bytes, fileName };
}

/** The columns of a `[cells, k]` tensor as k arrays. */
function columns(t: tg.Tensor, cells: number): Float32Array[] {
  return columnsOf(t.toArray() as ArrayLike<number>, t.shape[1] ?? 1, cells);
}

/** The k columns of a `[cells, k]` row-major array. */
function columnsOf(a: ArrayLike<number>, k: number, cells: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let j = 0; j < k; j++) {
    const col = new Float32Array(cells);
    for (let i = 0; i < cells; i++) col[i] = a[i * k + j];
    out.push(col);
  }
  return out;
}
