import { type Args, arg, is, required, signature } from "../../args.js";
import type { DeviceType } from "../../backend/backend.js";
import { ShapeError, ValueError } from "../../errors.js";
import { fromTyped } from "../../ops/creation.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";

// torch.nn.functional.interpolate for the separable modes: along each spatial dim the output is a fixed
// [out, in] matrix times the input (nearest: one 1 per row; linear: two weights per row), so the op is one or two
// matmuls and its gradient is the transposed matrices', with no kernel of its own.

/** The modes implemented: nearest (3-D or 4-D input), linear (3-D), bilinear (4-D). */
export type InterpolateMode = "nearest" | "linear" | "bilinear";

export interface InterpolateOptions {
  /** The output's spatial size (one number for all dims, or one per dim); exactly one of size and scaleFactor. */
  size?: number | readonly number[] | null;
  /** Multiplier of the spatial size (one for all dims, or one per dim); the output size is floor(in · scale). */
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** Linear modes only: align the corner pixels' centres (default false). */
  alignCorners?: boolean | null;
  /** Compute the sampling scale from the output size instead of using scaleFactor (default: use scaleFactor). */
  recomputeScaleFactor?: boolean | null;
  antialias?: false;
}

const positiveNumber = is.numberWhere("a positive number", (v) => v > 0 && Number.isFinite(v));
const positives = is.where<readonly number[]>(
  "an array of positive numbers",
  (v) => Array.isArray(v) && v.every((s) => typeof s === "number" && s > 0 && Number.isFinite(s)),
);
const sizes = is.where<readonly number[]>(
  "an array of positive integers",
  (v) => Array.isArray(v) && v.every((s) => Number.isInteger(s) && s > 0),
);
const MODES = ["nearest", "linear", "bilinear"] as const;
const UNIMPLEMENTED_MODES = ["bicubic", "trilinear", "area", "nearest-exact"];
const modeType = is.where<InterpolateMode>(
  `${MODES.map((m) => JSON.stringify(m)).join(" | ")} (${UNIMPLEMENTED_MODES.map((m) => JSON.stringify(m)).join(", ")} are not implemented)`,
  (v) => (MODES as readonly unknown[]).includes(v),
);

/** The parameters of torch's interpolate (and of Upsample, less the input). */
export const interpolateParams = {
  size: arg(is.nullable(is.or(is.posInt, sizes)), null),
  scaleFactor: arg(is.nullable(is.or(positiveNumber, positives)), null),
  mode: arg(modeType, "nearest" as InterpolateMode),
  alignCorners: arg(is.nullable(is.boolean), null),
  recomputeScaleFactor: arg(is.nullable(is.boolean), null),
  antialias: arg(is.only(false, "antialias is not implemented"), false),
};
const INTERPOLATE = signature("interpolate", { input: required(is.tensor), ...interpolateParams });

/** The [out, in] sampling matrix of one dim. `scale` is in/out, or 1/scaleFactor where one was given. */
function samplingMatrix(
  mode: "nearest" | "linear",
  size: number,
  out: number,
  scale: number,
  alignCorners: boolean,
  dtype: "float32" | "float64",
  device: DeviceType,
): Tensor {
  const data = dtype === "float64" ? new Float64Array(out * size) : new Float32Array(out * size);
  for (let i = 0; i < out; i++) {
    if (mode === "nearest") {
      // PyTorch computes the source index in float32: floor(i · scale), clamped to the last input index.
      const src = Math.min(Math.floor(Math.fround(Math.fround(i) * Math.fround(scale))), size - 1);
      data[i * size + src] = 1;
      continue;
    }
    const src = alignCorners ? (out > 1 ? (i * (size - 1)) / (out - 1) : 0) : Math.max(scale * (i + 0.5) - 0.5, 0);
    const i0 = Math.min(Math.floor(src), size - 1);
    const i1 = Math.min(i0 + 1, size - 1);
    const lambda = src - i0;
    data[i * size + i0] += 1 - lambda;
    data[i * size + i1] += lambda;
  }
  return fromTyped(data, [out, size], { device });
}

/**
 * Resizes the spatial dims of a (N, C, L) or (N, C, H, W) input, as torch.nn.functional.interpolate: give `size` or
 * `scaleFactor`; `mode` "nearest" (the default), "linear" (3-D input) or "bilinear" (4-D input, `alignCorners`).
 *
 * @example
 * F.interpolate(img, { scaleFactor: 2, mode: "bilinear" });
 * F.interpolate(seq, { size: 100, mode: "linear", alignCorners: true });
 */
export function interpolate(
  x: Tensor,
  ...rest: Args<
    [
      size: number | readonly number[] | null,
      scaleFactor: number | readonly number[] | null,
      mode: InterpolateMode,
      alignCorners: boolean | null,
      recomputeScaleFactor: boolean | null,
      antialias: false,
    ],
    InterpolateOptions
  >
): Tensor {
  const a = INTERPOLATE.parse([x, ...rest]);
  const op = "interpolate";
  if (x.ndim !== 3 && x.ndim !== 4)
    throw new ShapeError(`${op}: only 3-D (N, C, L) and 4-D (N, C, H, W) inputs are implemented, got shape ${fmt(x.shape)}`);
  if (x.dtype !== "float32" && x.dtype !== "float64") throw new ValueError(`${op}: expected a float tensor, got ${x.dtype}`);
  const mode = a.mode as InterpolateMode;
  if (mode === "linear" && x.ndim !== 3)
    throw new ShapeError(`${op}: got ${x.ndim}-D input of shape ${fmt(x.shape)}, but linear mode needs 3-D input`);
  if (mode === "bilinear" && x.ndim !== 4)
    throw new ShapeError(`${op}: got ${x.ndim}-D input of shape ${fmt(x.shape)}, but bilinear mode needs 4-D input`);
  if (mode === "nearest" && a.alignCorners !== null)
    throw new ValueError(`${op}: alignCorners can only be set with the interpolating modes: linear | bilinear`);
  const dims = x.ndim - 2;
  const spatial = x.shape.slice(2) as number[];
  if (spatial.some((s) => s === 0)) throw new ShapeError(`${op}: input of shape ${fmt(x.shape)} has an empty spatial dim`);
  const perDim = (v: number | readonly number[], name: string): number[] => {
    if (typeof v === "number") return new Array<number>(dims).fill(v);
    if (v.length !== dims)
      throw new ValueError(`${op}: ${name} must have ${dims} entries for an input of shape ${fmt(x.shape)}, got [${v.join(", ")}]`);
    return [...v];
  };
  let outSizes: number[];
  let scales: number[];
  if (a.size !== null && a.scaleFactor !== null) throw new ValueError(`${op}: only one of size or scaleFactor should be defined`);
  if (a.size !== null) {
    outSizes = perDim(a.size as number | readonly number[], "size");
    scales = outSizes.map((o, i) => (spatial[i] as number) / o);
  } else if (a.scaleFactor !== null) {
    const factors = perDim(a.scaleFactor as number | readonly number[], "scaleFactor");
    outSizes = factors.map((f, i) => Math.floor((spatial[i] as number) * f));
    if (outSizes.some((o) => o < 1))
      throw new ValueError(`${op}: scaleFactor [${factors.join(", ")}] gives an empty output for an input of shape ${fmt(x.shape)}`);
    scales = a.recomputeScaleFactor === true ? outSizes.map((o, i) => (spatial[i] as number) / o) : factors.map((f) => 1 / f);
  } else {
    throw new ValueError(`${op}: either size or scaleFactor should be defined`);
  }
  const kind = mode === "nearest" ? "nearest" : "linear";
  const alignCorners = a.alignCorners === true;
  const matrix = (d: number) =>
    samplingMatrix(
      kind,
      spatial[d] as number,
      outSizes[d] as number,
      scales[d] as number,
      alignCorners,
      x.dtype as "float32" | "float64",
      x._backend.device,
    );
  // Last dim: x · Mᵀ; height (4-D input): M · x, broadcast over N and C.
  let out = x.matmul(matrix(dims - 1).mT);
  if (dims === 2) out = matrix(0).matmul(out);
  return out;
}
