/**
 * Checks an optimizer state dict read from a file against the optimizer it is about to load into, field by field, so
 * that a misspelled or missing state key, a tensor of the wrong shape or an option of the wrong type is refused by name
 * at load time instead of crashing inside `step()` later.
 */

import { className } from "../class_names.js";
import { ValueError } from "../errors.js";
import type { Optimizer, OptimizerStateDict } from "../optim/optimizer.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * Per-parameter state keys of the built-in optimizers: those always present once a step ran, and the optional ones;
 * `numbers` are the keys that hold a number rather than a tensor (besides `step`).
 */
const STATE_KEYS: Record<string, { required: string[]; optional: string[]; numbers?: string[] }> = {
  SGD: { required: [], optional: ["momentumBuffer"] },
  Adam: { required: ["step", "expAvg", "expAvgSq"], optional: ["maxExpAvgSq"] },
  AdamW: { required: ["step", "expAvg", "expAvgSq"], optional: ["maxExpAvgSq"] },
  SparseAdam: { required: ["step", "expAvg", "expAvgSq"], optional: [] },
  RMSprop: { required: ["step", "squareAvg"], optional: ["momentumBuffer", "gradAvg"] },
  Adagrad: { required: ["step", "sum"], optional: [] },
  Adadelta: { required: ["step", "squareAvg", "accDelta"], optional: [] },
  Adamax: { required: ["step", "expAvg", "expInf"], optional: [] },
  NAdam: { required: ["step", "muProduct", "expAvg", "expAvgSq"], optional: [], numbers: ["muProduct"] },
  RAdam: { required: ["step", "expAvg", "expAvgSq"], optional: [] },
  Rprop: { required: ["step", "prev", "stepSize"], optional: [] },
  ASGD: { required: ["step", "eta", "mu", "ax"], optional: [], numbers: ["eta", "mu"] },
  LBFGS: {
    required: ["funcEvals", "nIter"],
    optional: ["d", "t", "hDiag", "prevFlatGrad", "prevLoss", "oldDirs", "oldStps"],
    numbers: ["funcEvals", "nIter", "t", "hDiag", "prevLoss"],
  },
};

/** LBFGS's state tensors span all parameters as one flat vector: [n] (d, prevFlatGrad) or [history, n] (oldDirs...). */
const FLAT_STATE: Record<string, number> = { d: 1, prevFlatGrad: 1, oldDirs: 2, oldStps: 2 };

const shapeOf = (t: Tensor): string => `[${t.shape.join(", ")}]`;

/**
 * Throws a `ValueError` naming the field where `sd` does not fit `optimizer`: parameter-group options that the optimizer
 * lacks or of another type, state keys other than the optimizer's, missing ones, state tensors whose shape is not their
 * parameter's, and steps that are not non-negative integers.
 */
export function checkOptimizerState(optimizer: Optimizer<{ lr: number }>, sd: OptimizerStateDict<{ lr: number }>, fn: string): void {
  const bad = (what: string): never => {
    throw new ValueError(`${fn}: the optimizer state does not fit ${className(optimizer)}: ${what}`);
  };
  const params = new Map<number, Tensor>();
  sd.paramGroups.forEach((saved, gi) => {
    const group = optimizer.paramGroups[gi] as unknown as Record<string, unknown> | undefined;
    if (!group) return; // the optimizer's own check names the count
    for (const [key, value] of Object.entries(saved)) {
      if (key === "params") continue;
      if (!Object.hasOwn(group, key)) bad(`parameter group ${gi} has an unknown option "${key}"`);
      const mine = group[key];
      const ok =
        typeof mine === "number"
          ? typeof value === "number" && (Number.isFinite(value) || !Number.isFinite(mine))
          : Array.isArray(mine)
            ? Array.isArray(value) && value.length === mine.length && value.every((v) => typeof v === "number" && Number.isFinite(v))
            : typeof value === typeof mine || mine === undefined || mine === null;
      if (!ok)
        bad(
          `parameter group ${gi}'s option "${key}" is ${JSON.stringify(value)}, not a ${Array.isArray(mine) ? `list of ${mine.length} numbers` : typeof mine}`,
        );
    }
    if (typeof saved.lr !== "number" || !(saved.lr >= 0)) bad(`parameter group ${gi}'s lr is ${JSON.stringify(saved.lr)}`);
    const own = optimizer.paramGroups[gi].params;
    saved.params.forEach((id, k) => {
      if (own[k]) params.set(id, own[k]);
    });
  });
  const keys = STATE_KEYS[className(optimizer)];
  const flat = className(optimizer) === "LBFGS" ? [...params.values()].reduce((n, p) => n + p.numel(), 0) : null;
  for (const [id, state] of Object.entries(sd.state)) {
    const param = params.get(Number(id));
    if (!param) bad(`state ${id} belongs to no parameter of the parameter groups`);
    const p = param as Tensor;
    for (const [key, value] of Object.entries(state)) {
      if (keys && !keys.required.includes(key) && !keys.optional.includes(key)) {
        bad(`state ${id} has an unknown key "${key}"; ${className(optimizer)} keeps ${[...keys.required, ...keys.optional].join(", ")}`);
      }
      if (key === "step" || key === "funcEvals" || key === "nIter") {
        if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
          bad(`state ${id}'s ${key} is ${value}, not a ${key === "step" ? "step " : ""}count`);
      } else if (keys?.numbers?.includes(key)) {
        if (typeof value !== "number") bad(`state ${id}'s "${key}" is not a number`);
      } else if (value instanceof Tensor && flat !== null && key in FLAT_STATE) {
        if (value.ndim !== FLAT_STATE[key] || value.shape[value.ndim - 1] !== flat) {
          bad(`state ${id}'s "${key}" has shape ${shapeOf(value)}, but the parameters hold ${flat} elements in all`);
        }
      } else if (value instanceof Tensor) {
        if (value.numel() !== p.numel() || value.ndim !== p.ndim || value.shape.some((s, i) => s !== p.shape[i])) {
          bad(`state ${id}'s "${key}" has shape ${shapeOf(value)}, but its parameter has shape ${shapeOf(p)}`);
        }
      } else if (keys) bad(`state ${id}'s "${key}" is not a tensor`);
    }
    for (const key of keys?.required ?? []) if (!Object.hasOwn(state, key)) bad(`state ${id} lacks "${key}"`);
  }
}
