import type { AnyTypedArray, DType } from "../dtype.js";
import type { Shape } from "../shape.js";

/**
 * The narrow interface every backend implements. Backends know nothing of autograd, broadcasting rules or
 * dtype promotion: ops resolve those and hand kernels strided views and an output dtype. A new backend
 * implements these kernels and nothing else; every op in `src/ops` then works on it.
 */

/** An opaque handle to memory owned by a backend (a typed array on the CPU backends). */
export type BackendBuffer = object;

/** A conv2d's window geometry (pairs are [height, width]) and its output size. */
export interface ConvGeometry {
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  oh: number;
  ow: number;
}

/** A max_pool2d's window geometry (the same fields as a convolution's). */
export type PoolGeometry = ConvGeometry;

/** Adadelta's hyperparameters (no weight decay) for `Backend.adadelta`. */
export interface AdadeltaHyper {
  lr: number;
  rho: number;
  eps: number;
  maximize: boolean;
}

/** A strided window onto a buffer: element `[i0, i1, ...]` is at `offset + Σ ik * strides[k]`. */
export interface View {
  readonly buffer: BackendBuffer;
  readonly dtype: DType;
  readonly shape: Shape;
  readonly strides: Shape;
  readonly offset: number;
}

export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "exp"
  | "log"
  | "log1p"
  | "expm1"
  | "sqrt"
  | "rsqrt"
  | "square"
  | "reciprocal"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "relu"
  | "floor"
  | "ceil"
  | "round"
  | "erf"
  | "asin"
  | "acos"
  | "atan"
  | "logicalNot"
  | "isnan"
  | "isinf";

export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  /** Python-style floor division (`torch.div(..., rounding_mode="floor")`), from the fmod remainder like PyTorch. */
  | "floorDivide"
  | "pow"
  /** `atan2(a, b)`: the angle of the point (b, a), as `torch.atan2(input=a, other=b)`. */
  | "atan2"
  | "maximum"
  | "minimum"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "logicalAnd"
  | "logicalOr";

export type ReduceOp = "sum" | "prod" | "max" | "min";

export type ArgReduceOp = "argmax" | "argmin";

/** The devices a tensor can live on: `"cpu"` (the wasm and cpu backends) and `"webgpu"`. */
export type DeviceType = "cpu" | "webgpu";

export interface Backend {
  readonly name: string;
  /** Where the memory lives, as `tensor.device` reports it. */
  readonly device: DeviceType;
  /**
   * Backends with the same tag store buffers alike (the CPU backends: plain typed arrays), so an op may take tensors from
   * any of them; it then runs on the current backend if that is one of them.
   */
  readonly memory?: string;

  /** A zero-filled buffer of `size` elements. */
  alloc(dtype: DType, size: number): BackendBuffer;
  /** A buffer holding a copy of `data` (whose typed array matches `dtype`). */
  fromArray(data: AnyTypedArray): BackendBuffer;
  /**
   * The elements of a view, in row-major order, as a fresh typed array of the view's dtype. A backend that cannot
   * block for its device (WebGPU) throws a `DeviceError` naming the async reader instead, and sets `asyncOnly`.
   */
  read(view: View): AnyTypedArray;
  /** The same as `read`, resolved when the device has computed the view; backends without it resolve `read` at once. */
  readAsync?(view: View): Promise<AnyTypedArray>;
  /**
   * True where `read` cannot work (the data lives on a device that is only read asynchronously). Ops then skip the
   * checks that would have to look at values on the host, or do them on the device.
   */
  readonly asyncOnly?: boolean;

  /** Writes `src` (same shape, any dtype) into the strided `dst`, casting to `dst.dtype`. */
  copy(dst: View, src: View): void;
  /** Sets every element of the strided `dst` to `value` (already valid for the dtype). */
  fill(dst: View, value: number): void;
  /**
   * Optional fast path for `dst += alpha·x` in place (the optimizers' update), rounding as `mul` then `add` in the views'
   * dtype would. Returns false, having written nothing, where it does not apply; callers then take the general path.
   */
  axpy?(dst: View, x: View, alpha: number): boolean;

  /**
   * Optional fused kernel: log-softmax over the last axis of a floating view (x − max − log Σ e^(x − max) per row, with
   * the max taken as 0 where it is infinite, like the composed form), into a new contiguous buffer of x's dtype. Returns
   * null where it does not apply; the op then composes it from the other kernels.
   */
  logSoftmax?(x: View): BackendBuffer | null;

  /**
   * Optional fused kernels for one recurrent step (the LSTM and GRU gate math), each a single pass over floating
   * views [rows, k·H] of one dtype, into new contiguous buffers; null where they do not apply (the layers then compose
   * the step from the other kernels). lstmCell: from gate pre-activations xg + hg [rows, 4H] (i, f, g, o) and c
   * [rows, H], c' = σ(f)·c + σ(i)·tanh(g) and h' = σ(o)·tanh(c'), with `act` [rows, 5H] = σ(i), σ(f), tanh(g), σ(o),
   * tanh(c') for lstmCellBackward, which gives d(gates) and d(c) from dh' and dc'.
   */
  lstmCell?(xg: View, hg: View, c: View): { h: BackendBuffer; c: BackendBuffer; act: BackendBuffer } | null;
  lstmCellBackward?(act: View, c: View, dh: View, dc: View): { dGates: BackendBuffer; dC: BackendBuffer } | null;
  /**
   * gruCell: from xg = x·W_ihᵀ + b_ih and hg = h·W_hhᵀ + b_hh [rows, 3H] (r, z, n) and h [rows, H], r = σ(x_r + h_r),
   * z = σ(x_z + h_z), n = tanh(x_n + r·h_n), h' = (1 − z)·n + z·h, with `act` [rows, 3H] = r, z, n for gruCellBackward,
   * which gives d(xg), d(hg) and d(h) from dh'.
   */
  gruCell?(xg: View, hg: View, h: View): { h: BackendBuffer; act: BackendBuffer } | null;
  gruCellBackward?(act: View, hg: View, h: View, dh: View): { dXg: BackendBuffer; dHg: BackendBuffer; dH: BackendBuffer } | null;

  /**
   * Optional conv2d kernels (groups 1) over views of one float dtype, into new contiguous buffers; null where they do
   * not apply (conv2d then runs image by image on `matmul`). conv2d: x [N, C, H, W] by w [O, C, kh, kw] into
   * [N, O, OH, OW], plus `bias` [O] when given (rounded once, as a separate add would); conv2dInputGrad: dY [N, O, OH, OW]
   * and w into dX [N, C, H, W] (`inputShape`); conv2dWeightGrad: dY and x into dW [O, C, kh, kw], summed over the batch
   * image by image in order.
   */
  conv2d?(x: View, w: View, g: ConvGeometry, bias?: View | null): BackendBuffer | null;
  conv2dInputGrad?(gy: View, w: View, g: ConvGeometry, inputShape: readonly number[]): BackendBuffer | null;
  conv2dWeightGrad?(gy: View, x: View, g: ConvGeometry, weightShape: readonly number[]): BackendBuffer | null;
  /**
   * Optional max_pool2d forward of a float view [N, C, H, W]: each window's maximum (windows clipped to the input; a NaN
   * wins, the last one) and the in-plane index of its first maximum, [N, C, OH, OW] each; null where it does not apply.
   */
  maxPool2d?(x: View, g: PoolGeometry): { out: BackendBuffer; idx: Int32Array } | null;
  /** Its backward: dY [N, C, OH, OW] added at those indices into a zeroed dX of `inputShape`, in order; null where not. */
  maxPool2dBackward?(gy: View, idx: Int32Array, inputShape: readonly number[]): BackendBuffer | null;
  /**
   * Optional Adadelta update in place of parameter p and state s (square average) and a (accumulated delta) from gradient
   * g, rounding as the composed ops do in the views' dtype; false, having written nothing, where it does not apply.
   */
  adadelta?(p: View, g: View, s: View, a: View, o: AdadeltaHyper): boolean;

  /**
   * Optional fused ReLU backward (PyTorch's threshold_backward at 0): 0 where y ≤ 0, else g (a NaN y passes g), for
   * views of one shape and float dtype, into a new contiguous buffer; null where it does not apply.
   */
  reluBackward?(y: View, g: View): BackendBuffer | null;

  /** Elementwise `op(x)` into a new contiguous buffer of `outDType`. */
  unary(op: UnaryOp, x: View, outDType: DType): BackendBuffer;
  /** Elementwise `op(a, b)`; `a` and `b` already have the output shape (broadcast dims have stride 0). */
  binary(op: BinaryOp, a: View, b: View, outDType: DType): BackendBuffer;
  /** `cond ? a : b` elementwise; all three already have the output shape. */
  where(cond: View, a: View, b: View, outDType: DType): BackendBuffer;

  /** Reduces over the sorted `axes`; the output is contiguous with those axes removed. */
  reduce(op: ReduceOp, x: View, axes: readonly number[], outDType: DType): BackendBuffer;
  /** Index of the first max/min along `axis` (NaN counts as the max and the min, like PyTorch); int32. */
  argReduce(op: ArgReduceOp, x: View, axis: number): BackendBuffer;
  /** Inclusive running sum along `axis`, contiguous output of `outDType`. */
  cumsum(x: View, axis: number, outDType: DType): BackendBuffer;
  /**
   * The stable order that sorts each row along the last axis of `x`, ascending or descending: int32 indices into the
   * row, contiguous, of x's shape. NaN counts as the largest value (PyTorch's sort); equal values keep their order.
   */
  sortIndices(x: View, descending: boolean): BackendBuffer;
  /**
   * Where the running maximum (cummax) or minimum (cummin) along `axis` of `x` was found: int32, contiguous, of x's
   * shape. Ties take the latest index, and a NaN, once met, stays (PyTorch's rule).
   */
  cumExtremeIndices(op: "cummax" | "cummin", x: View, axis: number): BackendBuffer;
  /**
   * searchsorted's insertion indices: for each element v of `values`, how many elements of its row of `seq` (sorted
   * along its last axis) come before it: those < v, or ≤ v with `right` (NaN sorts last). `seq` is 1-D (every value
   * searches it) or [...lead, n] with `values` [...lead, m]; both of one dtype. int32, contiguous, of values' shape.
   */
  searchSorted(seq: View, values: View, right: boolean): BackendBuffer;

  /** `a @ b` for `[...batch, m, k] @ [...batch, k, n]` with equal batch shapes; contiguous `[...batch, m, n]`. */
  matmul(a: View, b: View, outDType: DType): BackendBuffer;
  /**
   * Optional fused kernel: `matmul(a, b)` with `bias` (a view of shape [n]) added to every row, rounding as a separate add
   * would (linear's addmm). Returns null where it does not apply; the op then adds the bias with `binary`.
   */
  addmm?(a: View, b: View, bias: View, outDType: DType): BackendBuffer | null;

  /** `out[...i at axis...] = x[...index[...] at axis...]`; the output has the index's shape. */
  gather(x: View, axis: number, index: View): BackendBuffer;
  /**
   * A copy of `dst` (contiguous) where `src` values are written (or added) at `index` along `axis`, the
   * inverse of `gather`. `index` and `src` share a shape.
   */
  scatter(dst: View, axis: number, index: View, src: View, mode: "assign" | "add"): BackendBuffer;
}
