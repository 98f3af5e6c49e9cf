import { record1 } from "../autograd/node.js";
import type { Tensor } from "../tensor/tensor.js";
import { onesLike, zerosLike } from "./creation.js";

// x^e for a floating tensor and a number e, computed the way PyTorch's CPU kernel computes it (aten's PowKernel.cpp:
// 0 → ones, 1 → a copy, 2 → x·x, 3 → x·x·x, −2 → 1/(x·x), ½ → sqrt, −½ → 1/sqrt, −1 → reciprocal, else std::pow), so
// the numbers are PyTorch's and the common powers cost a multiplication instead of a call to pow per element.

/** Float32 integer powers up to this magnitude are computed by repeated squaring in float64, then rounded once. */
const MAX_SQUARING_EXPONENT = 64;

/** x^n for an integer n ≥ 1 by repeated squaring, on a tensor that records no graph. */
function powBySquaring(x: Tensor, n: number): Tensor {
  let result: Tensor | null = null;
  let base = x;
  for (let k = n; k > 0; k >>= 1) {
    if (k & 1) result = result ? result.mul(base) : base;
    if (k > 1) base = base.square();
  }
  return result as Tensor;
}

/** The forward value of x^e on a detached floating tensor, or null where the generic pow kernel should compute it. */
function special(d: Tensor, e: number): Tensor | null {
  switch (e) {
    case 0:
      return onesLike(d);
    case 1:
      return d.clone();
    case 2:
      return d.square();
    case 3:
      return d.square().mul(d);
    case -2:
      return d.square().reciprocal();
    case 0.5:
      return d.sqrt();
    case -0.5:
      // PyTorch's CPU rsqrt is 1/sqrt(x), rounded twice.
      return d.sqrt().reciprocal();
    case -1:
      return d.reciprocal();
  }
  // Other integer powers of float32: in float64 the products of float32 values carry about 29 spare bits, so rounding
  // the float64 result once to float32 gives the correctly rounded power that std::pow's powf gives (but for ties at
  // the 2^-53 level).
  // (A device read only asynchronously, WebGPU, has no float64: the pow kernel computes those.)
  if (d.dtype === "float32" && Number.isInteger(e) && Math.abs(e) <= MAX_SQUARING_EXPONENT && !d._backend.asyncOnly) {
    const p = powBySquaring(d.double(), Math.abs(e));
    return (e < 0 ? p.reciprocal() : p).float();
  }
  return null;
}

/**
 * @internal x^e for a floating tensor `x` and a number `e`: PyTorch's special cases (see above), else `generic` (the pow
 * kernel) on the detached input. The gradient is PyTorch's pow_backward: 0 for e = 0, else g·(e·x^(e−1)).
 */
export function powScalar(x: Tensor, e: number, generic: (detached: Tensor) => Tensor): Tensor {
  const d = x.detach();
  const out = special(d, e) ?? generic(d);
  return record1("PowBackward0", out, [x], (g, [x]) => [e === 0 ? zerosLike(x) : g.mul(x.pow(e - 1).mul(e))], [x]);
}
