import { type ArgType, is, kw, required, signature } from "../args.js";
import { noGrad } from "../autograd/grad_mode.js";
import { type DType, isFloating, typedArrayFor } from "../dtype.js";
import { DTypeError, ValueError } from "../errors.js";
import { broadcastShapes, checkShape, numel } from "../shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CreationOptions, fromTyped } from "./creation.js";
import { CREATION_OPTIONS, readSize, type SizeArgs } from "./size_args.js";

/** PyTorch's default seed, so that runs that never seed are still reproducible from start to start. */
const DEFAULT_SEED = 67280421310721;

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * A seeded pseudo-random generator (xoshiro128**). The same seed gives the same numbers on every platform;
 * they are not PyTorch's numbers, since PyTorch's CPU generator is a different algorithm.
 *
 * @example
 * const g = new tg.Generator(42);
 * tg.rand([2], { generator: g });
 */
export class Generator {
  private s = new Uint32Array(4);
  private seed = 0;
  private spareNormal: number | null = null;

  constructor(seed = DEFAULT_SEED) {
    this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    if (!Number.isFinite(seed)) throw new ValueError(`manualSeed: seed must be a finite number, got ${seed}`);
    this.seed = seed;
    // The low 32 bits seed the state; high bits (seeds >= 2^32, negative seeds) are mixed in from a second
    // stream, so that e.g. seeds -1 and 0, or 1 and 2^32, do not give the same numbers.
    const hi = Math.floor(seed / 2 ** 32);
    const mix = splitmix32(seed >>> 0);
    const mixHi = splitmix32((hi >>> 0) ^ 0x6a09e667);
    for (let i = 0; i < 4; i++) this.s[i] = hi === 0 ? mix() : (mix() ^ mixHi()) >>> 0;
    this.spareNormal = null;
    return this;
  }

  initialSeed(): number {
    return this.seed;
  }

  /** The full state, for checkpoints; `setState` restores it exactly. */
  getState(): number[] {
    return [...this.s, this.seed, this.spareNormal ?? Number.NaN];
  }

  setState(state: readonly number[]): this {
    if (state.length !== 6) throw new ValueError(`Generator.setState: expected 6 numbers, got ${state.length}`);
    for (let i = 0; i < 4; i++) this.s[i] = state[i];
    this.seed = state[4];
    this.spareNormal = Number.isNaN(state[5]) ? null : state[5];
    return this;
  }

  /** The next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /**
   * Fills `out` with the numbers `out.length` calls of `random()` would give (the same stream), with the state in
   * locals: dropout masks draw millions of them, and this is several times faster than a call per number.
   */
  fillRandom(out: Float64Array): Float64Array {
    const st = this.s;
    // int32 locals hold the same bits as the Uint32Array state; every step below is bitwise.
    let s0 = st[0] | 0;
    let s1 = st[1] | 0;
    let s2 = st[2] | 0;
    let s3 = st[3] | 0;
    for (let i = 0; i < out.length; i++) {
      let r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      let t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      const hi = r >>> 5;
      r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
      t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl(s3, 11);
      out[i] = (hi * 67108864 + (r >>> 6)) / 9007199254740992;
    }
    st[0] = s0;
    st[1] = s1;
    st[2] = s2;
    st[3] = s3;
    return out;
  }

  /** Uniform in [0, 1) with 24 random bits: never rounds up to 1 when stored as float32. */
  random24(): number {
    return (this.nextUint32() >>> 8) / 16777216;
  }

  /** A standard normal sample (Box–Muller, the second value of each pair kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    const u1 = 1 - this.random();
    const u2 = this.random();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

const rotl = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;

/** The generator random functions use when none is passed. */
export const defaultGenerator = new Generator();

/**
 * Seeds the default generator, making every random function reproducible from here on.
 *
 * @example
 * tg.manualSeed(0);
 */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}

export interface RandomOptions extends CreationOptions {
  generator?: Generator;
}

const RANDOM_OPTIONS = { ...CREATION_OPTIONS, generator: is.instance(Generator, "Generator") };
const RANDINT = signature("randint", {
  low: required(is.int),
  high: required(is.int),
  size: required(is.ints),
  generator: kw(is.instance(Generator, "Generator") as ArgType<Generator | undefined>, undefined),
  dtype: kw(CREATION_OPTIONS.dtype as ArgType<DType | undefined>, undefined),
  requiresGrad: kw(is.boolean as ArgType<boolean | undefined>, undefined),
  device: kw(is.string as ArgType<CreationOptions["device"] | undefined>, undefined),
});

function floatDType(options: RandomOptions, op: string): DType {
  const dtype = options.dtype ?? "float32";
  if (!isFloating(dtype)) throw new DTypeError(`${op}: expected a floating point dtype, got ${dtype}`);
  return dtype;
}

// Samples are drawn on the host and uploaded, so a seed gives the same numbers on every device.
function sample(shape: readonly number[], dtype: DType, draw: () => number, options: RandomOptions, fn: string): Tensor {
  const s = checkShape(shape, fn);
  const data = typedArrayFor(dtype, numel(s));
  for (let i = 0; i < data.length; i++) data[i] = draw();
  return fromTyped(data, s, options, fn);
}

/**
 * Uniform samples in [0, 1).
 *
 * @example
 * tg.manualSeed(0); tg.rand([2, 3]);
 */
export function rand(...args: SizeArgs<RandomOptions>): Tensor {
  const { shape, options } = readSize<RandomOptions>("rand", args, RANDOM_OPTIONS);
  const g = options.generator ?? defaultGenerator;
  const dtype = floatDType(options, "rand");
  return sample(shape, dtype, dtype === "float32" ? () => g.random24() : () => g.random(), options, "rand");
}

/** Standard normal samples. @example tg.randn([4]); tg.randn(2, 3) */
export function randn(...args: SizeArgs<RandomOptions>): Tensor {
  const { shape, options } = readSize<RandomOptions>("randn", args, RANDOM_OPTIONS);
  const g = options.generator ?? defaultGenerator;
  return sample(shape, floatDType(options, "randn"), () => g.normal(), options, "randn");
}

/**
 * Random integers in [low, high), `int32` by default.
 *
 * @example
 * tg.randint(0, 10, [5]);
 */
export function randint(low: number, high: number, shape: readonly number[], options?: RandomOptions): Tensor;
export function randint(high: number, shape: readonly number[], options?: RandomOptions): Tensor;
export function randint(...args: unknown[]): Tensor {
  // PyTorch's randint(high, size) starts at 0.
  const list = Array.isArray(args[1]) ? [0, ...args] : args;
  const { low, high, size: shape, ...options } = RANDINT.parse(list);
  if (!(Number.isInteger(low) && Number.isInteger(high)) || high <= low) {
    throw new ValueError(`randint: expected integers low < high, got low=${low}, high=${high}`);
  }
  const g = options.generator ?? defaultGenerator;
  return sample(shape, options.dtype ?? "int32", () => low + Math.floor(g.random() * (high - low)), options, "randint");
}

/** A random permutation of 0..n-1 (int32). @example tg.randperm(5) */
export function randperm(n: number, options: RandomOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new ValueError(`randperm: n must be a non-negative integer, got ${n}`);
  const g = options.generator ?? defaultGenerator;
  const data = typedArrayFor(options.dtype ?? "int32", n);
  for (let i = 0; i < n; i++) data[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    const t = data[i];
    data[i] = data[j];
    data[j] = t;
  }
  return fromTyped(data, [n], options, "randperm");
}

/**
 * Normal samples with the given mean and standard deviation: numbers with a `shape`, or tensors (the
 * result has their broadcast shape). Samples do not carry gradients back to `mean` or `std`.
 *
 * @example
 * tg.normal(0, 0.02, [3, 3]);
 */
export function normal(mean: number | Tensor, std: number | Tensor, shape?: readonly number[], options: RandomOptions = {}): Tensor {
  return noGrad(() => {
    const shapes = [mean, std].filter((x): x is Tensor => typeof x !== "number").map((t) => t.shape);
    const outShape = shape ?? broadcastShapes("normal", ...shapes);
    if (typeof std === "number" && std < 0) throw new ValueError(`normal: std must be >= 0, got ${std}`);
    // A check of values on the host: skipped where the tensor is only read asynchronously (as PyTorch's CUDA does not check).
    if (typeof std !== "number" && !std._backend.asyncOnly && std.numel() > 0 && std.amin().item() < 0) {
      throw new ValueError(`normal: expects all elements of std >= 0, got ${std.amin().item()}`);
    }
    const dtype = options.dtype ?? (typeof mean !== "number" ? mean.dtype : typeof std !== "number" ? std.dtype : "float32");
    // Tensor arguments decide the device when no option does (PyTorch samples on mean's device).
    const like = typeof mean !== "number" ? mean : typeof std !== "number" ? std : null;
    const device = options.device ?? like?._backend.device;
    const z = randn(outShape, { ...options, dtype, device, requiresGrad: false });
    const out = z.mul(std).add(mean);
    if (options.requiresGrad) out.requiresGrad_(true);
    return out;
  });
}

/**
 * 1 with probability `p`, else 0, elementwise; `p` is a tensor of probabilities (or a number with a shape).
 *
 * @example
 * tg.bernoulli(tg.full([4], 0.5));
 */
export function bernoulli(p: Tensor | number, shape?: readonly number[], options: RandomOptions = {}): Tensor {
  const g = options.generator ?? defaultGenerator;
  if (typeof p === "number") {
    if (!(p >= 0 && p <= 1)) throw new ValueError(`bernoulli: p must be in [0, 1], got ${p}`);
    const s = checkShape(shape ?? [], "bernoulli");
    const u = g.fillRandom(new Float64Array(numel(s)));
    const data = typedArrayFor(options.dtype ?? "float32", u.length);
    for (let i = 0; i < u.length; i++) data[i] = u[i] < p ? 1 : 0;
    return fromTyped(data, s, options, "bernoulli");
  }
  const opts: RandomOptions = { device: p._backend.device, ...options };
  if (p._backend.asyncOnly) return bernoulliOnDevice(p, g, opts);
  const probs = p.toArray();
  let i = 0;
  return sample(
    p.shape,
    options.dtype ?? p.dtype,
    () => {
      const q = probs[i++];
      if (!(q >= 0 && q <= 1)) throw new ValueError(`bernoulli: probabilities must be in [0, 1], got ${q}`);
      return g.random() < q ? 1 : 0;
    },
    opts,
    "bernoulli",
  );
}

/**
 * `bernoulli` of probabilities that cannot be read on the host: the same uniform draws, compared on the device. Each
 * draw u is rounded down to float32, which keeps `u < q` for every float32 q (the probabilities' range is not checked).
 */
function bernoulliOnDevice(p: Tensor, g: Generator, options: RandomOptions): Tensor {
  if (!isFloating(p.dtype)) throw new DTypeError(`bernoulli: expected floating point probabilities, got ${p.dtype}`);
  const n = p.numel();
  const u = p.dtype === "float64" ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const v = g.random();
    const f = p.dtype === "float64" ? v : Math.fround(v);
    u[i] = f > v ? prevFloat32(f) : f;
  }
  const draws = fromTyped(u, p.shape, { device: options.device }, "bernoulli");
  const out = draws.lt(p.detach()).to(options.dtype ?? p.dtype);
  if (options.requiresGrad) out.requiresGrad_(true);
  return out;
}

/** The float32 just below the positive float32 `f`. */
function prevFloat32(f: number): number {
  const bits = new Float32Array([f]);
  const u = new Uint32Array(bits.buffer);
  u[0] -= 1;
  return bits[0];
}

/** Uniform samples in [0, 1) shaped like `x`. */
export function randLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return rand(x.shape, { dtype: x.dtype, device: x._backend.device, ...options });
}

/** Standard normal samples shaped like `x`. */
export function randnLike(x: Tensor, options: RandomOptions = {}): Tensor {
  return randn(x.shape, { dtype: x.dtype, device: x._backend.device, ...options });
}

/** @internal U(from, to) samples shaped and typed like `x` (for `uniform_`). */
export function uniformLike(x: Tensor, from: number, to: number, generator?: Generator): Tensor {
  const g = generator ?? defaultGenerator;
  const dtype = isFloating(x.dtype) ? x.dtype : "float64";
  const draw = dtype === "float32" ? () => from + (to - from) * g.random24() : () => from + (to - from) * g.random();
  return sample(x.shape, dtype, draw, { device: x._backend.device }, "uniform_");
}

/** @internal N(mean, std²) samples shaped and typed like `x` (for `normal_`). */
export function normalLike(x: Tensor, mean: number, std: number, generator?: Generator): Tensor {
  const g = generator ?? defaultGenerator;
  return sample(
    x.shape,
    isFloating(x.dtype) ? x.dtype : "float64",
    () => mean + std * g.normal(),
    { device: x._backend.device },
    "normal_",
  );
}
