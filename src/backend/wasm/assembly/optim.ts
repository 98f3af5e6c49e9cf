// Optimizer updates over dense float32 arrays in this module's memory, in place, each operation rounded to float32 as the
// tensor ops they replace round (separate multiplies and adds: no fused multiply-add).

/**
 * Adadelta: s = rho·s + (1 − rho)·g², delta = √(a + eps) / √(s + eps) · g, a = rho·a + (1 − rho)·delta²,
 * p = p + (−lr)·delta, over n elements (g = −grad when `sign` is −1).
 */
export function adadeltaStep(
  p: usize,
  g: usize,
  s: usize,
  a: usize,
  n: i32,
  rho: f32,
  oneMinusRho: f32,
  eps: f32,
  negLr: f32,
  sign: f32,
): void {
  const vRho = f32x4.splat(rho);
  const vOmr = f32x4.splat(oneMinusRho);
  const vEps = f32x4.splat(eps);
  const vLr = f32x4.splat(negLr);
  const vSign = f32x4.splat(sign);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = f32x4.mul(vSign, v128.load(g + o));
    const si = f32x4.add(f32x4.mul(v128.load(s + o), vRho), f32x4.mul(vOmr, f32x4.mul(gi, gi)));
    v128.store(s + o, si);
    const std = f32x4.sqrt(f32x4.add(si, vEps));
    const ai = v128.load(a + o);
    const delta = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(ai, vEps)), std), gi);
    v128.store(a + o, f32x4.add(f32x4.mul(ai, vRho), f32x4.mul(vOmr, f32x4.mul(delta, delta))));
    v128.store(p + o, f32x4.add(v128.load(p + o), f32x4.mul(vLr, delta)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = sign * load<f32>(g + o);
    const si = load<f32>(s + o) * rho + oneMinusRho * (gi * gi);
    store<f32>(s + o, si);
    const ai = load<f32>(a + o);
    const delta = (Mathf.sqrt(ai + eps) / Mathf.sqrt(si + eps)) * gi;
    store<f32>(a + o, ai * rho + oneMinusRho * (delta * delta));
    store<f32>(p + o, load<f32>(p + o) + negLr * delta);
  }
}

/**
 * d = d + alpha·s over n elements (SGD's update, `add_(g, alpha=−lr)`): the product rounded to float32, then the sum, as
 * the CPU backend's loop rounds them (no fused multiply-add).
 */
export function axpy(d: usize, s: usize, n: i32, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 16 <= n; i += 16) {
    const o = <usize>i << 2;
    v128.store(d + o, f32x4.add(v128.load(d + o), f32x4.mul(va, v128.load(s + o))));
    v128.store(d + o + 16, f32x4.add(v128.load(d + o + 16), f32x4.mul(va, v128.load(s + o + 16))));
    v128.store(d + o + 32, f32x4.add(v128.load(d + o + 32), f32x4.mul(va, v128.load(s + o + 32))));
    v128.store(d + o + 48, f32x4.add(v128.load(d + o + 48), f32x4.mul(va, v128.load(s + o + 48))));
  }
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(d + o, f32x4.add(v128.load(d + o), f32x4.mul(va, v128.load(s + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(d + o, load<f32>(d + o) + alpha * load<f32>(s + o));
  }
}
