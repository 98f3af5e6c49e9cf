import { AutogradError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { noGrad } from "./grad_mode.js";
import { type Node, record } from "./node.js";

/** The context a custom `Function`'s forward and backward share. Extra fields may be set on it freely. */
export class FunctionCtx {
  [key: string]: unknown;
  /** For each forward argument, whether it is a tensor that requires grad. */
  needsInputGrad: boolean[] = [];
  /** @internal */ _saved: Tensor[] = [];
  /** @internal */ _node: Node | null = null;

  /** Keeps tensors for backward; read them back with `savedTensors`. */
  saveForBackward(...tensors: Tensor[]): void {
    this._saved = tensors;
  }

  /** The saved tensors, checked against in-place changes made since forward. */
  get savedTensors(): Tensor[] {
    return this._node ? this._node.unpackSaved().slice() : this._saved;
  }
}

type ForwardOf<C> = C extends { forward(ctx: FunctionCtx, ...args: infer A): infer R } ? [A, R] : never;

/**
 * A custom differentiable op, as `torch.autograd.Function`: subclass it with a static `forward(ctx, ...args)`
 * that computes the result (no graph is recorded inside) and a static `backward(ctx, ...grads)` that
 * returns one gradient (or null) per forward argument; call it with `apply`.
 *
 * @example
 * class Cube extends tg.autograd.Function {
 *   static override forward(ctx: tg.autograd.FunctionCtx, x: tg.Tensor) { ctx.saveForBackward(x); return x.pow(3); }
 *   static override backward(ctx: tg.autograd.FunctionCtx, g: tg.Tensor) { const [x] = ctx.savedTensors; return [g.mul(x.square()).mul(3)]; }
 * }
 * const y = Cube.apply(x);
 */
export class Function {
  static forward(_ctx: FunctionCtx, ..._args: unknown[]): Tensor | Tensor[] {
    throw new AutogradError(`${this.name}: a custom Function must define static forward(ctx, ...args)`);
  }

  static backward(_ctx: FunctionCtx, ..._grads: Tensor[]): readonly (Tensor | null | undefined)[] | Tensor {
    throw new AutogradError(`${this.name}: a custom Function must define static backward(ctx, ...grads)`);
  }

  /**
   * Runs forward without recording, and records one node whose backward is the class's `backward`. Works unbound, as
   * PyTorch's does: `const cube = Cube.apply; cube(x)`.
   */
  static apply<C extends typeof Function>(this: C, ...args: ForwardOf<C>[0]): ForwardOf<C>[1] {
    return applyFunction(this, args as unknown[]) as ForwardOf<C>[1];
  }
}

// `apply` read off a class is bound to that class, so `const f = MyFn.apply; f(x)` works (a static method would lose
// its `this`). The method above keeps the types; this accessor replaces it at run time.
Object.defineProperty(Function, "apply", {
  configurable: true,
  get(this: typeof Function) {
    return (...args: unknown[]) => applyFunction(this, args);
  },
});

/** The body of `Function.apply` for the class `cls`. */
function applyFunction(cls: typeof Function, list: unknown[]): Tensor | Tensor[] {
  const ctx = new FunctionCtx();
  ctx.needsInputGrad = list.map((a) => a instanceof Tensor && a.requiresGrad);
  const raw = noGrad(() => cls.forward(ctx, ...list));
  const outputs = (Array.isArray(raw) ? raw : [raw]).map((o) => {
    if (!(o instanceof Tensor)) throw new AutogradError(`${cls.name}.forward must return a tensor or an array of tensors`);
    // An input returned as is gets a fresh alias, so the graph node attaches to a new tensor.
    return list.includes(o) ? o.detach() : o;
  });
  const inputs = list.map((a) => (a instanceof Tensor ? a : null));
  const name = `${cls.name}Backward`;
  record(
    name,
    outputs,
    inputs,
    (grads) => {
      const result = cls.backward(ctx, ...grads);
      const arr = result instanceof Tensor ? [result] : [...result];
      if (arr.length < list.length) arr.push(...new Array(list.length - arr.length).fill(null));
      return arr.map((g, i) => (inputs[i] ? g : null));
    },
    ctx._saved,
  );
  ctx._node = outputs[0].gradFn;
  return Array.isArray(raw) ? outputs : outputs[0];
}
