// Comparisons of float32 operands into bool (u8 0/1) outputs, and `cond ? a : b` over 4-byte operands with a bool
// condition, on the same "2-D" operands as elementwise.ts (element (r, c) at ptr + size·(r·rs + c·cs), cs 0 or 1).

export const EQ = 0;
export const NE = 1;
export const LT = 2;
export const LE = 3;
export const GT = 4;
export const GE = 5;

/** Four consecutive float32s, or one repeated (cs 0). */
// @ts-ignore: decorator
@inline function f32s(p: usize, cs: i32): v128 {
  return cs == 1 ? v128.load(p) : v128.load32_splat(p);
}

// @ts-ignore: decorator
@inline function cmp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case EQ:
      return f32x4.eq(a, b);
    case NE:
      return f32x4.ne(a, b);
    case LT:
      return f32x4.lt(a, b);
    case LE:
      return f32x4.le(a, b);
    case GT:
      return f32x4.gt(a, b);
    default:
      return f32x4.ge(a, b);
  }
}

/** out (u8) = a op b, IEEE comparisons (NaN compares unequal to everything). */
export function compare(op: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, o: usize, outer: i32, inner: i32): void {
  const one = i8x16.splat(1);
  const sa = <usize>csA << 2;
  const sb = <usize>csB << 2;
  for (let r = 0; r < outer; r++) {
    let pa = a + (<usize>(r * rsA) << 2);
    let pb = b + (<usize>(r * rsB) << 2);
    const po = o + <usize>(r * inner);
    let i = 0;
    for (; i + 16 <= inner; i += 16) {
      const m0 = cmp(op, f32s(pa, csA), f32s(pb, csB));
      const m1 = cmp(op, f32s(pa + 4 * sa, csA), f32s(pb + 4 * sb, csB));
      const m2 = cmp(op, f32s(pa + 8 * sa, csA), f32s(pb + 8 * sb, csB));
      const m3 = cmp(op, f32s(pa + 12 * sa, csA), f32s(pb + 12 * sb, csB));
      // All-ones lanes narrow (saturating) to -1 bytes; masking with 1 gives 0/1.
      const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(m0, m1), i16x8.narrow_i32x4_s(m2, m3));
      v128.store(po + <usize>i, v128.and(bytes, one));
      pa += 16 * sa;
      pb += 16 * sb;
    }
    for (; i < inner; i++) {
      const m = cmp(op, f32x4.splat(load<f32>(pa)), f32x4.splat(load<f32>(pb)));
      store<u8>(po + <usize>i, <u8>(i32x4.extract_lane(m, 0) & 1));
      pa += sa;
      pb += sb;
    }
  }
}

/** out = cond ? a : b for 4-byte elements (bitwise, so exact for any float32 or int32), cond a u8 operand. */
export function select(
  c: usize,
  rsC: i32,
  csC: i32,
  a: usize,
  rsA: i32,
  csA: i32,
  b: usize,
  rsB: i32,
  csB: i32,
  o: usize,
  outer: i32,
  inner: i32,
): void {
  const zero = i32x4.splat(0);
  const sa = <usize>csA << 2;
  const sb = <usize>csB << 2;
  for (let r = 0; r < outer; r++) {
    let pc = c + <usize>(r * rsC);
    let pa = a + (<usize>(r * rsA) << 2);
    let pb = b + (<usize>(r * rsB) << 2);
    const po = o + (<usize>(r * inner) << 2);
    let i = 0;
    for (; i + 4 <= inner; i += 4) {
      const cv = csC == 1 ? i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(pc))) : i32x4.splat(load<u8>(pc));
      v128.store(po + (<usize>i << 2), v128.bitselect(f32s(pa, csA), f32s(pb, csB), i32x4.ne(cv, zero)));
      pc += <usize>(4 * csC);
      pa += 4 * sa;
      pb += 4 * sb;
    }
    for (; i < inner; i++) {
      store<u32>(po + (<usize>i << 2), load<u8>(pc) != 0 ? load<u32>(pa) : load<u32>(pb));
      pc += <usize>csC;
      pa += sa;
      pb += sb;
    }
  }
}
