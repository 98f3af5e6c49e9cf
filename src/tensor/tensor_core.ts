import { runBackward } from "../autograd/engine.js";
import { isGradEnabled } from "../autograd/grad_mode.js";
import { AccumulateGrad, type GradHook, type Node } from "../autograd/node.js";
import type { Backend, DeviceType, View } from "../backend/backend.js";
import { type AnyTypedArray, type DType, isFloating } from "../dtype.js";
import { ArgumentError, AutogradError, ShapeError, ValueError } from "../errors.js";
import { formatTensor } from "../format.js";
import * as C from "../ops/creation.js";
import { asyncOnlyError } from "../ops/device.js";
import * as V from "../ops/views.js";
import { contiguousStrides, fmt, isContiguous, normalizeDim, numel } from "../shape.js";
import { TENSOR_BRAND } from "./brand.js";
import type { Storage } from "./storage.js";
import type { Tensor } from "./tensor.js";

/** A tensor or a plain number/boolean standing in for one (broadcast like a 0-dim tensor). */
export type TensorLike = Tensor | number | boolean;
/** Nested arrays of numbers or booleans, as `tensor()` takes them and `tolist()` returns them. */
export type NestedArray = number | boolean | NestedArray[];
/** Result of `max(dim)`, `min(dim)`: the values and where they are. */
export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}
/** A handle returned by `registerHook`; `remove()` takes the hook off again. */
export interface RemovableHandle {
  remove(): void;
}
export interface TensorBackwardOptions {
  /** Keep the graph's saved tensors so a second backward can run. */
  retainGraph?: boolean;
  /** Record the backward pass too, for higher-order gradients. */
  createGraph?: boolean;
}
const EMPTY: readonly number[] = Object.freeze([]);
/** `a` itself when frozen (so shared shapes are not copied again), else a frozen copy. */
function frozenCopy(a: readonly number[]): readonly number[] {
  if (a.length === 0) return EMPTY;
  return Object.isFrozen(a) ? a : Object.freeze(a.slice());
}

/**
 * The state every tensor has and what does not depend on any op: the storage, shape and strides, autograd
 * bookkeeping (`requiresGrad`, `grad`, `gradFn`, hooks, `backward`) and reading values out. `Tensor` adds the
 * op methods on top.
 */
export class TensorCore {
  /** @internal */ readonly storage: Storage;
  readonly shape: readonly number[];
  /** @internal */ readonly strides: readonly number[];
  /** @internal */ readonly offset: number;
  /** @internal The tensor whose storage this view shares, or null when this tensor owns it. */
  readonly _base: Tensor | null;
  /** The accumulated gradient, set by `backward()` on leaves (and on non-leaves after `retainGrad()`). */
  grad: Tensor | null = null;
  /** @internal */ _gradFn: Node | null = null;
  /** @internal */ _outputNr = 0;
  /** @internal */ _accumulator: AccumulateGrad | null = null;
  /** @internal Hooks on a leaf's gradient (made on first use). */ _hooks: GradHook[] | null = null;
  /** @internal Set by `ownedGrad` (a backward rule vouching for a fresh gradient), cleared by the engine as it takes it. */
  _ownedGrad = false;
  private _requiresGrad = false;
  /** An optional label, shown by graph views. */
  name: string | undefined;

  /** @internal Marks tensors for code that cannot import the class (see brand.ts). */
  get [TENSOR_BRAND](): true {
    return true;
  }

  /** @internal The strided window kernels read, made on first use (every field of it is immutable). */
  private _viewCache: View | null = null;

  /** @internal Use `tg.tensor`, `tg.zeros` and the other creation functions. */
  constructor(storage: Storage, shape: readonly number[], strides?: readonly number[], offset = 0, base: Tensor | null = null) {
    this.storage = storage;
    // Frozen arrays (another tensor's shape or strides) are shared as they are: nothing can change them.
    this.shape = frozenCopy(shape);
    // Strides are internal (`stride()` returns a copy) and never written after construction, so they are shared, not copied.
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
    this._base = base;
  }

  /** @internal This object as the `Tensor` it always is (the only subclass that is ever built). */
  protected get self(): Tensor {
    return this as unknown as Tensor;
  }

  // ---- properties -------------------------------------------------------------------------------

  get dtype(): DType {
    return this.storage.dtype;
  }
  get device(): DeviceType {
    return this.storage.backend.device;
  }
  get ndim(): number {
    return this.shape.length;
  }
  /** @internal */ get _backend(): Backend {
    return this.storage.backend;
  }
  /** @internal The version counter of the storage, bumped by every in-place write. */
  get _version(): number {
    return this.storage.version;
  }
  /** @internal The strided window kernels read. */
  get _view(): View {
    this._viewCache ??= {
      buffer: this.storage.buffer,
      dtype: this.storage.dtype,
      shape: this.shape,
      strides: this.strides,
      offset: this.offset,
    };
    return this._viewCache;
  }
  numel(): number {
    return numel(this.shape);
  }
  dim(): number {
    return this.shape.length;
  }
  /** The shape, or the size of one dim. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number[] | number {
    return dim === undefined ? [...this.shape] : this.shape[normalizeDim(dim, this.ndim, "size")];
  }
  /** The strides in elements, or the stride of one dim. */
  stride(): number[];
  stride(dim: number): number;
  stride(dim?: number): number[] | number {
    return dim === undefined ? [...this.strides] : this.strides[normalizeDim(dim, this.ndim, "stride")];
  }
  storageOffset(): number {
    return this.offset;
  }
  isContiguous(): boolean {
    return isContiguous(this.shape, this.strides);
  }

  // ---- autograd ---------------------------------------------------------------------------------

  /** The node that created this tensor, or null for leaves. Walk `gradFn.nextFunctions` to see the graph. */
  get gradFn(): Node | null {
    return this._gradFn;
  }
  get requiresGrad(): boolean {
    return this._requiresGrad || this._gradFn !== null;
  }
  set requiresGrad(value: boolean) {
    this.requiresGrad_(value);
  }
  /** Whether this tensor is a leaf of the graph (made by the user, not by an op that records). */
  get isLeaf(): boolean {
    return this._gradFn === null;
  }
  /** Whether `.grad` will be kept for this non-leaf (see `retainGrad`). */
  get retainsGrad(): boolean {
    return this._gradFn?.retained?.get(this._outputNr) === this.self;
  }
  /** Sets `requiresGrad` in place on a leaf and returns it. */
  requiresGrad_(value = true): this {
    if (!this.isLeaf) {
      throw new AutogradError("you can only change requiresGrad of leaf tensors; use detach() to get a leaf from a non-leaf tensor");
    }
    if (value && !isFloating(this.dtype)) {
      throw new AutogradError(`only tensors of floating point dtype can require gradients, got ${this.dtype}`);
    }
    this._requiresGrad = value;
    return this;
  }
  /** Keeps `.grad` for this non-leaf tensor after backward. */
  retainGrad(): void {
    if (!this.requiresGrad) throw new AutogradError("can't retainGrad on a tensor that has requiresGrad=false");
    if (this._gradFn) {
      this._gradFn.retained ??= new Map();
      this._gradFn.retained.set(this._outputNr, this.self);
    }
  }
  /**
   * Calls `hook(grad)` whenever the gradient for this tensor is computed; a returned tensor replaces it.
   *
   * @example
   * x.registerHook((g) => g.mul(2)); // doubles the gradient flowing into x
   */
  registerHook(hook: GradHook): RemovableHandle {
    if (!this.requiresGrad) throw new AutogradError("cannot register a hook on a tensor that doesn't require gradient");
    let list: GradHook[];
    if (this._gradFn) {
      this._gradFn.hooks ??= new Map();
      list = this._gradFn.hooks.get(this._outputNr) ?? [];
      this._gradFn.hooks.set(this._outputNr, list);
    } else {
      this._hooks ??= [];
      list = this._hooks;
    }
    list.push(hook);
    return {
      remove: () => {
        const i = list.indexOf(hook);
        if (i >= 0) list.splice(i, 1);
      },
    };
  }
  /**
   * Computes the gradient of this tensor with respect to every leaf that requires grad, and accumulates
   * it into their `.grad`. A non-scalar tensor needs `gradient` (the vector of the vector-Jacobian product).
   */
  backward(gradient?: Tensor, options: TensorBackwardOptions = {}): void {
    let g = gradient;
    if (g === undefined) {
      if (this.numel() !== 1) {
        throw new AutogradError(`grad can be implicitly created only for scalar outputs, but this tensor has shape ${fmt(this.shape)}`);
      }
      g = C.onesLike(this.self);
    } else if (g.shape.length !== this.shape.length || g.shape.some((s, i) => s !== this.shape[i])) {
      throw new ShapeError(`backward: gradient of shape ${fmt(g.shape)} does not match tensor of shape ${fmt(this.shape)}`);
    }
    runBackward([this.self], [g], options);
  }
  /** A tensor sharing this storage that is cut off from the graph. */
  detach(): Tensor {
    return V.detach(this.self);
  }
  /**
   * PyTorch's `.data`: reading gives a detached view that shares this storage (changes to it are not seen by
   * autograd); assigning `x.data = y` makes `x` use `y`'s storage, shape and strides in place, keeping `x`'s identity,
   * `requiresGrad` and `.grad` (the way optimizers and weight surgery swap a parameter's values).
   *
   * @example
   * w.data = w.data.mul(0.5); // rescale a parameter without recording it
   */
  get data(): Tensor {
    return V.detach(this.self);
  }
  set data(value: Tensor) {
    if (!(value instanceof TensorCore)) {
      throw new ArgumentError("Tensor.data", "data", "a Tensor", `Tensor.data: can only assign a Tensor, got ${typeof value}`);
    }
    const self = this as unknown as { -readonly [K in "storage" | "shape" | "strides" | "offset" | "_base"]: TensorCore[K] };
    self.storage = value.storage;
    self.shape = value.shape;
    self.strides = value.strides;
    self.offset = value.offset;
    self._base = null;
    this._viewCache = null;
  }
  /** @internal */ _setGradFn(node: Node, outputNr: number): void {
    this._gradFn = node;
    this._outputNr = outputNr;
  }
  /** @internal */ _accumulatorNode(): AccumulateGrad {
    this._accumulator ??= new AccumulateGrad(this.self);
    return this._accumulator;
  }
  /** @internal Whether an op on this tensor should record (grad mode on and grad required). */
  get _recording(): boolean {
    return isGradEnabled() && this.requiresGrad;
  }

  // ---- reading values ---------------------------------------------------------------------------

  /**
   * The single value of a one-element tensor (bools read as 0 or 1). On a device that is only read asynchronously
   * (webgpu) this throws a `DeviceError`: use `await x.itemAsync()`.
   */
  item(): number {
    const n = this.numel();
    if (n !== 1) throw new ValueError(`item(): a tensor with ${n} elements cannot be converted to a number`);
    if (this._backend.asyncOnly) throw asyncOnlyError(this.self, "item()", "await x.itemAsync()");
    return this.toArray()[0];
  }
  /**
   * The elements in row-major order, as a new typed array of the tensor's dtype (Uint8Array for bool). On a device
   * that is only read asynchronously this throws a `DeviceError`: use `await x.toArrayAsync()`.
   */
  toArray(): AnyTypedArray {
    if (this._backend.asyncOnly) throw asyncOnlyError(this.self, "toArray()", "await x.toArrayAsync()");
    return this._backend.read(this._view);
  }
  /** The values as nested arrays (a number for a 0-dim tensor); `await x.tolistAsync()` on an asynchronous device. */
  tolist(): NestedArray {
    if (this._backend.asyncOnly) throw asyncOnlyError(this.self, "tolist()", "await x.tolistAsync()");
    return this.nested(this.toArray());
  }
  /**
   * The elements as `toArray` gives them, once the device has computed them (at once on the CPU).
   *
   * @example
   * const values = await y.toArrayAsync();
   */
  toArrayAsync(): Promise<AnyTypedArray> {
    const b = this._backend;
    if (b.readAsync) return b.readAsync(this._view);
    // Read now (a later in-place write must not change the result); an error rejects the promise.
    return new Promise((resolve) => resolve(b.read(this._view)));
  }
  /** @example const loss = await lossTensor.itemAsync(); */
  async itemAsync(): Promise<number> {
    const n = this.numel();
    if (n !== 1) throw new ValueError(`itemAsync(): a tensor with ${n} elements cannot be converted to a number`);
    return (await this.toArrayAsync())[0];
  }
  /** @example const rows = await x.tolistAsync(); */
  async tolistAsync(): Promise<NestedArray> {
    return this.nested(await this.toArrayAsync());
  }
  /** `toString()` of a tensor on any device, once its values have been read. */
  async toStringAsync(): Promise<string> {
    return formatTensor(this.self, await this.toArrayAsync());
  }
  private nested(flat: AnyTypedArray): NestedArray {
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.ndim) return flat[offset];
      const inner = numel(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * inner));
    };
    return build(0, 0);
  }
  /** The values as `print(x)` in PyTorch shows them; on a device read only asynchronously, a summary (see `toStringAsync`). */
  toString(): string {
    if (this._backend.asyncOnly) {
      return `tensor(<shape [${this.shape.join(", ")}], ${this.dtype}, device=${this.device}>; read the values with \`await x.toStringAsync()\`)`;
    }
    return formatTensor(this.self);
  }
}
