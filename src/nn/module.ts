import { arg, is, signature } from "../args.js";
import { installCallForms } from "../arity.js";
import { noGrad } from "../autograd/grad_mode.js";
import type { DeviceType } from "../backend/backend.js";
import type { DType } from "../dtype.js";
import { ShapeError, ValueError } from "../errors.js";
import { zerosLike } from "../ops/creation.js";
import { fmt } from "../shape.js";
import { Tensor } from "../tensor/tensor.js";
import { type ModuleToOptions, moduleTo, moduleToAsync, parseModuleTo } from "./module_to.js";
import { Parameter } from "./parameter.js";
import { clearSparseGrad } from "./sparse_grad.js";

/** A model's weights and buffers by dotted name, as `stateDict()` returns and `loadStateDict()` takes. */
export type StateDict = Record<string, Tensor>;

export interface LoadResult {
  missingKeys: string[];
  unexpectedKeys: string[];
}

// A module instance is a function (so `model(x)` works like PyTorch's `model(x)`) whose prototype is the
// module's class. The interface merges that call signature into the class type.
export interface Module<In extends unknown[] = [Tensor], Out = Tensor> {
  // biome-ignore lint/style/useShorthandFunctionType: a type alias could not merge with the class below.
  (...args: In): Out;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/** Any module, whatever its forward's signature (for walking the module tree). */
export type AnyModule = Module<never, unknown>;

/**
 * The base of every layer and model, as `torch.nn.Module`. Assign parameters (`Parameter`), child modules
 * (or arrays of them) to fields and they are found by `parameters()`, `namedParameters()`, `stateDict()`
 * in assignment order; register non-learnable state with `registerBuffer`. Call a module like a function:
 * `model(x)` runs `model.forward(x)`.
 *
 * @example
 * class MLP extends tg.nn.Module {
 *   fc1 = new tg.nn.Linear(2, 8);
 *   fc2 = new tg.nn.Linear(8, 1);
 *   forward(x: tg.Tensor) { return this.fc2(this.fc1(x).relu()); }
 * }
 * const y = new MLP()(tg.randn([4, 2]));
 */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the merge with the interface above is intended.
export abstract class Module<In extends unknown[] = [Tensor], Out = Tensor> {
  // Declared, not initialized: initializers would run on the object the constructor discards.
  /** Whether the module is in training mode (Dropout and BatchNorm behave differently in eval mode). */
  declare training: boolean;
  /** @internal Names of fields registered as buffers, and which of them stay out of the state dict. */
  declare readonly _buffers: Map<string, { persistent: boolean }>;

  constructor() {
    const callable = ((...args: In): Out => (callable as unknown as Module<In, Out>).forward(...args)) as unknown as Module<In, Out>;
    // Functions own `name` and `length`; remove them so modules may use those names for their own fields.
    delete (callable as { name?: string }).name;
    delete (callable as { length?: number }).length;
    Object.setPrototypeOf(callable, new.target.prototype);
    Object.defineProperty(callable, "training", { value: true, writable: true, enumerable: false });
    Object.defineProperty(callable, "_buffers", { value: new Map(), enumerable: false });
    // biome-ignore lint/correctness/noConstructorReturn: returning the callable is how `model(x)` works.
    return callable;
  }

  /** The computation; `model(x)` calls it. */
  abstract forward(...args: In): Out;

  /** A short description of the module's settings, shown by `toString()` (as PyTorch's `extra_repr`). */
  extraRepr(): string {
    return "";
  }

  /** Adds a tensor that is state but not a parameter (BatchNorm's running mean, say) as the field `name`. */
  registerBuffer(name: string, tensor: Tensor | null, persistent = true): void {
    this._buffers.set(name, { persistent });
    (this as unknown as Record<string, unknown>)[name] = tensor;
  }

  /** Child modules by field name (an array of modules gives `name.0`, `name.1`, ...). */
  namedChildren(): [string, AnyModule][] {
    const out: [string, AnyModule][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([key, value]);
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        value.forEach((m, i) => {
          out.push([`${key}.${i}`, m]);
        });
      }
    }
    return out;
  }

  children(): AnyModule[] {
    return this.namedChildren().map(([, m]) => m);
  }

  /** This module and every descendant, with dotted names ("" for this one). */
  namedModules(prefix = ""): [string, AnyModule][] {
    const out: [string, AnyModule][] = [[prefix, this as unknown as AnyModule]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  modules(): AnyModule[] {
    return this.namedModules().map(([, m]) => m);
  }

  /** Parameters with dotted names (`layers.0.weight`), each once even when shared. */
  namedParameters(prefix = "", recurse = true): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    const modules = recurse ? this.namedModules(prefix) : [[prefix, this as unknown as AnyModule] as const];
    for (const [modName, mod] of modules) {
      for (const [key, value] of Object.entries(mod)) {
        if (value instanceof Parameter && !seen.has(value)) {
          seen.add(value);
          out.push([modName ? `${modName}.${key}` : key, value]);
        }
      }
    }
    return out;
  }

  parameters(recurse = true): Parameter[] {
    return this.namedParameters("", recurse).map(([, p]) => p);
  }

  /** Buffers with dotted names. */
  namedBuffers(prefix = ""): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [modName, mod] of this.namedModules(prefix)) {
      for (const name of mod._buffers.keys()) {
        const value = (mod as unknown as Record<string, unknown>)[name];
        if (value instanceof Tensor) out.push([modName ? `${modName}.${name}` : name, value]);
      }
    }
    return out;
  }

  buffers(): Tensor[] {
    return this.namedBuffers().map(([, b]) => b);
  }

  /** Sets training mode here and in every descendant. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }

  /** Evaluation mode: `train(false)`. */
  eval(): this {
    return this.train(false);
  }

  /**
   * Clears the gradients of all parameters: to null by default (PyTorch 2's `zero_grad(set_to_none=True)`), to zeros
   * with `zeroGrad(false)` or `zeroGrad({ setToNone: false })`.
   */
  zeroGrad(...args: [] | [setToNone: boolean] | [options: { setToNone?: boolean }]): void {
    const { setToNone } = MODULE_ZERO_GRAD.parse(args);
    for (const p of this.parameters()) {
      clearSparseGrad(p); // a sparse: true embedding's gradient, dropped as PyTorch drops a sparse .grad
      if (setToNone) p.grad = null;
      else if (p.grad) p.grad = zerosLike(p.grad); // not grad·0: that leaves NaN where the grad was ±Inf
    }
  }

  /** Calls `fn` on every descendant and then on this module (children first, like PyTorch). */
  apply(fn: (m: AnyModule) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this as unknown as AnyModule);
    return this;
  }

  /** Sets `requiresGrad` on every parameter (freeze with `false`). */
  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  /**
   * Casts every floating-point parameter and buffer to `dtype` (e.g. float64 for gradcheck) and/or moves every parameter
   * and buffer to `device`, as new Parameter objects (shared parameters stay shared; create optimizers after the move).
   * The way back from a device that is only read asynchronously is `await module.toAsync("cpu")`.
   *
   * @example
   * model.to("float64"); model.to("webgpu"); model.to({ device: "webgpu", dtype: "float32" });
   */
  to(dtype: DType): this;
  to(device: DeviceType, dtype?: DType): this;
  to(other: Tensor): this;
  to(options: ModuleToOptions): this;
  to(target: DType | DeviceType | Tensor | ModuleToOptions, dtype?: DType): this {
    moduleTo(this as unknown as AnyModule, parseModuleTo("Module.to", target, dtype));
    return this;
  }

  /** `to`, resolved once every tensor has been read: also moves off a device that is only read asynchronously. */
  async toAsync(target: DType | DeviceType | Tensor | ModuleToOptions, dtype?: DType): Promise<this> {
    await moduleToAsync(this as unknown as AnyModule, parseModuleTo("Module.toAsync", target, dtype));
    return this;
  }

  double(): this {
    return this.to("float64");
  }

  float(): this {
    return this.to("float32");
  }

  /**
   * The parameters and persistent buffers under PyTorch's state-dict keys: the dotted module path, then the field's
   * name in PyTorch's snake_case (`bn.running_mean`, `rnn.weight_ih_l0`); the tensors share memory with the module.
   */
  stateDict(): StateDict {
    const out: StateDict = {};
    for (const { key, tensor } of this.stateEntries()) out[key] = tensor.detach();
    return out;
  }

  /** @internal Each parameter and persistent buffer: its key, the camelCase key of files written before, the tensor. */
  stateEntries(): { key: string; legacyKey: string; tensor: Tensor }[] {
    const out: { key: string; legacyKey: string; tensor: Tensor }[] = [];
    for (const [modName, mod] of this.namedModules()) {
      const prefix = modName ? `${modName}.` : "";
      for (const [field, value] of Object.entries(mod)) {
        const persistentBuffer = mod._buffers.get(field)?.persistent === true;
        if (value instanceof Parameter || (value instanceof Tensor && persistentBuffer)) {
          out.push({ key: prefix + stateDictKey(field), legacyKey: prefix + field, tensor: value });
        }
      }
    }
    return out;
  }

  /**
   * Copies values from a state dict into this module's parameters and buffers. With `strict` (default),
   * missing or unexpected keys throw, naming them all; a shape mismatch always throws. Keys as this project
   * wrote them before they followed PyTorch (`bn.runningMean`) load too. A missing key that differs from an
   * unexpected one only in spelling (case, underscores) throws even with `strict: false`, naming both.
   */
  loadStateDict(state: StateDict, strictOrOptions: boolean | { strict?: boolean } = {}): LoadResult {
    // PyTorch's load_state_dict(state_dict, strict=True): strict positionally, or in an options object
    const options = typeof strictOrOptions === "boolean" ? { strict: strictOrOptions } : strictOrOptions;
    checkLoadOptions(options);
    const strict = options.strict ?? true;
    const name = this.constructor.name;
    const entries = this.stateEntries();
    const sources = new Map<string, string>(); // own key → the key it loads from
    for (const { key, legacyKey } of entries) {
      if (Object.hasOwn(state, key)) sources.set(key, key);
      else if (Object.hasOwn(state, legacyKey)) sources.set(key, legacyKey);
    }
    const used = new Set(sources.values());
    const missingKeys = entries.filter((e) => !sources.has(e.key)).map((e) => e.key);
    const unexpectedKeys = Object.keys(state).filter((k) => !used.has(k));
    const respelled = missingKeys.flatMap((m) =>
      unexpectedKeys.filter((u) => spelling(u) === spelling(m)).map((u) => `"${u}" (did you mean "${m}"?)`),
    );
    if (respelled.length) {
      throw new ValueError(
        `loadStateDict for ${name}: the state dict has ${respelled.join(", ")}; keys that differ only in spelling are never skipped, rename them`,
      );
    }
    const mismatched = entries
      .filter((e) => sources.has(e.key))
      .map((e) => ({ e, t: state[sources.get(e.key) as string] }))
      .filter(({ e, t }) => t.ndim !== e.tensor.ndim || t.shape.some((s, i) => s !== e.tensor.shape[i]))
      .map(({ e, t }) => `${e.key}: checkpoint has shape ${fmt(t.shape)}, model has ${fmt(e.tensor.shape)}`);
    const problems: string[] = [];
    if (strict && missingKeys.length) problems.push(`missing keys: ${missingKeys.join(", ")}`);
    if (strict && unexpectedKeys.length) problems.push(`unexpected keys: ${unexpectedKeys.join(", ")}`);
    if (mismatched.length) problems.push(`size mismatch: ${mismatched.join("; ")}`);
    if (problems.length) {
      const Err = mismatched.length ? ShapeError : ValueError;
      throw new Err(`loadStateDict for ${name}: ${problems.join(". ")}`);
    }
    noGrad(() => {
      for (const { key, tensor } of entries) {
        const source = sources.get(key);
        if (source !== undefined) tensor.detach().copy_(state[source]);
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /** The number of parameter elements (only trainable ones with `trainableOnly`). */
  countParameters(trainableOnly = false): number {
    return this.parameters()
      .filter((p) => !trainableOnly || p.requiresGrad)
      .reduce((n, p) => n + p.numel(), 0);
  }

  /** The module tree, as PyTorch prints it, followed by the parameter count at the top level. */
  toString(): string {
    const total = this.countParameters();
    const trainable = this.countParameters(true);
    return `${this.describe()}\nParameters: ${total.toLocaleString("en-US")} (${trainable.toLocaleString("en-US")} trainable)`;
  }

  /** @internal The tree without the footer. */
  describe(): string {
    const name = this.constructor.name;
    const children = this.namedChildren();
    const extra = this.extraRepr();
    if (children.length === 0) return `${name}(${extra})`;
    const lines = children.map(([key, child]) => `  (${key}): ${child.describe().replaceAll("\n", "\n  ")}`);
    return `${name}(${extra ? `\n  ${extra}` : ""}\n${lines.join("\n")}\n)`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

/**
 * PyTorch's spelling of a parameter or buffer field in state-dict keys: camelCase becomes snake_case
 * (`runningMean` → `running_mean`, `weightIhL0` → `weight_ih_l0`); `weight` and `bias` stay as they are.
 *
 * @example
 * tg.nn.stateDictKey("numBatchesTracked"); // "num_batches_tracked"
 */
export function stateDictKey(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

/** Keys compared for "did you mean": case and underscores ignored. */
function spelling(key: string): string {
  return key.toLowerCase().replaceAll("_", "");
}

function checkLoadOptions(options: unknown): void {
  if (typeof options !== "object" || options === null)
    throw new ValueError(`loadStateDict: options must be an object, got ${String(options)}`);
  for (const [k, v] of Object.entries(options)) {
    if (k !== "strict") throw new ValueError(`loadStateDict: unknown option "${k}"; the options are { strict }`);
    if (v !== undefined && typeof v !== "boolean") throw new ValueError(`loadStateDict: strict must be a boolean, got ${String(v)}`);
  }
}

const MODULE_ZERO_GRAD = signature("zeroGrad", { setToNone: arg(is.boolean, true) });

// Module's public methods refuse an extra positional argument or an unknown option (src/arity.ts), instead of
// ignoring it: `model.train(true, 1)`, `model.parameters(true, "x")`. zeroGrad reads a Signature itself.
installCallForms(Module.prototype, {
  extraRepr: "",
  registerBuffer: "name, tensor, persistent",
  namedChildren: "",
  children: "",
  namedModules: "prefix",
  modules: "",
  namedParameters: "prefix, recurse",
  parameters: "recurse",
  namedBuffers: "prefix",
  buffers: "",
  train: "mode",
  eval: "",
  apply: "fn",
  requiresGrad_: "requiresGrad",
  to: "target, dtype",
  toAsync: "target, dtype",
  double: "",
  float: "",
  stateDict: "",
  stateEntries: "",
  loadStateDict: "stateDict, strict",
  countParameters: "trainableOnly",
  toString: "",
  describe: "",
});

/** Throws a ShapeError naming the layer and both shapes (`Linear(in=784, out=256) got input of shape [...]`). */
export function badInput(layer: string, expected: string, shape: readonly number[]): never {
  throw new ShapeError(`${layer} got input of shape ${fmt(shape)}; expected ${expected}`);
}
