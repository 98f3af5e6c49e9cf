import { type Args, arg, is, required, signature } from "../args.js";
import { Generator } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import * as I from "./init.js";
import * as X from "./init_extra.js";

// tg.nn.init as exported: each function reads PyTorch's positional forms or an options object through the shared
// reader (src/args.ts), so `kaimingUniform_(w, Math.sqrt(5), "fan_in", "leaky_relu")` means what it means in PyTorch
// and an extra argument or an unknown option throws an ArgumentError. `generator` comes last, as in PyTorch 2.
// The library's own layers import ./init.js directly.

export type { FanMode, KaimingOptions, Nonlinearity } from "./init.js";

const NONLINEARITIES = ["linear", "conv1d", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu", "selu"] as const;
const nonlinearity = is.oneOf(...NONLINEARITIES);
/** PyTorch's spelling ("fan_in") or tensorgrad's ("fanIn"). */
const mode = is.oneOf("fan_in", "fan_out", "fanIn", "fanOut");
const generator = is.nullable(is.instance(Generator, "Generator"));
const tensorArg = required(is.tensor);

const asMode = (m: Mode): I.FanMode => (m === "fan_in" || m === "fanIn" ? "fanIn" : "fanOut");
const gen = (g: Generator | null): Generator | undefined => g ?? undefined;

const GAIN = signature("calculateGain", { nonlinearity: required(nonlinearity), param: arg(is.nullable(is.number), null) });
const FANS = signature("calculateFans", { tensor: tensorArg });
const ONE = (fn: string) => signature(fn, { tensor: tensorArg });
const CONSTANT = signature("constant_", { tensor: tensorArg, val: required(is.number) });
const UNIFORM = signature("uniform_", { tensor: tensorArg, a: arg(is.number, 0), b: arg(is.number, 1), generator: arg(generator, null) });
const NORMAL = signature("normal_", {
  tensor: tensorArg,
  mean: arg(is.number, 0),
  std: arg(is.number, 1),
  generator: arg(generator, null),
});
const GAINED = (fn: string) => signature(fn, { tensor: tensorArg, gain: arg(is.number, 1), generator: arg(generator, null) });
const KAIMING = (fn: string) =>
  signature(fn, {
    tensor: tensorArg,
    a: arg(is.number, 0),
    mode: arg(mode, "fan_in"),
    nonlinearity: arg(nonlinearity, "leaky_relu"),
    generator: arg(generator, null),
  });
const TRUNC = signature("truncNormal_", {
  tensor: tensorArg,
  mean: arg(is.number, 0),
  std: arg(is.number, 1),
  a: arg(is.number, -2),
  b: arg(is.number, 2),
  generator: arg(generator, null),
});
const DIRAC = signature("dirac_", { tensor: tensorArg, groups: arg(is.posInt, 1) });
const SPARSE = signature("sparse_", {
  tensor: tensorArg,
  sparsity: required(is.numberWhere("a number in [0, 1]", (v) => v >= 0 && v <= 1)),
  std: arg(is.number, 0.01),
  generator: arg(generator, null),
});
const ZEROS = ONE("zeros_");
const ONES = ONE("ones_");
const EYE = ONE("eye_");
const XAVIER_U = GAINED("xavierUniform_");
const XAVIER_N = GAINED("xavierNormal_");
const ORTHO = GAINED("orthogonal_");
const KAIMING_U = KAIMING("kaimingUniform_");
const KAIMING_N = KAIMING("kaimingNormal_");

type G = { generator?: Generator | null };
type Mode = "fan_in" | "fan_out" | I.FanMode;
type KaimingOpts = { tensor?: Tensor; a?: number; mode?: Mode; nonlinearity?: I.Nonlinearity } & G;
type KaimingArgs = Args<[tensor: Tensor, a: number, mode: Mode, nonlinearity: I.Nonlinearity, generator: Generator | null], KaimingOpts>;

/** The recommended gain for a nonlinearity (torch.nn.init.calculate_gain(nonlinearity, param=None)). */
export function calculateGain(
  ...args: Args<[nonlinearity: I.Nonlinearity, param: number | null], { nonlinearity?: I.Nonlinearity; param?: number | null }>
): number {
  const a = GAIN.parse(args);
  return I.calculateGain(a.nonlinearity, a.param ?? undefined);
}

/** fan_in and fan_out of a weight [out, in, ...kernel]: (in·k, out·k). */
export function calculateFans(...args: Args<[tensor: Tensor], { tensor?: Tensor }>): { fanIn: number; fanOut: number } {
  return I.calculateFans(FANS.parse(args).tensor);
}

/** Fills `tensor` with `val` (torch.nn.init.constant_(tensor, val)). */
export function constant_(...args: Args<[tensor: Tensor, val: number], { tensor?: Tensor; val?: number }>): Tensor {
  const a = CONSTANT.parse(args);
  return I.constant_(a.tensor, a.val);
}

/** Fills `tensor` with zeros. */
export function zeros_(...args: Args<[tensor: Tensor], { tensor?: Tensor }>): Tensor {
  return I.zeros_(ZEROS.parse(args).tensor);
}

/** Fills `tensor` with ones. */
export function ones_(...args: Args<[tensor: Tensor], { tensor?: Tensor }>): Tensor {
  return I.ones_(ONES.parse(args).tensor);
}

/** The identity matrix (2-D tensors). */
export function eye_(...args: Args<[tensor: Tensor], { tensor?: Tensor }>): Tensor {
  return I.eye_(EYE.parse(args).tensor);
}

/** Fills with U(a, b) (torch.nn.init.uniform_(tensor, a=0, b=1, generator=None)). */
export function uniform_(
  ...args: Args<[tensor: Tensor, a: number, b: number, generator: Generator | null], { tensor?: Tensor; a?: number; b?: number } & G>
): Tensor {
  const p = UNIFORM.parse(args);
  return I.uniform_(p.tensor, p.a, p.b, gen(p.generator));
}

/** Fills with N(mean, std²) (torch.nn.init.normal_(tensor, mean=0, std=1, generator=None)). */
export function normal_(
  ...args: Args<
    [tensor: Tensor, mean: number, std: number, generator: Generator | null],
    { tensor?: Tensor; mean?: number; std?: number } & G
  >
): Tensor {
  const p = NORMAL.parse(args);
  return I.normal_(p.tensor, p.mean, p.std, gen(p.generator));
}

type Gained = Args<[tensor: Tensor, gain: number, generator: Generator | null], { tensor?: Tensor; gain?: number } & G>;

/** U(−a, a) with a = gain·√(6 / (fan_in + fan_out)) (torch.nn.init.xavier_uniform_(tensor, gain=1)). */
export function xavierUniform_(...args: Gained): Tensor {
  const p = XAVIER_U.parse(args);
  return I.xavierUniform_(p.tensor, p.gain, gen(p.generator));
}

/** N(0, std²) with std = gain·√(2 / (fan_in + fan_out)) (torch.nn.init.xavier_normal_(tensor, gain=1)). */
export function xavierNormal_(...args: Gained): Tensor {
  const p = XAVIER_N.parse(args);
  return I.xavierNormal_(p.tensor, p.gain, gen(p.generator));
}

/** A (semi-)orthogonal matrix times `gain` (torch.nn.init.orthogonal_(tensor, gain=1)). */
export function orthogonal_(...args: Gained): Tensor {
  const p = ORTHO.parse(args);
  return I.orthogonal_(p.tensor, p.gain, gen(p.generator));
}

const kaiming = (p: ReturnType<typeof KAIMING_U.parse>): I.KaimingOptions => ({
  a: p.a,
  mode: asMode(p.mode),
  nonlinearity: p.nonlinearity,
  generator: gen(p.generator),
});

/**
 * U(−b, b) with b = gain·√(3 / fan) (He et al. 2015), as torch.nn.init.kaiming_uniform_(tensor, a=0,
 * mode='fan_in', nonlinearity='leaky_relu'); `mode` is "fan_in" | "fan_out" (or "fanIn" | "fanOut").
 *
 * @example
 * tg.nn.init.kaimingUniform_(w, Math.sqrt(5)); // what nn.Linear does
 */
export function kaimingUniform_(...args: KaimingArgs): Tensor {
  const p = KAIMING_U.parse(args);
  return I.kaimingUniform_(p.tensor, kaiming(p));
}

/** N(0, std²) with std = gain / √fan (torch.nn.init.kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu')). */
export function kaimingNormal_(...args: KaimingArgs): Tensor {
  const p = KAIMING_N.parse(args);
  return I.kaimingNormal_(p.tensor, kaiming(p));
}

/**
 * N(mean, std²) truncated to [a, b] (torch.nn.init.trunc_normal_(tensor, mean=0, std=1, a=-2, b=2)).
 *
 * @example
 * tg.nn.init.truncNormal_(w, 0, 0.02); // ViT's initialization
 */
export function truncNormal_(
  ...args: Args<
    [tensor: Tensor, mean: number, std: number, a: number, b: number, generator: Generator | null],
    { tensor?: Tensor; mean?: number; std?: number; a?: number; b?: number } & G
  >
): Tensor {
  const p = TRUNC.parse(args);
  return X.truncNormal_(p.tensor, p.mean, p.std, p.a, p.b, gen(p.generator));
}

/** The Dirac delta in a 3-, 4- or 5-D convolution weight (torch.nn.init.dirac_(tensor, groups=1)). */
export function dirac_(...args: Args<[tensor: Tensor, groups: number], { tensor?: Tensor; groups?: number }>): Tensor {
  const p = DIRAC.parse(args);
  return X.dirac_(p.tensor, p.groups);
}

/** N(0, std²) with ceil(sparsity · rows) zeros per column (torch.nn.init.sparse_(tensor, sparsity, std=0.01)). */
export function sparse_(
  ...args: Args<
    [tensor: Tensor, sparsity: number, std: number, generator: Generator | null],
    { tensor?: Tensor; sparsity?: number; std?: number } & G
  >
): Tensor {
  const p = SPARSE.parse(args);
  return X.sparse_(p.tensor, p.sparsity, p.std, gen(p.generator));
}
