import { noGrad } from "../autograd/grad_mode.js";
import { ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { type Generator, rand, randperm } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";

// The rest of torch.nn.init: trunc_normal_, dirac_ and sparse_. Each fills the tensor under noGrad and returns it.

/** The standard normal CDF. */
const normCdf = (x: number): number => (1 + erf(x / Math.SQRT2)) / 2;

/** erf on the host (Abramowitz–Stegun 7.1.26 would be too coarse here): a series near 0, a continued fraction beyond. */
function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax === Number.POSITIVE_INFINITY) return Math.sign(x);
  if (ax < 2.5) {
    // erf(x) = 2/√π · Σ (−1)^n x^(2n+1) / (n! (2n+1))
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      sum += term / (2 * n + 1);
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return Math.sign(x) * sum * (2 / Math.sqrt(Math.PI));
  }
  // erfc(x) = exp(−x²)/√π · 1/(x + 1/2/(x + 1/(x + 3/2/(x + ...)))), evaluated from the tail
  let f = ax;
  for (let k = 60; k >= 1; k--) f = ax + k / 2 / f;
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

/** erf⁻¹ (Giles 2010's single-precision approximation, then two Newton steps on the series above). */
function erfinv(y: number): number {
  if (y <= -1) return Number.NEGATIVE_INFINITY;
  if (y >= 1) return Number.POSITIVE_INFINITY;
  let w = -Math.log((1 - y) * (1 + y));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941])
      p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682])
      p = c + p * w;
  }
  let x = p * y;
  for (let i = 0; i < 2; i++) {
    const step = (erf(x) - y) / ((2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
    if (!Number.isFinite(step)) break;
    x -= step;
  }
  return x;
}

/**
 * Fills `t` with N(mean, std²) truncated to [a, b], as torch.nn.init.trunc_normal_: uniform draws mapped through
 * the inverse normal CDF between the bounds' CDF values, then clamped to [a, b].
 */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2, generator?: Generator): Tensor {
  if (!(a < b)) throw new ValueError(`truncNormal_: a (${a}) must be less than b (${b})`);
  const lo = 2 * normCdf((a - mean) / std) - 1;
  const hi = 2 * normCdf((b - mean) / std) - 1;
  const u = rand([t.numel()], { dtype: "float64", generator, device: "cpu" }).toArray();
  const out = new Float64Array(u.length);
  for (let i = 0; i < u.length; i++) {
    const v = erfinv(lo + (hi - lo) * u[i]) * std * Math.SQRT2 + mean;
    out[i] = Math.min(Math.max(v, a), b);
  }
  return noGrad(() => t.copy_(tensor(out).reshape([...t.shape])));
}

/**
 * Fills a 3-, 4- or 5-D convolution weight with the Dirac delta, as torch.nn.init.dirac_: the convolution keeps
 * as many input channels as it can (within each of `groups` groups).
 */
export function dirac_(t: Tensor, groups = 1): Tensor {
  const dims = t.ndim;
  if (dims < 3 || dims > 5) throw new ValueError("dirac_: only tensors with 3, 4, or 5 dimensions are supported");
  if (t.shape[0] % groups !== 0) throw new ValueError("dirac_: dim 0 must be divisible by groups");
  const outPerGroup = t.shape[0] / groups;
  const minDim = Math.min(outPerGroup, t.shape[1]);
  const values = new Float64Array(t.numel());
  const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((p, q) => p * q, 1));
  const center = t.shape.slice(2).reduce((off, s, i) => off + Math.floor(s / 2) * strides[i + 2], 0);
  for (let g = 0; g < groups; g++) {
    for (let d = 0; d < minDim; d++) values[(g * outPerGroup + d) * strides[0] + d * strides[1] + center] = 1;
  }
  return noGrad(() => t.copy_(tensor(values).reshape([...t.shape])));
}

/**
 * Fills a 2-D tensor with N(0, std²) and then zeroes ceil(sparsity · rows) random entries of each column, as
 * torch.nn.init.sparse_ (Martens 2010).
 */
export function sparse_(t: Tensor, sparsity: number, std = 0.01, generator?: Generator): Tensor {
  if (t.ndim !== 2) throw new ValueError("sparse_: only tensors with 2 dimensions are supported");
  const [rows, cols] = t.shape;
  const numZeros = Math.min(rows, Math.ceil(sparsity * rows));
  return noGrad(() => {
    t.normal_(0, std, { generator });
    const mask = new Float64Array(rows * cols).fill(1);
    for (let c = 0; c < cols; c++) {
      const order = randperm(rows, { generator }).toArray();
      for (let k = 0; k < numZeros; k++) mask[Number(order[k]) * cols + c] = 0;
    }
    return t.mul_(tensor(mask, { dtype: t.dtype, device: t.device }).reshape([rows, cols]));
  });
}
