import { type Args, arg, is, required, signature } from "../../args.js";
import { DTypeError, ShapeError, ValueError } from "../../errors.js";
import { tensor } from "../../ops/creation.js";
import { fmt } from "../../shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { list, Transform } from "./transform.js";

const perChannel = is.where<number | readonly number[]>(
  "a number or a non-empty array of numbers (one per channel)",
  (v) =>
    (typeof v === "number" && Number.isFinite(v)) ||
    (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "number" && Number.isFinite(x))),
);

const NORMALIZE = signature("Normalize", {
  mean: required(perChannel),
  std: required(perChannel),
  inplace: arg(is.boolean, false),
});

/**
 * `(x − mean[c]) / std[c]` for each channel c of a float image `[..., C, H, W]` (CHW or NCHW), as
 * `torchvision.transforms.Normalize(mean, std, inplace=False)`. `mean` and `std` hold one number per channel (or
 * one for all). With `inplace` the input is overwritten (and returned). Differentiable.
 *
 * @example
 * const norm = new tg.data.transforms.Normalize([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
 * norm(tg.rand([3, 32, 32])).shape; // [3, 32, 32]
 */
export class Normalize extends Transform {
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly inplace: boolean;

  constructor(
    mean: number | readonly number[],
    std: number | readonly number[],
    ...rest: Args<[inplace: boolean], { mean?: number | readonly number[]; std?: number | readonly number[]; inplace?: boolean }>
  ) {
    super();
    const a = NORMALIZE.parse([mean, std, ...rest]);
    this.mean = typeof a.mean === "number" ? [a.mean] : [...a.mean];
    this.std = typeof a.std === "number" ? [a.std] : [...a.std];
    this.inplace = a.inplace;
  }

  forward(x: Tensor): Tensor {
    if (x.dtype !== "float32" && x.dtype !== "float64") {
      throw new DTypeError(`Normalize: expected a float tensor, got ${x.dtype} (ToTensor makes float images)`);
    }
    if (x.ndim < 3) throw new ShapeError(`Normalize: expected an image of shape [..., C, H, W], got ${fmt(x.shape)}`);
    const c = x.shape[x.ndim - 3];
    for (const [name, v] of [
      ["mean", this.mean],
      ["std", this.std],
    ] as const) {
      if (v.length !== 1 && v.length !== c) {
        throw new ShapeError(`Normalize: ${name} has ${v.length} values for an image of ${c} channels (shape ${fmt(x.shape)})`);
      }
    }
    // As torchvision: the check is on std in the image's dtype (1e-50 is zero in float32).
    const std = x.dtype === "float32" ? this.std.map(Math.fround) : this.std;
    if (std.some((s) => s === 0)) {
      throw new ValueError(`Normalize: std evaluated to zero after conversion to ${x.dtype}, leading to division by zero`);
    }
    const opts = { dtype: x.dtype, device: x.device };
    const m = tensor(this.mean as number[], opts).view([-1, 1, 1]);
    const s = tensor(std, opts).view([-1, 1, 1]);
    return this.inplace ? x.sub_(m).div_(s) : x.sub(m).div(s);
  }

  override extraRepr(): string {
    return `mean=${list(this.mean)}, std=${list(this.std)}`;
  }
}
