import { installCallForms } from "../arity.js";
import { setZerosFactory } from "../autograd/engine.js";
import type { DeviceType } from "../backend/backend.js";
import type { DType } from "../dtype.js";
import { ShapeError } from "../errors.js";
import * as A from "../ops/addmm.js";
import * as B from "../ops/binary.js";
import * as C from "../ops/creation.js";
import * as D from "../ops/device.js";
import * as I from "../ops/indexing.js";
import * as P from "../ops/inplace.js";
import * as J from "../ops/join.js";
import * as L from "../ops/linalg.js";
import * as M from "../ops/math.js";
import * as Mx from "../ops/math_extra.js";
import * as Rn from "../ops/random.js";
import * as R from "../ops/reduce.js";
import * as S from "../ops/slicing.js";
import * as So from "../ops/sort.js";
import * as Tn from "../ops/tensor_new.js";
import * as U from "../ops/unary.js";
import * as Uq from "../ops/unique.js";
import * as V from "../ops/views.js";
import { fmt } from "../shape.js";
import { METHOD_FORMS } from "./method_forms.js";
import { installMoreMethods, MORE_METHOD_FORMS, type MoreMethods } from "./methods_more.js";
import { TensorCore, type TensorLike, type ValuesIndices } from "./tensor_core.js";

export type { NestedArray, RemovableHandle, TensorBackwardOptions, TensorLike, ValuesIndices } from "./tensor_core.js";

type ShapeArgs = number[] | [readonly number[]];
/** A function's parameters after the first (the tensor a method is called on). */
type Rest<F> = F extends (first: never, ...rest: infer R) => unknown ? R : never;
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
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface below adds methods_more.ts's methods, installed on the prototype.
export class Tensor extends TensorCore {
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

  // ---- dtype ------------------------------------------------------------------------------------

  /**
   * A copy cast to `dtype` and/or moved to `device`, or this tensor when it has them already (PyTorch's `to(dtype)`,
   * `to(device)`, `to(device, dtype)`, `to(other)`). Differentiable between float dtypes and across devices. A move off
   * a device that is only read asynchronously (webgpu) throws a `DeviceError`: use `await x.toAsync("cpu")`.
   *
   * @example
   * x.to("float64"); x.to("webgpu"); x.to({ device: "webgpu", dtype: "float32" }); x.to(other);
   */
  to(dtype: DType): Tensor;
  to(device: DeviceType, dtype?: DType): Tensor;
  to(other: Tensor): Tensor;
  to(options: D.ToOptions): Tensor;
  to(target: D.ToTarget, dtype?: DType): Tensor {
    // A cast (the engine's, for gradients) takes the short way.
    if (dtype === undefined && (target === "float32" || target === "float64" || target === "int32" || target === "bool")) {
      return V.to(this, target);
    }
    return D.to(this, target, dtype);
  }
  /**
   * `to` for any device, resolved once the values have been read: the way back from a device that is only read
   * asynchronously.
   *
   * @example
   * const host = await x.toAsync("cpu");
   */
  toAsync(device: DeviceType, dtype?: DType): Promise<Tensor>;
  toAsync(other: Tensor): Promise<Tensor>;
  toAsync(options: D.ToOptions): Promise<Tensor>;
  toAsync(target: D.ToTarget, dtype?: DType): Promise<Tensor> {
    return D.toAsync(this, target, dtype);
  }
  /** This tensor on the CPU (itself when it is there); `cpuAsync()` for a device that is only read asynchronously. */
  cpu(): Tensor {
    return D.toDevice(this, "cpu", "cpu");
  }
  /** @example const host = await x.cpuAsync(); */
  cpuAsync(): Promise<Tensor> {
    return D.toDeviceAsync(this, "cpu", "cpuAsync");
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

  /** this + alpha·other; `alpha` is keyword-only, as in PyTorch: `x.add(y, { alpha: 2 })`. */
  add(other: TensorLike, options?: B.AlphaOptions): Tensor {
    return B.add(this, other, options);
  }
  /** this − alpha·other; `alpha` is keyword-only, as in PyTorch: `x.sub(y, { alpha: 2 })`. */
  sub(other: TensorLike, options?: B.AlphaOptions): Tensor {
    return B.sub(this, other, options);
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
  /** `clamp` under NumPy's name (`Tensor.clip`). */
  clip(min?: TensorLike | null, max?: TensorLike | null): Tensor {
    return M.clip(this, min ?? null, max ?? null);
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
  /** Variance, as PyTorch's `var(dim, unbiased, keepdim)` or `var(dim, { correction, keepdim })`. */
  var(...args: R.VarArgs): Tensor {
    return R.variance(this, ...args);
  }
  /** Standard deviation, with var's arguments. */
  std(...args: R.VarArgs): Tensor {
    return R.std(this, ...args);
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
  /** The sum with NaN as zero (`torch.nansum`). */
  nansum(...args: Rest<typeof Mx.nansum>): Tensor {
    return Mx.nansum(this, ...args);
  }
  /** The mean over the entries that are not NaN (`torch.nanmean`). */
  nanmean(...args: Rest<typeof Mx.nanmean>): Tensor {
    return Mx.nanmean(this, ...args);
  }
  /** log(cumsum(exp(x))) along `dim`, without overflow. */
  logcumsumexp(dim: number): Tensor {
    return Mx.logcumsumexp(this, dim);
  }
  /** The running maximum along `dim`: `{ values, indices }`. */
  cummax(dim: number): ValuesIndices {
    return Mx.cummax(this, dim);
  }
  /** The running minimum along `dim`: `{ values, indices }`. */
  cummin(dim: number): ValuesIndices {
    return Mx.cummin(this, dim);
  }
  /** The most frequent value along `dim`: `{ values, indices }`. */
  mode(...args: Rest<typeof Uq.mode>): ValuesIndices {
    return Uq.mode(this, ...args);
  }
  /** Rotated by 90° `k` times in the plane of `dims`. */
  rot90(...args: Rest<typeof Mx.rot90>): Tensor {
    return Mx.rot90(this, ...args);
  }
  /** The cross product with `other` along `dim`. */
  cross(other: Tensor, dim: number | null = null): Tensor {
    return Mx.cross(this, other, dim);
  }
  /** The Kronecker product with `other`. */
  kron(other: Tensor): Tensor {
    return Mx.kron(this, other);
  }
  /** Softmax along `dim` (exp of the stable log-softmax). @example logits.softmax(-1) */
  softmax(dim: number): Tensor {
    return R.logSoftmax(this, dim).exp();
  }
  /** Log-softmax along `dim`, stable for large logits. */
  logSoftmax(dim: number): Tensor {
    return R.logSoftmax(this, dim);
  }
  /** Sorted values and their indices along `dim`, as `tg.sort`. */
  sort(...args: Parameters<typeof So.sort> extends [Tensor, ...infer A] ? A : never): ValuesIndices {
    return So.sort(this, ...args);
  }
  /** The indices that sort along `dim`, as `tg.argsort`. */
  argsort(...args: Parameters<typeof So.argsort> extends [Tensor, ...infer A] ? A : never): Tensor {
    return So.argsort(this, ...args);
  }
  /** The k largest (or smallest) entries along `dim`, as `tg.topk`. */
  topk(k: number, ...args: Parameters<typeof So.topk> extends [Tensor, number, ...infer A] ? A : never): ValuesIndices {
    return So.topk(this, k, ...args);
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
  /** The transpose of a matrix (a 0-D or 1-D tensor is returned as is), as PyTorch's `t()`. */
  t(): Tensor {
    if (this.ndim > 2)
      throw new ShapeError(`t: expects a tensor with at most 2 dimensions, got shape ${fmt(this.shape)}; use .mT or transpose()`);
    return this.ndim < 2 ? V.view(this, this.shape) : V.transpose(this, 0, 1);
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
  /** This tensor cast to `other`'s dtype (`Tensor.type_as`). */
  typeAs(other: Tensor): Tensor {
    return Tn.typeAs(this, other);
  }
  /** Zeros of the given size with this tensor's dtype and device (`Tensor.new_zeros`). @example x.newZeros(2, 3) */
  newZeros(...args: Parameters<typeof C.zeros>): Tensor {
    return Tn.newZeros(this, ...args);
  }
  /** Ones of the given size with this tensor's dtype and device (`Tensor.new_ones`). */
  newOnes(...args: Parameters<typeof C.ones>): Tensor {
    return Tn.newOnes(this, ...args);
  }
  /** An uninitialised (here zero) tensor with this tensor's dtype and device (`Tensor.new_empty`). */
  newEmpty(...args: Parameters<typeof C.empty>): Tensor {
    return Tn.newEmpty(this, ...args);
  }
  /** `size` filled with `fillValue`, with this tensor's dtype and device (`Tensor.new_full`). */
  newFull(size: readonly number[], fillValue: number | boolean, options?: C.CreationOptions): Tensor {
    return Tn.newFull(this, size, fillValue, options);
  }
  /** A tensor from `data` with this tensor's dtype and device (`Tensor.new_tensor`). */
  newTensor(data: C.TensorData, options?: C.CreationOptions): Tensor {
    return Tn.newTensor(this, data, options);
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

  /** In place, this += alpha·other (`{ alpha }` keyword-only, as in PyTorch: the optimizers' `p.add_(g, { alpha: -lr })`). */
  add_(other: TensorLike, options?: B.AlphaOptions): this {
    if (P.addScaled_(this, other, options?.alpha ?? 1)) return this;
    return P.inplace(this, "add_", (x) => B.add(x, other, options), [other]);
  }
  /** In place, this −= alpha·other (`{ alpha }` keyword-only). */
  sub_(other: TensorLike, options?: B.AlphaOptions): this {
    return P.inplace(this, "sub_", (x) => B.sub(x, other, options), [other]);
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
  /** this += value·tensor1·tensor2, in place (`Tensor.addcmul_`). */
  addcmul_(tensor1: Tensor, tensor2: Tensor, options?: { value?: number }): this {
    return P.inplace(this, "addcmul_", (x) => A.addcmul(x, tensor1, tensor2, options ?? {}), [tensor1, tensor2]);
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
  /** Fills with samples of U(from, to) from the default (or given, keyword-only as in PyTorch) generator. */
  uniform_(from = 0, to = 1, options?: { generator?: Rn.Generator }): this {
    return P.copy_(this, Rn.uniformLike(this, from, to, options?.generator));
  }
  /** Fills with samples of N(mean, std²) from the default (or given, keyword-only) generator. */
  normal_(mean = 0, std = 1, options?: { generator?: Rn.Generator }): this {
    return P.copy_(this, Rn.normalLike(this, mean, std, options?.generator));
  }
}

setZerosFactory((shape, dtype, device) => C.zeros([...shape], { dtype, device }));
// The methods of src/tensor/methods_more.ts (x.tan(), x.diagonal(), probs.multinomial(1)...), installed here.
export interface Tensor extends MoreMethods {}
installMoreMethods(Tensor.prototype);
installCallForms(Tensor.prototype, { ...METHOD_FORMS, ...MORE_METHOD_FORMS });
