import { describe } from "../../args.js";
import { ArgumentError, IndexError } from "../../errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type AnyModule, Module } from "../module.js";

/** Throws an ArgumentError unless `m` is a module (a container holds nothing else). */
function checkModule(container: string, what: string, m: unknown): void {
  if (!(m instanceof Module)) {
    throw new ArgumentError(container, what, "a Module", `${container}: ${what} must be a Module, got ${describe(m)}`);
  }
}

/**
 * Runs modules one after another, each on the previous output. Children are named "0", "1", ...
 *
 * @example
 * const mlp = new tg.nn.Sequential(new tg.nn.Linear(2, 8), new tg.nn.Tanh(), new tg.nn.Linear(8, 1));
 */
export class Sequential extends Module {
  constructor(...layers: AnyModule[]) {
    super();
    for (const [i, layer] of layers.entries()) checkModule("Sequential", `argument ${i}`, layer);
    layers.forEach((layer, i) => {
      (this as unknown as Record<string, AnyModule>)[String(i)] = layer;
    });
  }

  override get length(): number {
    return this.children().length;
  }

  /** The i-th layer (negative counts from the end). */
  at(i: number): AnyModule {
    const layers = this.children();
    const layer = layers.at(i);
    if (!layer) throw new IndexError(`Sequential: index ${i} is out of range for ${layers.length} layers`);
    return layer;
  }

  append(layer: AnyModule): this {
    (this as unknown as Record<string, AnyModule>)[String(this.length)] = layer;
    return this;
  }

  forward(x: Tensor): Tensor {
    let out: unknown = x;
    // The children in the order of children(), walked without building their names (this runs on every call). Keys,
    // then a lookup each: 3x faster than Object.values on a module (which the deleted `name`/`length` of its callable
    // leave in dictionary mode).
    const fields = this as unknown as Record<string, unknown>;
    const keys = Object.keys(fields);
    for (let i = 0; i < keys.length; i++) {
      const value = fields[keys[i]];
      if (value instanceof Module) out = (value as Module<[unknown], unknown>).forward(out);
      else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        for (const m of value as Module<[unknown], unknown>[]) out = m.forward(out);
      }
    }
    return out as Tensor;
  }
}

/** A list of modules whose parameters are registered (named "0", "1", ...); it has no forward of its own. */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<never[], never> {
  constructor(...args: [modules?: readonly M[]]) {
    super();
    const [modules = [], ...extra] = args;
    if (extra.length > 0 || !Array.isArray(modules)) {
      throw new ArgumentError(
        "ModuleList",
        "modules",
        "an array of modules",
        `ModuleList: expected one array of modules, got ${args.map(describe).join(", ")}`,
      );
    }
    for (const [i, m] of modules.entries()) checkModule("ModuleList", `modules[${i}]`, m);
    modules.forEach((m) => {
      this.append(m);
    });
  }

  override get length(): number {
    return this.children().length;
  }

  at(i: number): M {
    const m = this.children().at(i);
    if (!m) throw new IndexError(`ModuleList: index ${i} is out of range for ${this.length} modules`);
    return m as M;
  }

  append(m: M): this {
    (this as unknown as Record<string, M>)[String(this.length)] = m;
    return this;
  }

  [Symbol.iterator](): Iterator<M> {
    return (this.children() as M[])[Symbol.iterator]();
  }

  forward(): never {
    throw new TypeError("ModuleList has no forward(); iterate over it and call each module");
  }
}

/** Modules by name, registered as children under those names. */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<never[], never> {
  // Insertion order: object fields list integer-like keys ("1") first whatever the order they were set in.
  declare private readonly order: string[];

  constructor(...args: [modules?: Record<string, M>]) {
    super();
    const [modules = {}, ...extra] = args;
    if (extra.length > 0) {
      throw new ArgumentError(
        "ModuleDict",
        "modules",
        "one object of modules",
        `ModuleDict: expected one object of modules, got ${args.length} arguments`,
      );
    }
    for (const [k, m] of Object.entries(modules)) checkModule("ModuleDict", `modules.${k}`, m);
    Object.defineProperty(this, "order", { value: [], enumerable: false });
    for (const [k, m] of Object.entries(modules)) this.set(k, m);
  }

  override namedChildren(): [string, AnyModule][] {
    const fields = this as unknown as Record<string, unknown>;
    return this.order.filter((k) => fields[k] instanceof Module).map((k) => [k, fields[k] as AnyModule]);
  }

  get(key: string): M | undefined {
    const v = (this as unknown as Record<string, unknown>)[key];
    return v instanceof Module ? (v as M) : undefined;
  }

  set(key: string, m: M): void {
    if (!this.order.includes(key)) this.order.push(key);
    (this as unknown as Record<string, M>)[key] = m;
  }

  keys(): string[] {
    return this.namedChildren().map(([k]) => k);
  }

  forward(): never {
    throw new TypeError("ModuleDict has no forward(); look modules up with get(name)");
  }
}
