import { withCallForms } from "../arity.js";
import * as I from "./init.js";

// tg.nn.init as exported: each function refuses an extra positional argument or an unknown option with an
// ArgumentError (src/arity.ts), instead of ignoring it. The library's own layers import ./init.js directly.
// kaimingUniform_/kaimingNormal_ take `a`, `mode` and `nonlinearity` by name only: `kaimingUniform_(w, 0.1)` throws.

export type { FanMode, KaimingOptions, Nonlinearity } from "./init.js";

const KAIMING = "tensor; a, mode, nonlinearity, generator";

export const {
  calculateFans,
  calculateGain,
  constant_,
  eye_,
  kaimingNormal_,
  kaimingUniform_,
  normal_,
  ones_,
  orthogonal_,
  uniform_,
  xavierNormal_,
  xavierUniform_,
  zeros_,
} = withCallForms(I, {
  calculateFans: "tensor",
  calculateGain: "nonlinearity, param",
  constant_: "tensor, val",
  eye_: "tensor",
  kaimingNormal_: KAIMING,
  kaimingUniform_: KAIMING,
  normal_: "tensor, mean, std, generator",
  ones_: "tensor",
  orthogonal_: "tensor, gain, generator",
  uniform_: "tensor, a, b, generator",
  xavierNormal_: "tensor, gain, generator",
  xavierUniform_: "tensor, gain, generator",
  zeros_: "tensor",
});
