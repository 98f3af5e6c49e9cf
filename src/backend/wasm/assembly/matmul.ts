// Float32 GEMM in the Goto/BLIS scheme: B is packed KC×NC at a time into NR-wide panels, A MC×KC at a time into MR-tall
// panels, and a register-blocked MR×NR micro-kernel multiplies one A panel by one B panel. Packing reads the operands through
// their row and column strides, so every transpose layout costs the same.

import { madd } from "./simd_math";

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 128;
const NC = 1024;

/** Packs rows [0, mc) × cols [0, kc) of A (at `a`, strides rs/cs in elements) into MR-row panels, zero-padded. */
function packA(dst: usize, a: usize, rs: i32, cs: i32, mc: i32, kc: i32): void {
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const rows = min(MR, mc - i0);
    const panel = dst + (<usize>(i0 * kc) << 2);
    const src = a + (<usize>(i0 * rs) << 2);
    if (rows == MR && rs == 1) {
      // A transposed: the panel's MR values for each p are adjacent in memory.
      for (let p = 0; p < kc; p++) v128.store(panel + (<usize>(p * MR) << 2), v128.load(src + (<usize>(p * cs) << 2)));
    } else if (rows == MR && cs == 1) {
      // Row-major A: load 4×4 blocks and transpose them in registers.
      const r1 = src + (<usize>rs << 2);
      const r2 = src + (<usize>(2 * rs) << 2);
      const r3 = src + (<usize>(3 * rs) << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const x0 = v128.load(src + o);
        const x1 = v128.load(r1 + o);
        const x2 = v128.load(r2 + o);
        const x3 = v128.load(r3 + o);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
        const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
        const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        const d = panel + (<usize>(p * MR) << 2);
        v128.store(d, v128.shuffle<f64>(t0, t1, 0, 2));
        v128.store(d, v128.shuffle<f64>(t0, t1, 1, 3), 16);
        v128.store(d, v128.shuffle<f64>(t2, t3, 0, 2), 32);
        v128.store(d, v128.shuffle<f64>(t2, t3, 1, 3), 48);
      }
      for (; p < kc; p++) {
        const o = <usize>p << 2;
        const d = panel + (<usize>(p * MR) << 2);
        store<f32>(d, load<f32>(src + o));
        store<f32>(d, load<f32>(r1 + o), 4);
        store<f32>(d, load<f32>(r2 + o), 8);
        store<f32>(d, load<f32>(r3 + o), 12);
      }
    } else {
      for (let r = 0; r < MR; r++) {
        const row = src + (<usize>(r * rs) << 2);
        for (let p = 0; p < kc; p++) {
          store<f32>(panel + (<usize>(p * MR + r) << 2), r < rows ? load<f32>(row + (<usize>(p * cs) << 2)) : 0);
        }
      }
    }
  }
}

/** Packs rows [0, kc) × cols [0, nc) of B into NR-column panels, zero-padded. */
function packB(dst: usize, b: usize, rs: i32, cs: i32, kc: i32, nc: i32): void {
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const cols = min(NR, nc - j0);
    const panel = dst + (<usize>(j0 * kc) << 2);
    if (cols == NR && cs == 1) {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>(p * rs + j0) << 2);
        const d = panel + (<usize>(p * NR) << 2);
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
    } else if (cols == NR && rs == 1) {
      // B transposed (x·Wᵀ, a Linear layer's forward): each column's k values are adjacent; 4×4 blocks of two groups of
      // four columns are transposed in registers.
      const s0 = b + (<usize>(j0 * cs) << 2);
      const s1 = b + (<usize>((j0 + 1) * cs) << 2);
      const s2 = b + (<usize>((j0 + 2) * cs) << 2);
      const s3 = b + (<usize>((j0 + 3) * cs) << 2);
      const s4 = b + (<usize>((j0 + 4) * cs) << 2);
      const s5 = b + (<usize>((j0 + 5) * cs) << 2);
      const s6 = b + (<usize>((j0 + 6) * cs) << 2);
      const s7 = b + (<usize>((j0 + 7) * cs) << 2);
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p << 2;
        const d = panel + (<usize>(p * NR) << 2);
        let x0 = v128.load(s0 + o);
        let x1 = v128.load(s1 + o);
        let x2 = v128.load(s2 + o);
        let x3 = v128.load(s3 + o);
        let t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
        let t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        let t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
        let t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f64>(t0, t1, 0, 2));
        v128.store(d, v128.shuffle<f64>(t0, t1, 1, 3), 32);
        v128.store(d, v128.shuffle<f64>(t2, t3, 0, 2), 64);
        v128.store(d, v128.shuffle<f64>(t2, t3, 1, 3), 96);
        x0 = v128.load(s4 + o);
        x1 = v128.load(s5 + o);
        x2 = v128.load(s6 + o);
        x3 = v128.load(s7 + o);
        t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
        t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
        t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f64>(t0, t1, 0, 2), 16);
        v128.store(d, v128.shuffle<f64>(t0, t1, 1, 3), 48);
        v128.store(d, v128.shuffle<f64>(t2, t3, 0, 2), 80);
        v128.store(d, v128.shuffle<f64>(t2, t3, 1, 3), 112);
      }
      for (; p < kc; p++) {
        const o = <usize>p << 2;
        const d = panel + (<usize>(p * NR) << 2);
        store<f32>(d, load<f32>(s0 + o));
        store<f32>(d, load<f32>(s1 + o), 4);
        store<f32>(d, load<f32>(s2 + o), 8);
        store<f32>(d, load<f32>(s3 + o), 12);
        store<f32>(d, load<f32>(s4 + o), 16);
        store<f32>(d, load<f32>(s5 + o), 20);
        store<f32>(d, load<f32>(s6 + o), 24);
        store<f32>(d, load<f32>(s7 + o), 28);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const d = panel + (<usize>(p * NR) << 2);
        for (let c = 0; c < NR; c++) {
          store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(b + (<usize>(p * rs + (j0 + c) * cs) << 2)) : 0);
        }
      }
    }
  }
}

/** C[MR×NR] (= or +=) Apanel · Bpanel over kc; C has leading dimension ldc (elements). */
// @ts-ignore: decorator
@inline function micro(ap: usize, bp: usize, kc: i32, c: usize, ldc: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    ap += MR << 2;
    bp += NR << 2;
  }
  const ld = <usize>ldc << 2;
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + ld));
    c11 = f32x4.add(c11, v128.load(c + ld, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * ld));
    c21 = f32x4.add(c21, v128.load(c + 2 * ld, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * ld));
    c31 = f32x4.add(c31, v128.load(c + 3 * ld, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + ld, c10);
  v128.store(c + ld, c11, 16);
  v128.store(c + 2 * ld, c20);
  v128.store(c + 2 * ld, c21, 16);
  v128.store(c + 3 * ld, c30);
  v128.store(c + 3 * ld, c31, 16);
}

/** Floats of scratch `gemm` needs for its packed panels. */
export function gemmWorkSize(): i32 {
  return MC * KC + KC * NC;
}

/**
 * C = A·B for A m×k (strides rsA, csA) and B k×n (strides rsB, csB), all in elements. C (at `c`) is written row-major with
 * leading dimension `ldc` ≥ roundUp(n, NR), and rows up to roundUp(m, MR) are written (the padding holds garbage), so that
 * threads can each compute a block of rows or of NR-aligned columns of one C. k ≥ 1.
 */
export function gemm(
  a: usize,
  rsA: i32,
  csA: i32,
  b: usize,
  rsB: i32,
  csB: i32,
  c: usize,
  ldc: i32,
  m: i32,
  n: i32,
  k: i32,
  work: usize,
): void {
  const aPack = work;
  const bPack = work + (<usize>(MC * KC) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(bPack, b + (<usize>(pc * rsB + jc * csB) << 2), rsB, csB, kc, nc);
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(aPack, a + (<usize>(ic * rsA + pc * csA) << 2), rsA, csA, mc, kc);
        for (let jr = 0; jr < nc; jr += NR) {
          const bp = bPack + (<usize>(jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            const cp = c + (<usize>((ic + ir) * ldc + jc + jr) << 2);
            const ap = aPack + (<usize>(ir * kc) << 2);
            if (pc == 0) micro(ap, bp, kc, cp, ldc, false);
            else micro(ap, bp, kc, cp, ldc, true);
          }
        }
      }
    }
  }
}
