/**
 * float32 → float16 / bfloat16 bit patterns, rounded to nearest even as PyTorch's `.half()` and `.bfloat16()` do.
 * Used to store float weights in half the bytes (`encodeSafetensors(..., { floatDType: "float16" })`).
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Rounds `mantissa >>> shift` to nearest, ties to even. */
function roundShift(mantissa: number, shift: number): number {
  const kept = mantissa >>> shift;
  const rest = mantissa & ((1 << shift) - 1);
  const mid = 1 << (shift - 1);
  return rest > mid || (rest === mid && (kept & 1) === 1) ? kept + 1 : kept;
}

/** The IEEE binary16 bits nearest to `value` (first rounded to float32): overflow gives ±Inf, NaN stays NaN. */
export function floatToHalfBits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: ±0
    return sign | roundShift(mantissa | 0x800000, 14 - e); // a subnormal (or, rounding up, the smallest normal)
  }
  // A carry out of the mantissa moves into the exponent, which is the right result (up to Inf).
  return sign | roundShift((e << 23) | mantissa, 13);
}

/** The bfloat16 bits nearest to `value` (the top 16 bits of its float32, rounded to nearest even). */
export function floatToBFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  if (Number.isNaN(f32[0])) return ((x >>> 16) & 0x8000) | 0x7fc0;
  return ((x + 0x7fff + ((x >>> 16) & 1)) / 0x10000) & 0xffff;
}
