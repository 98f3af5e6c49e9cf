// Elementwise float32 kernels over "2-D" operands: element (r, c) of an operand is at ptr + 4·(r·rs + c·cs) with cs 0 (the
// value repeats along the row) or 1 (contiguous row). That covers same-shape, scalar, row-vector (bias) and column broadcasts.

import { expv, sigmoidv, splat, tanhv } from "./simd_math";

export const ADD = 0;
export const SUB = 1;
export const MUL = 2;
export const DIV = 3;
export const MAX = 4;
export const MIN = 5;

// @ts-ignore: decorator
@inline function bin(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD:
      return f32x4.add(a, b);
    case SUB:
      return f32x4.sub(a, b);
    case MUL:
      return f32x4.mul(a, b);
    case DIV:
      return f32x4.div(a, b);
    case MAX:
      return f32x4.max(a, b);
    default:
      return f32x4.min(a, b);
  }
}

// @ts-ignore: decorator
@inline function binRow(op: i32, a: usize, csA: i32, b: usize, csB: i32, o: usize, n: i32): void {
  let i = 0;
  if (csA == 1 && csB == 1) {
    for (; i + 8 <= n; i += 8) {
      const off = <usize>i << 2;
      v128.store(o + off, bin(op, v128.load(a + off), v128.load(b + off)));
      v128.store(o + off, bin(op, v128.load(a + off, 16), v128.load(b + off, 16)), 16);
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(o + off, f32x4.extract_lane(bin(op, f32x4.splat(load<f32>(a + off)), f32x4.splat(load<f32>(b + off))), 0));
    }
  } else if (csA == 1) {
    const vb = v128.load32_splat(b);
    for (; i + 8 <= n; i += 8) {
      const off = <usize>i << 2;
      v128.store(o + off, bin(op, v128.load(a + off), vb));
      v128.store(o + off, bin(op, v128.load(a + off, 16), vb), 16);
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(o + off, f32x4.extract_lane(bin(op, f32x4.splat(load<f32>(a + off)), vb), 0));
    }
  } else if (csB == 1) {
    const va = v128.load32_splat(a);
    for (; i + 8 <= n; i += 8) {
      const off = <usize>i << 2;
      v128.store(o + off, bin(op, va, v128.load(b + off)));
      v128.store(o + off, bin(op, va, v128.load(b + off, 16)), 16);
    }
    for (; i < n; i++) {
      const off = <usize>i << 2;
      store<f32>(o + off, f32x4.extract_lane(bin(op, va, f32x4.splat(load<f32>(b + off))), 0));
    }
  } else {
    const v = bin(op, v128.load32_splat(a), v128.load32_splat(b));
    for (; i + 4 <= n; i += 4) v128.store(o + (<usize>i << 2), v);
    for (; i < n; i++) store<f32>(o + (<usize>i << 2), f32x4.extract_lane(v, 0));
  }
}

// @ts-ignore: decorator
@inline function binLoop(op: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, o: usize, outer: i32, inner: i32): void {
  for (let r = 0; r < outer; r++) {
    binRow(op, a + (<usize>(r * rsA) << 2), csA, b + (<usize>(r * rsB) << 2), csB, o + (<usize>(r * inner) << 2), inner);
  }
}

export function binary(op: i32, a: usize, rsA: i32, csA: i32, b: usize, rsB: i32, csB: i32, o: usize, outer: i32, inner: i32): void {
  switch (op) {
    case ADD:
      binLoop(ADD, a, rsA, csA, b, rsB, csB, o, outer, inner);
      break;
    case SUB:
      binLoop(SUB, a, rsA, csA, b, rsB, csB, o, outer, inner);
      break;
    case MUL:
      binLoop(MUL, a, rsA, csA, b, rsB, csB, o, outer, inner);
      break;
    case DIV:
      binLoop(DIV, a, rsA, csA, b, rsB, csB, o, outer, inner);
      break;
    case MAX:
      binLoop(MAX, a, rsA, csA, b, rsB, csB, o, outer, inner);
      break;
    default:
      binLoop(MIN, a, rsA, csA, b, rsB, csB, o, outer, inner);
      break;
  }
}

export const NEG = 0;
export const ABS = 1;
export const SQRT = 2;
export const SQUARE = 3;
export const RECIPROCAL = 4;
export const RELU = 5;
export const EXP = 6;
export const TANH = 7;
export const SIGMOID = 8;
export const FLOOR = 9;
export const CEIL = 10;
export const ROUND = 11;

// @ts-ignore: decorator
@inline function un(op: i32, x: v128): v128 {
  switch (op) {
    case NEG:
      return f32x4.neg(x);
    case ABS:
      return f32x4.abs(x);
    case SQRT:
      return f32x4.sqrt(x);
    case SQUARE:
      return f32x4.mul(x, x);
    case RECIPROCAL:
      return f32x4.div(splat(1.0), x);
    case RELU:
      // f32x4.max propagates NaN and gives +0 for -0, like Math.max(x, 0).
      return f32x4.max(x, splat(0.0));
    case EXP:
      return expv(x);
    case TANH:
      return tanhv(x);
    case SIGMOID:
      return sigmoidv(x);
    case FLOOR:
      return f32x4.floor(x);
    case CEIL:
      return f32x4.ceil(x);
    default:
      // Round half to even, as torch.round.
      return f32x4.nearest(x);
  }
}

// @ts-ignore: decorator
@inline function unLoop(op: i32, x: usize, o: usize, n: i32): void {
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const off = <usize>i << 2;
    v128.store(o + off, un(op, v128.load(x + off)));
    v128.store(o + off, un(op, v128.load(x + off, 16)), 16);
  }
  for (; i < n; i++) {
    const off = <usize>i << 2;
    store<f32>(o + off, f32x4.extract_lane(un(op, f32x4.splat(load<f32>(x + off))), 0));
  }
}

export function unary(op: i32, x: usize, o: usize, n: i32): void {
  switch (op) {
    case NEG:
      unLoop(NEG, x, o, n);
      break;
    case ABS:
      unLoop(ABS, x, o, n);
      break;
    case SQRT:
      unLoop(SQRT, x, o, n);
      break;
    case SQUARE:
      unLoop(SQUARE, x, o, n);
      break;
    case RECIPROCAL:
      unLoop(RECIPROCAL, x, o, n);
      break;
    case RELU:
      unLoop(RELU, x, o, n);
      break;
    case EXP:
      unLoop(EXP, x, o, n);
      break;
    case TANH:
      unLoop(TANH, x, o, n);
      break;
    case SIGMOID:
      unLoop(SIGMOID, x, o, n);
      break;
    case FLOOR:
      unLoop(FLOOR, x, o, n);
      break;
    case CEIL:
      unLoop(CEIL, x, o, n);
      break;
    default:
      unLoop(ROUND, x, o, n);
      break;
  }
}

/** ReLU's backward (PyTorch's threshold_backward at 0): out = 0 where y ≤ 0, else g (a NaN y passes g), over n floats. */
export function reluBackward(y: usize, g: usize, out: usize, n: i32): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, v128.andnot(v128.load(g + o), f32x4.le(v128.load(y + o), zero)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(y + o) <= 0 ? 0 : load<f32>(g + o));
  }
}
