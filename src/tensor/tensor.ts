import { runBackward, setZerosFactory } from "../autograd/engine.js";
import { isGradEnabled } from "../autograd/grad_mode.js";
import { AccumulateGrad, type GradHook, type Node } from "../autograd/node.js";
import type { Backend, View } from "../backend/backend.js";
import { type AnyTypedArray, type DType, isFloating } from "../dtype.js";
import { AutogradError, ShapeError, ValueError } from "../errors.js";
import { formatTensor } from "../format.js";
import * as B from "../ops/binary.js";
import * as C from "../ops/creation.js";
import * as I from "../ops/indexing.js";
import * as P from "../ops/inplace.js";
import * as J from "../ops/join.js";
import * as L from "../ops/linalg.js";
import * as Rn from "../ops/random.js";
import * as R from "../ops/reduce.js";
import * as S from "../ops/slicing.js";
import * as U from "../ops/unary.js";
import * as V from "../ops/views.js";
import { contiguousStrides, fmt, isContiguous, normalizeDim, numel } from "../shape.js";
import type { Storage } from "./storage.js";

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
type ShapeArgs = number[] | [readonly number[]];
const shapeOf = (args: ShapeArgs): number[] => (Array.isArray(args[0]) ? [...(args[0] as number[])] : (args as number[]));

/**
 * An n-dimensional array with PyTorch semantics: a dtype, a shape, and a strided view onto a storage that
 * views share. Every op records how to send gradients back when an input requires grad.
 *
 * @example
 * const x = tg.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * x.grad; // tensor([[2., 4.], [6., 8.]])
 */
export class Tensor {
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
  private _requiresGrad = false;
  /** An optional label, shown by graph views. */
  name: string | undefined;

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

  // ---- properties -------------------------------------------------------------------------------

  get dtype(): DType {
    return this.storage.dtype;
  }
  get device(): string {
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
  /** The last two dims swapped (for 2-D tensors `.T`; PyTorch deprecates `.T` on other ranks, we allow ≤ 2). */
  get T(): Tensor {
    if (this.ndim > 2) throw new ShapeError(`T: expects a tensor with <= 2 dims, got ${this.ndim}; use .mT or permute()`);
    return this.ndim < 2 ? this : this.transpose(0, 1);
  }
  /** The last two dims swapped (batched matrix transpose). */
  get mT(): Tensor {
    if (this.ndim < 2) throw new ShapeError(`mT: expects a tensor with >= 2 dims, got shape ${fmt(this.shape)}`);
    return this.transpose(-2, -1);
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
    return this._gradFn?.retained?.get(this._outputNr) === this;
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
      this._gradFn.retained.set(this._outputNr, this);
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
      g = C.onesLike(this);
    } else if (g.shape.length !== this.shape.length || g.shape.some((s, i) => s !== this.shape[i])) {
      throw new ShapeError(`backward: gradient of shape ${fmt(g.shape)} does not match tensor of shape ${fmt(this.shape)}`);
    }
    runBackward([this], [g], options);
  }
  /** A tensor sharing this storage that is cut off from the graph. */
  detach(): Tensor {
    return V.detach(this);
  }
  /** @internal */ _setGradFn(node: Node, outputNr: number): void {
    this._gradFn = node;
    this._outputNr = outputNr;
  }
  /** @internal */ _accumulatorNode(): AccumulateGrad {
    this._accumulator ??= new AccumulateGrad(this);
    return this._accumulator;
  }
  /** @internal Whether an op on this tensor should record (grad mode on and grad required). */
  get _recording(): boolean {
    return isGradEnabled() && this.requiresGrad;
  }

  // ---- reading values ---------------------------------------------------------------------------

  /** The single value of a one-element tensor (bools read as 0 or 1). */
  item(): number {
    const n = this.numel();
    if (n !== 1) throw new ValueError(`item(): a tensor with ${n} elements cannot be converted to a number`);
    return this.toArray()[0];
  }
  /** The elements in row-major order, as a new typed array of the tensor's dtype (Uint8Array for bool). */
  toArray(): AnyTypedArray {
    return this._backend.read(this._view);
  }
  /** The values as nested arrays (a number for a 0-dim tensor). */
  tolist(): NestedArray {
    const flat = this.toArray();
    const build = (dim: number, offset: number): NestedArray => {
      if (dim === this.ndim) return flat[offset];
      const inner = numel(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => build(dim + 1, offset + i * inner));
    };
    return build(0, 0);
  }
  toString(): string {
    return formatTensor(this);
  }

  // ---- dtype ------------------------------------------------------------------------------------

  /** A copy cast to `dtype`, or this tensor when it already has it. Differentiable between float dtypes. */
  to(dtype: DType): Tensor {
    return V.to(this, dtype);
  }
  float(): Tensor {
    return this.to("float32");
  }
  double(): Tensor {
    return this.to("float64");
  }
  int(): Tensor {
    return this.to("int32");
  }
  bool(): Tensor {
    return this.to("bool");
  }

  // ---- elementwise ------------------------------------------------------------------------------

  add(other: TensorLike, alpha?: number): Tensor {
    return B.add(this, other, alpha);
  }
  sub(other: TensorLike, alpha?: number): Tensor {
    return B.sub(this, other, alpha);
  }
  mul(other: TensorLike): Tensor {
    return B.mul(this, other);
  }
  div(other: TensorLike, options?: B.DivOptions): Tensor {
    return B.div(this, other, options);
  }
  pow(exponent: TensorLike): Tensor {
    return B.pow(this, exponent);
  }
  maximum(other: TensorLike): Tensor {
    return B.maximum(this, other);
  }
  minimum(other: TensorLike): Tensor {
    return B.minimum(this, other);
  }
  clamp(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return B.clamp(this, min, max);
  }
  /** `where(condition, this, other)`, as `Tensor.where` in PyTorch. */
  where(condition: Tensor, other: TensorLike): Tensor {
    return B.where(condition, this, other);
  }
  eq(other: TensorLike): Tensor {
    return B.eq(this, other);
  }
  ne(other: TensorLike): Tensor {
    return B.ne(this, other);
  }
  lt(other: TensorLike): Tensor {
    return B.lt(this, other);
  }
  le(other: TensorLike): Tensor {
    return B.le(this, other);
  }
  gt(other: TensorLike): Tensor {
    return B.gt(this, other);
  }
  ge(other: TensorLike): Tensor {
    return B.ge(this, other);
  }
  logicalAnd(other: TensorLike): Tensor {
    return B.logicalAnd(this, other);
  }
  logicalOr(other: TensorLike): Tensor {
    return B.logicalOr(this, other);
  }
  logicalNot(): Tensor {
    return U.logicalNot(this);
  }
  neg(): Tensor {
    return U.neg(this);
  }
  abs(): Tensor {
    return U.abs(this);
  }
  sign(): Tensor {
    return U.sign(this);
  }
  exp(): Tensor {
    return U.exp(this);
  }
  log(): Tensor {
    return U.log(this);
  }
  log1p(): Tensor {
    return U.log1p(this);
  }
  expm1(): Tensor {
    return U.expm1(this);
  }
  sqrt(): Tensor {
    return U.sqrt(this);
  }
  rsqrt(): Tensor {
    return U.rsqrt(this);
  }
  square(): Tensor {
    return U.square(this);
  }
  reciprocal(): Tensor {
    return U.reciprocal(this);
  }
  sin(): Tensor {
    return U.sin(this);
  }
  cos(): Tensor {
    return U.cos(this);
  }
  tanh(): Tensor {
    return U.tanh(this);
  }
  sigmoid(): Tensor {
    return U.sigmoid(this);
  }
  relu(): Tensor {
    return U.relu(this);
  }
  erf(): Tensor {
    return U.erf(this);
  }
  floor(): Tensor {
    return U.floor(this);
  }
  ceil(): Tensor {
    return U.ceil(this);
  }
  round(): Tensor {
    return U.round(this);
  }
  isnan(): Tensor {
    return U.isnan(this);
  }
  isinf(): Tensor {
    return U.isinf(this);
  }
  isfinite(): Tensor {
    return U.isfinite(this);
  }

  // ---- reductions -------------------------------------------------------------------------------

  sum(dim?: R.Dims, keepdim = false): Tensor {
    return R.sum(this, dim, keepdim);
  }
  mean(dim?: R.Dims, keepdim = false): Tensor {
    return R.mean(this, dim, keepdim);
  }
  prod(dim?: R.Dims, keepdim = false): Tensor {
    return R.prod(this, dim, keepdim);
  }
  amax(dim?: R.Dims, keepdim = false): Tensor {
    return R.amax(this, dim, keepdim);
  }
  amin(dim?: R.Dims, keepdim = false): Tensor {
    return R.amin(this, dim, keepdim);
  }
  /** The largest element; with `dim`, the values and indices of the largest along it. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): ValuesIndices;
  max(dim?: number, keepdim = false): Tensor | ValuesIndices {
    return dim === undefined ? R.amax(this) : R.maxDim(this, dim, keepdim);
  }
  /** The smallest element; with `dim`, the values and indices of the smallest along it. */
  min(): Tensor;
  min(dim: number, keepdim?: boolean): ValuesIndices;
  min(dim?: number, keepdim = false): Tensor | ValuesIndices {
    return dim === undefined ? R.amin(this) : R.minDim(this, dim, keepdim);
  }
  argmax(dim?: number, keepdim = false): Tensor {
    return R.argmax(this, dim, keepdim);
  }
  argmin(dim?: number, keepdim = false): Tensor {
    return R.argmin(this, dim, keepdim);
  }
  var(dim?: R.Dims, options?: R.VarOptions): Tensor {
    return R.variance(this, dim, options);
  }
  std(dim?: R.Dims, options?: R.VarOptions): Tensor {
    return R.std(this, dim, options);
  }
  logsumexp(dim: R.Dims, keepdim = false): Tensor {
    return R.logsumexp(this, dim, keepdim);
  }
  norm(p: R.NormOrder = 2, dim?: R.Dims, keepdim = false): Tensor {
    return R.norm(this, p, dim, keepdim);
  }
  all(dim?: R.Dims, keepdim = false): Tensor {
    return R.all(this, dim, keepdim);
  }
  any(dim?: R.Dims, keepdim = false): Tensor {
    return R.any(this, dim, keepdim);
  }
  cumsum(dim: number): Tensor {
    return R.cumsum(this, dim);
  }

  // ---- linear algebra ---------------------------------------------------------------------------

  matmul(other: Tensor): Tensor {
    return L.matmul(this, other);
  }
  mm(other: Tensor): Tensor {
    return L.mm(this, other);
  }
  bmm(other: Tensor): Tensor {
    return L.bmm(this, other);
  }
  dot(other: Tensor): Tensor {
    return L.dot(this, other);
  }
  outer(other: Tensor): Tensor {
    return L.outer(this, other);
  }

  // ---- views and shape --------------------------------------------------------------------------

  /** A view with a new shape (one dim may be -1); throws when the strides do not allow it. */
  view(...shape: ShapeArgs): Tensor {
    return V.view(this, shapeOf(shape));
  }
  /** `view` when possible, else a contiguous copy with the new shape. */
  reshape(...shape: ShapeArgs): Tensor {
    return V.reshape(this, shapeOf(shape));
  }
  viewAs(other: Tensor): Tensor {
    return V.view(this, [...other.shape]);
  }
  reshapeAs(other: Tensor): Tensor {
    return V.reshape(this, [...other.shape]);
  }
  transpose(dim0: number, dim1: number): Tensor {
    return V.transpose(this, dim0, dim1);
  }
  permute(...dims: ShapeArgs): Tensor {
    return V.permute(this, shapeOf(dims));
  }
  /** A broadcast view (size-1 dims repeated without copying); -1 keeps a dim's size. */
  expand(...shape: ShapeArgs): Tensor {
    return V.expand(this, shapeOf(shape));
  }
  expandAs(other: Tensor): Tensor {
    return V.expand(this, [...other.shape]);
  }
  squeeze(dim?: number | number[]): Tensor {
    return V.squeeze(this, dim);
  }
  unsqueeze(dim: number): Tensor {
    return V.unsqueeze(this, dim);
  }
  flatten(startDim = 0, endDim = -1): Tensor {
    return V.flatten(this, startDim, endDim);
  }
  unflatten(dim: number, sizes: readonly number[]): Tensor {
    return V.unflatten(this, dim, sizes);
  }
  /** The slice at `index` along `dim`, with that dim removed (a view). */
  select(dim: number, index: number): Tensor {
    return V.select(this, dim, index);
  }
  /** `length` elements from `start` along `dim` (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return V.narrow(this, dim, start, length);
  }
  /**
   * NumPy/PyTorch-style indexing. `x.get("1:3, :, -1")` is `x[1:3, :, -1]`; parts may also be given
   * one by one: numbers select, `"a:b:c"` strings or `tg.slice(a, b, c)` slice, `null` adds an axis, `"..."`
   * skips dims, and an int tensor picks entries. Slices are views; a tensor index copies.
   *
   * @example
   * x.get("::2, -1"); x.get(0, tg.slice(1, 3)); x.get(null, "..."); x.get(tg.tensor([2, 0], { dtype: "int32" }));
   */
  get(...index: S.IndexItem[]): Tensor {
    return S.getIndex(this, index);
  }
  /**
   * Writes `value` into the indexed region in place (`x[index] = value`), differentiably when this tensor
   * is not a view.
   *
   * @example
   * x.set("0, :", 1); x.set([tg.slice(0, 2)], tg.zeros([2, 3]));
   */
  set(index: S.IndexItem | S.IndexItem[], value: TensorLike): this {
    return P.setIndex(this, Array.isArray(index) ? index : [index], value);
  }
  /** A contiguous tensor with the same values: this one if already contiguous. */
  contiguous(): Tensor {
    return V.contiguous(this);
  }
  /** A copy with its own storage; gradients flow back through it. */
  clone(): Tensor {
    return V.clone(this);
  }

  // ---- indexing and joining ---------------------------------------------------------------------

  gather(dim: number, index: Tensor): Tensor {
    return I.gather(this, dim, index);
  }
  scatter(dim: number, index: Tensor, src: TensorLike): Tensor {
    return I.scatter(this, dim, index, src);
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor {
    return I.scatterAdd(this, dim, index, src);
  }
  indexSelect(dim: number, index: Tensor): Tensor {
    return I.indexSelect(this, dim, index);
  }
  maskedFill(mask: Tensor, value: TensorLike): Tensor {
    return I.maskedFill(this, mask, value);
  }
  split(splitSize: number | readonly number[], dim = 0): Tensor[] {
    return J.split(this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] {
    return J.chunk(this, chunks, dim);
  }
  unbind(dim = 0): Tensor[] {
    return J.unbind(this, dim);
  }
  flip(dims: number | readonly number[]): Tensor {
    return J.flip(this, dims);
  }
  repeat(...sizes: ShapeArgs): Tensor {
    return J.repeat(this, shapeOf(sizes));
  }
  tile(...dims: ShapeArgs): Tensor {
    return J.tile(this, shapeOf(dims));
  }
  tril(diagonal = 0): Tensor {
    return J.tril(this, diagonal);
  }
  triu(diagonal = 0): Tensor {
    return J.triu(this, diagonal);
  }

  // ---- in place (bump the version counter; see the README on autograd) ---------------------------

  add_(other: TensorLike, alpha?: number): this {
    return P.inplace(this, "add_", (x) => B.add(x, other, alpha), [other]);
  }
  sub_(other: TensorLike, alpha?: number): this {
    return P.inplace(this, "sub_", (x) => B.sub(x, other, alpha), [other]);
  }
  mul_(other: TensorLike): this {
    return P.inplace(this, "mul_", (x) => B.mul(x, other), [other]);
  }
  div_(other: TensorLike, options?: B.DivOptions): this {
    return P.inplace(this, "div_", (x) => B.div(x, other, options), [other]);
  }
  pow_(exponent: TensorLike): this {
    return P.inplace(this, "pow_", (x) => B.pow(x, exponent), [exponent]);
  }
  clamp_(min?: TensorLike | null, max?: TensorLike | null): this {
    return P.inplace(this, "clamp_", (x) => B.clamp(x, min, max), [min ?? null, max ?? null]);
  }
  neg_(): this {
    return P.inplace(this, "neg_", U.neg);
  }
  abs_(): this {
    return P.inplace(this, "abs_", U.abs);
  }
  exp_(): this {
    return P.inplace(this, "exp_", U.exp);
  }
  log_(): this {
    return P.inplace(this, "log_", U.log);
  }
  sqrt_(): this {
    return P.inplace(this, "sqrt_", U.sqrt);
  }
  relu_(): this {
    return P.inplace(this, "relu_", U.relu);
  }
  sigmoid_(): this {
    return P.inplace(this, "sigmoid_", U.sigmoid);
  }
  tanh_(): this {
    return P.inplace(this, "tanh_", U.tanh);
  }
  maskedFill_(mask: Tensor, value: TensorLike): this {
    return P.inplace(this, "maskedFill_", (x) => I.maskedFill(x, mask, value), [value]);
  }
  scatter_(dim: number, index: Tensor, src: TensorLike): this {
    return P.inplace(this, "scatter_", (x) => I.scatter(x, dim, index, src), [src]);
  }
  scatterAdd_(dim: number, index: Tensor, src: Tensor): this {
    return P.inplace(this, "scatterAdd_", (x) => I.scatterAdd(x, dim, index, src), [src]);
  }
  /** Copies `src` (broadcast to this shape, cast to this dtype) into this tensor. */
  copy_(src: TensorLike): this {
    return P.copy_(this, src);
  }
  fill_(value: TensorLike): this {
    return P.copy_(this, value);
  }
  zero_(): this {
    return P.copy_(this, 0);
  }
  /** Fills with samples of U(from, to) from the default (or given) generator. */
  uniform_(from = 0, to = 1, generator?: Rn.Generator): this {
    return P.copy_(this, Rn.uniformLike(this, from, to, generator));
  }
  /** Fills with samples of N(mean, std²). */
  normal_(mean = 0, std = 1, generator?: Rn.Generator): this {
    return P.copy_(this, Rn.normalLike(this, mean, std, generator));
  }
}

setZerosFactory((shape, dtype) => C.zeros([...shape], { dtype }));
