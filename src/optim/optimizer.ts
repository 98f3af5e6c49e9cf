import { arg, is, signature } from "../args.js";
import { installCallForms } from "../arity.js";
import { enableGrad, noGrad } from "../autograd/grad_mode.js";
import { ArgumentError, ValueError } from "../errors.js";
import { clearSparseGrad, type SparseGrad, sparseGrad } from "../nn/sparse_grad.js";
import { fmt } from "../shape.js";
import { Tensor } from "../tensor/tensor.js";

/** Per-parameter state: tensors (momentum buffers...) and numbers (step counts). */
export type ParamState = Record<string, Tensor | number>;

/** A group of parameters with its own hyperparameters (PyTorch's `param_groups` entries). */
export type ParamGroup<O> = O & { params: Tensor[] };

/** What a constructor accepts: parameters, or groups whose options override the defaults. */
export type ParamsInput<O> = Iterable<Tensor> | readonly (Partial<O> & { params: Iterable<Tensor> })[];

/** A serializable snapshot: state by parameter index, and the groups with parameter indices. */
export interface OptimizerStateDict<O> {
  state: Record<number, ParamState>;
  paramGroups: (O & { params: number[] })[];
}

/**
 * The base of every optimizer, as `torch.optim.Optimizer`: parameter groups with their own options,
 * per-parameter state, `zeroGrad`, and state dicts so training resumes exactly. Subclasses implement
 * `update(param, grad, state, group)`, the rule for one parameter, and `updateSparse` where they take the row-sparse
 * gradients of `sparse: true` embeddings (SGD, Adagrad, SparseAdam); the others throw on them, as in PyTorch.
 *
 * @example
 * class SignSGD extends tg.optim.Optimizer<{ lr: number }> {
 *   constructor(params: Iterable<tg.Tensor>, lr = 0.01) { super(params, { lr }); }
 *   protected override update(p: tg.Tensor, g: tg.Tensor, _s: tg.optim.ParamState, group: { lr: number }) {
 *     p.sub_(g.sign(), group.lr);
 *   }
 * }
 */
export abstract class Optimizer<O extends { lr: number }> {
  readonly defaults: O;
  readonly paramGroups: ParamGroup<O>[] = [];
  /** State per parameter, created on its first step. */
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: ParamsInput<O>, defaults: O) {
    this.defaults = defaults;
    if (params instanceof Tensor) {
      throw new ValueError(`${new.target.name}: params must be an iterable of tensors or parameter groups, got a single tensor`);
    }
    const list = [...(params as Iterable<unknown>)];
    if (list.length === 0) throw new ValueError(`${new.target.name}: got an empty parameter list`);
    type GroupInput = Partial<O> & { params: Iterable<Tensor> };
    const groups = list[0] instanceof Tensor ? [{ params: list as Tensor[] } as unknown as GroupInput] : (list as GroupInput[]);
    for (const g of groups) this.addParamGroup(g);
  }

  /** Adds a group of parameters; options it leaves out take the optimizer's defaults. */
  addParamGroup(group: Partial<O> & { params: Iterable<Tensor> }): void {
    const name = this.constructor.name;
    for (const key of Object.keys(group)) {
      if (key !== "params" && !(key in this.defaults)) {
        const known = ["params", ...Object.keys(this.defaults)].join(", ");
        throw new ArgumentError(name, key, known, `${name}: unknown option "${key}" in a parameter group; the options are ${known}`);
      }
    }
    const params = [...group.params];
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new ValueError(`${this.constructor.name}: parameters must be tensors`);
      if (!p.isLeaf) throw new ValueError(`${this.constructor.name}: can't optimize a non-leaf tensor`);
      if (seen.has(p)) throw new ValueError(`${this.constructor.name}: some parameters appear in more than one parameter group`);
      seen.add(p);
    }
    this.paramGroups.push({ ...this.defaults, ...group, params });
  }

  /**
   * Clears the gradients of every parameter: to null by default (PyTorch 2's `zero_grad(set_to_none=True)`; sparse
   * ones are dropped), to zeros with `zeroGrad(false)` or `zeroGrad({ setToNone: false })`.
   */
  zeroGrad(...args: [] | [setToNone: boolean] | [options: { setToNone?: boolean }]): void {
    const { setToNone } = ZERO_GRAD.parse(args);
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        clearSparseGrad(p);
        if (!p.grad) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => p.grad?.zero_());
      }
    }
  }

  /**
   * Updates every parameter that has a gradient. With `closure` (which re-evaluates the model and returns
   * the loss), the loss is computed first and returned.
   */
  step(closure?: () => number): number | undefined {
    // The closure runs a forward and backward pass, so it gets grad mode even when `step` is called under noGrad.
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      this.checkSparse();
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          const sparse = sparseGrad(p);
          if (!p.grad && !sparse) continue;
          let state = this.state.get(p);
          if (!state) {
            state = {};
            this.state.set(p, state);
          }
          // A sparse gradient alone takes the sparse rule; with a dense one too, their sum is dense (as PyTorch's
          // AccumulateGrad makes dense + sparse).
          if (!p.grad && sparse && this.updateSparse) this.updateSparse(p, sparse, state, group);
          else this.update(p, sparse ? (p.grad as Tensor).add(sparse.toDense()) : (p.grad as Tensor), state, group);
        }
      }
    });
    return loss;
  }

  /** Throws before any update when a parameter has only a sparse gradient and this optimizer has no rule for one. */
  private checkSparse(): void {
    if (this.updateSparse) return;
    const name = this.constructor.name;
    this.paramGroups.forEach((group, gi) => {
      group.params.forEach((p, k) => {
        if (p.grad || !sparseGrad(p)) return;
        throw new ValueError(
          `${name} does not support sparse gradients: parameter ${k} of group ${gi} (shape ${fmt(p.shape)}) has one, ` +
            "from a sparse: true nn.Embedding; train it with SGD, Adagrad or SparseAdam, or make the embedding dense",
        );
      });
    });
  }

  /** The update rule for one parameter; runs under `noGrad` and changes `param` in place. */
  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, group: ParamGroup<O>): void;

  /**
   * The rule for a row-sparse gradient (`tg.nn.utils.sparseGrad(param)`, when `.grad` is null), for optimizers that
   * take them; without it, `step` throws on such a parameter.
   */
  protected updateSparse?(param: Tensor, grad: SparseGrad, state: ParamState, group: ParamGroup<O>): void;

  /** A snapshot of hyperparameters and state; tensors are cloned so later steps don't change it. */
  stateDict(): OptimizerStateDict<O> {
    const index = new Map<Tensor, number>();
    const paramGroups = this.paramGroups.map((g) => {
      const ids = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p) as number;
      });
      return { ...copyOptions(g), params: ids };
    });
    const state: Record<number, ParamState> = {};
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i === undefined) continue;
      state[i] = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? v.clone() : v]));
    }
    return { state, paramGroups };
  }

  /** Restores hyperparameters and state saved by `stateDict` (the groups must hold the same number of parameters). */
  loadStateDict(sd: OptimizerStateDict<O>): void {
    if (sd.paramGroups.length !== this.paramGroups.length) {
      throw new ValueError(
        `loadStateDict: the state dict has ${sd.paramGroups.length} parameter groups, the optimizer has ${this.paramGroups.length}`,
      );
    }
    const byIndex = new Map<number, Tensor>();
    sd.paramGroups.forEach((saved, gi) => {
      const group = this.paramGroups[gi];
      if (saved.params.length !== group.params.length) {
        throw new ValueError(
          `loadStateDict: parameter group ${gi} has ${saved.params.length} parameters in the state dict but ${group.params.length} here`,
        );
      }
      saved.params.forEach((id, k) => {
        byIndex.set(id, group.params[k]);
      });
      const { params: _ids, ...options } = saved;
      Object.assign(group, copyOptions(options));
    });
    this.state.clear();
    for (const [id, s] of Object.entries(sd.state)) {
      const p = byIndex.get(Number(id));
      if (!p) continue;
      // State tensors follow the parameter's dtype and device, as PyTorch casts and moves them on load.
      const restored = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v instanceof Tensor ? stateLike(v, p) : v]));
      this.state.set(p, restored);
    }
  }
}

/** A copy of a saved state tensor in the parameter's dtype (0-dim ones keep theirs) and on its device. */
function stateLike(v: Tensor, p: Tensor): Tensor {
  const cast = v.dtype === p.dtype || v.ndim === 0 ? v.clone() : v.to(p.dtype);
  return cast.device === p.device ? cast : cast.to(p.device);
}

/** A copy of a group's options whose arrays (`betas`...) are not shared with the original. */
function copyOptions<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])) as T;
}

const ZERO_GRAD = signature("zeroGrad", { setToNone: arg(is.boolean, true) });

// The optimizer's methods refuse an extra positional argument (src/arity.ts): `opt.step(closure, 1)` throws.
// zeroGrad reads a Signature itself; subclasses that override a method install its form too (LBFGS).
installCallForms(Optimizer.prototype, { addParamGroup: "paramGroup", step: "closure", stateDict: "", loadStateDict: "stateDict" });
