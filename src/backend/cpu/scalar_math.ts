/** Scalar functions that `Math` lacks, accurate to double precision so float64 gradchecks can rely on them. */

const TWO_OVER_SQRT_PI = 1.1283791670955126;

/**
 * erf(x). For |x| < 3 the series 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3···(2n+1)) has only positive terms, so it
 * keeps full precision; beyond, erf = 1 − erfc with erfc from its continued fraction.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax >= 6) return Math.sign(x);
  if (ax < 3) {
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 200; n++) {
      term *= (2 * x2) / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17 * Math.abs(sum)) break;
    }
    return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
  }
  return Math.sign(x) * (1 - erfcContinuedFraction(ax));
}

// erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))), evaluated bottom-up.
function erfcContinuedFraction(x: number): number {
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
}

/** Round half to even, as torch.round does (0.5 → 0, 1.5 → 2, 2.5 → 2). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The logistic function, computed without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * floor(a / b) as Python's `//` and torch's floor division give it: from the exact remainder (`%` is fmod),
 * so 1 // 0.1 is 9 (0.1 is a bit more than a tenth), where floor(1 / 0.1) would round to 10.
 */
export function floorDivide(a: number, b: number): number {
  if (b === 0) return a / b;
  const mod = a % b;
  let div = (a - mod) / b;
  if (mod !== 0 && b < 0 !== mod < 0) div -= 1;
  if (div === 0) return a / b < 0 || Object.is(a / b, -0) ? -0 : 0;
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}
