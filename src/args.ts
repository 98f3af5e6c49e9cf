import { ArgumentError } from "./errors.js";
import { hasTensorBrand } from "./tensor/brand.js";
import type { Tensor } from "./tensor/tensor.js";

// One way to read arguments, shared by every public signature: PyTorch's positional-or-keyword parameters become
// positional parameters plus a trailing options object. A `Signature` knows the names, their order, the accepted
// forms and the defaults; `parse` fills in defaults and throws an `ArgumentError` naming the function, the argument
// and the accepted forms for anything it cannot read, so no argument is ever silently ignored.

/** The accepted forms of one argument: a test, and the words error messages use for it. */
export interface ArgType<T> {
  readonly accepts: string;
  readonly test: (v: unknown) => boolean;
  /** Only for typing: the TypeScript type the test accepts. */
  readonly _type?: T;
}

const type = <T>(accepts: string, test: (v: unknown) => boolean): ArgType<T> => ({ accepts, test });

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

/** The argument types signatures are built from. */
export const is = {
  number: type<number>("a number", (v) => typeof v === "number"),
  int: type<number>("an integer", isInt),
  nonNegInt: type<number>("a non-negative integer", (v) => isInt(v) && v >= 0),
  posInt: type<number>("a positive integer", (v) => isInt(v) && v > 0),
  boolean: type<boolean>("true or false", (v) => typeof v === "boolean"),
  string: type<string>("a string", (v) => typeof v === "string"),
  tensor: type<Tensor>("a Tensor", hasTensorBrand),
  function: type<(...a: never[]) => unknown>("a function", (v) => typeof v === "function"),
  /** A list of integers (a shape, a list of dims). */
  ints: type<readonly number[]>("an array of integers", (v) => Array.isArray(v) && v.every(isInt)),
  /** An integer or a list of integers (a dim or dims, a size per spatial dim). */
  intOrInts: type<number | readonly number[]>(
    "an integer or an array of integers",
    (v) => isInt(v) || (Array.isArray(v) && v.every(isInt)),
  ),
  /** A size for each of `n` spatial dims, or one for all: `3` or `[3, 1]`. */
  size: (n: number) =>
    type<number | readonly number[]>(
      n === 1 ? "a non-negative integer" : `a non-negative integer or an array of ${n} of them`,
      (v) => (isInt(v) && v >= 0) || (n > 1 && Array.isArray(v) && v.length === n && v.every((x) => isInt(x) && x >= 0)),
    ),
  /** One of a few string (or other literal) values: a mode. */
  oneOf: <const V extends readonly (string | number | boolean | null)[]>(...values: V) =>
    type<V[number]>(values.map((v) => JSON.stringify(v)).join(" | "), (v) => values.includes(v as V[number])),
  /** Either of two types. */
  or: <A, B>(a: ArgType<A>, b: ArgType<B>) => type<A | B>(`${a.accepts} or ${b.accepts}`, (v) => a.test(v) || b.test(v)),
  /** `t` or null. */
  nullable: <A>(a: ArgType<A>) => type<A | null>(`${a.accepts} or null`, (v) => v === null || a.test(v)),
  /** An instance of `cls` (a Generator...). */
  instance: <C>(cls: Function & { prototype: C }, name: string) => type<C>(`a ${name}`, (v) => v instanceof cls),
  /** A number satisfying `ok` ("a positive number"...). */
  numberWhere: (accepts: string, ok: (v: number) => boolean) => type<number>(accepts, (v) => typeof v === "number" && ok(v)),
  /** A floating dtype for parameters: "float32" or "float64". */
  floatDType: type<"float32" | "float64">('"float32" | "float64"', (v) => v === "float32" || v === "float64"),
  /** A PyTorch argument whose other values are not implemented: only `value` (its default) is accepted. */
  only: <const V>(value: V, why: string) => type<V>(`${JSON.stringify(value)} (${why})`, (v) => v === value),
  /** A type of one's own: the accepted forms in words, and the test. */
  where: <A>(accepts: string, test: (v: unknown) => boolean) => type<A>(accepts, test),
  /** Anything: the function checks it itself. */
  any: <A>(accepts: string) => type<A>(accepts, () => true),
};

const REQUIRED: unique symbol = Symbol("required");

/** One parameter: its type, and its default (or none: required). */
export interface Param<T> {
  readonly type: ArgType<T>;
  readonly default: T | typeof REQUIRED;
  /** Keyword-only (after PyTorch's `*`): only the options object may give it. */
  readonly kwOnly: boolean;
}

/** A parameter with a default: optional positionally and in the options object. */
export const arg = <T>(t: ArgType<T>, dflt: NoInfer<T>): Param<T> => ({ type: t, default: dflt, kwOnly: false });
/** A parameter the call must give. */
export const required = <T>(t: ArgType<T>): Param<T> => ({ type: t, default: REQUIRED, kwOnly: false });
/** A keyword-only parameter (dtype, generator, requiresGrad...), given in the options object only. */
export const kw = <T>(t: ArgType<T>, dflt: NoInfer<T>): Param<T> => ({ type: t, default: dflt, kwOnly: true });

export type Params = Record<string, Param<unknown>>;

/** The values `parse` returns: every parameter, defaults filled in. */
export type Values<S extends Params> = { -readonly [K in keyof S]: S[K] extends Param<infer T> ? T : never };

/**
 * The positional forms of a call: any prefix of `P`, optionally followed by an options object `O` (PyTorch's
 * keywords). `new Linear(30, 200, false)` and `new Linear(30, 200, { bias: false })` both type-check.
 */
export type Args<P extends readonly unknown[], O> = P extends readonly [infer H, ...infer T]
  ? [] | [options: O] | [H | undefined, ...Args<T, O>]
  : [] | [options: O];

/** A plain `{ ... }` object (an options object), as opposed to a tensor, an array or a class instance. */
export function isOptionsObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** A value as an error message shows it. */
export function describe(v: unknown): string {
  if (hasTensorBrand(v)) return `a Tensor of shape [${v.shape.join(", ")}] (${v.dtype})`;
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "a function";
  if (Array.isArray(v)) return v.length <= 8 && v.every((x) => typeof x !== "object") ? `[${v.map(describe).join(", ")}]` : "an array";
  if (isOptionsObject(v)) return `an object with keys ${Object.keys(v).join(", ") || "(none)"}`;
  if (v !== null && typeof v === "object") return `a ${v.constructor?.name ?? "object"}`;
  return String(v);
}

/** camelCase of a snake_case name: PyTorch's keyword as a tensorgrad option. */
const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** A hint for an unknown key: the snake_case spelling of an option, or one with a different case. */
export function didYouMean(key: string, names: readonly string[]): string {
  const hit = names.find((n) => n === camel(key) || n.toLowerCase() === key.toLowerCase());
  return hit ? ` (did you mean "${hit}"?)` : "";
}

/** A function's parameters, in order, with their types and defaults; `parse` reads a call's arguments against them. */
export class Signature<S extends Params> {
  readonly names: readonly string[];
  /** How many parameters may be given positionally (those before the first keyword-only one). */
  readonly maxPositional: number;

  constructor(
    readonly fn: string,
    readonly params: S,
  ) {
    this.names = Object.keys(params);
    const firstKw = this.names.findIndex((n) => params[n].kwOnly);
    this.maxPositional = firstKw < 0 ? this.names.length : firstKw;
  }

  /**
   * The same signature without its first `n` parameters, under another name: a loss module's constructor is its
   * function's signature without (input, target).
   */
  withoutFirst(n: number, fn: string): Signature<Params> {
    return new Signature(fn, Object.fromEntries(this.names.slice(n).map((k) => [k, this.params[k]])));
  }

  /** The call's forms, for messages: `Conv2d(inChannels, outChannels, kernelSize, stride=1, ..., { options })`. */
  usage(): string {
    const parts = this.names.slice(0, this.maxPositional).map((n) => {
      const d = this.params[n].default;
      return d === REQUIRED ? n : `${n}=${describe(d)}`;
    });
    return `${this.fn}(${[...parts, "{ options }"].join(", ")})`;
  }

  private fail(argument: string, accepted: string, message: string): never {
    throw new ArgumentError(this.fn, argument, accepted, `${this.fn}: ${message}`);
  }

  private check(name: string, v: unknown): unknown {
    const p = this.params[name];
    if (!p.type.test(v)) this.fail(name, p.type.accepts, `${name} must be ${p.type.accepts}, got ${describe(v)}`);
    return v;
  }

  /**
   * Reads `args` (positional values, then optionally an options object) into every parameter's value. Throws an
   * `ArgumentError` for too many positional arguments, a value of the wrong form, an unknown option, an argument
   * given twice, or a required one missing.
   */
  parse(args: readonly unknown[]): Values<S> {
    let end = args.length;
    while (end > 0 && args[end - 1] === undefined) end--;
    let options: Record<string, unknown> | undefined;
    if (end > 0 && isOptionsObject(args[end - 1])) {
      options = args[end - 1] as Record<string, unknown>;
      end--;
    }
    if (end > this.maxPositional) {
      const names = this.names.slice(0, this.maxPositional);
      this.fail(
        this.names[this.maxPositional] ?? `#${end}`,
        this.usage(),
        `takes at most ${this.maxPositional} positional argument${this.maxPositional === 1 ? "" : "s"} (${names.join(", ")}) and then an options object, got ${end}: ${describe(args[this.maxPositional])} at position ${this.maxPositional}. Usage: ${this.usage()}`,
      );
    }
    const out: Record<string, unknown> = {};
    if (options) {
      for (const key of Object.keys(options)) {
        if (!(key in this.params)) {
          this.fail(
            key,
            this.names.join(", "),
            `unknown option "${key}"${didYouMean(key, this.names)}; the options are ${this.names.join(", ")}`,
          );
        }
      }
    }
    for (let i = 0; i < this.names.length; i++) {
      const name = this.names[i];
      const p = this.params[name];
      const positional = i < end ? args[i] : undefined;
      const keyed = options?.[name];
      if (positional !== undefined && keyed !== undefined) {
        this.fail(
          name,
          "one value",
          `got two values for argument "${name}": ${describe(positional)} at position ${i} and ${describe(keyed)} in the options`,
        );
      }
      const v = positional !== undefined ? positional : keyed;
      if (v !== undefined) out[name] = this.check(name, v);
      else if (p.default === REQUIRED)
        this.fail(name, p.type.accepts, `missing required argument "${name}" (${p.type.accepts}). Usage: ${this.usage()}`);
      else out[name] = p.default;
    }
    return out as Values<S>;
  }
}

/**
 * Declares a signature: `fn` names the function in error messages; `params` lists the parameters in PyTorch's order
 * (object keys keep their order), each `required(type)`, `arg(type, default)` or keyword-only `kw(type, default)`.
 *
 * @example
 * const LINEAR = signature("Linear", { inFeatures: required(is.nonNegInt), outFeatures: required(is.nonNegInt), bias: arg(is.boolean, true) });
 * const { inFeatures, outFeatures, bias } = LINEAR.parse([30, 200, false]);
 */
export function signature<S extends Params>(fn: string, params: S): Signature<S> {
  return new Signature(fn, params);
}

/**
 * Checks an options object against the keys a function accepts (for options-only functions that keep their own
 * defaults): unknown keys and values of the wrong form throw an `ArgumentError`.
 */
export function checkOptions(fn: string, options: unknown, types: Record<string, ArgType<unknown>>): void {
  if (options === undefined) return;
  if (!isOptionsObject(options)) {
    throw new ArgumentError(fn, "options", "an options object", `${fn}: expected an options object, got ${describe(options)}`);
  }
  const names = Object.keys(types);
  for (const [key, v] of Object.entries(options)) {
    const t = types[key];
    if (!t) {
      throw new ArgumentError(
        fn,
        key,
        names.join(", "),
        `${fn}: unknown option "${key}"${didYouMean(key, names)}; the options are ${names.join(", ")}`,
      );
    }
    if (v !== undefined && !t.test(v)) {
      throw new ArgumentError(fn, key, t.accepts, `${fn}: ${key} must be ${t.accepts}, got ${describe(v)}`);
    }
  }
}
