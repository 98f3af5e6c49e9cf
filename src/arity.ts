import { describe, didYouMean, isOptionsObject } from "./args.js";
import { ArgumentError } from "./errors.js";

// The argument rule for functions and Tensor methods with a fixed list of arguments (`exp(input)`, `x.sum(dim,
// keepdim)`, `x.add(other, { alpha })`): JavaScript passes extra arguments silently, so a table says how each may be
// called and one wrapper, installed once per function, refuses anything more. Functions that read their arguments
// with a `Signature` (src/args.ts) check themselves and are not listed. The wrapper costs one `arguments.length`
// comparison on a valid call; the slow path runs only when a call has more arguments than positional parameters.

/**
 * How a function may be called, as PyTorch's signature: its positional parameters' names, then, after a `;`, the
 * keyword-only options an options object may hold. `"input"` takes one argument; `"input, other; alpha"` takes two
 * and then optionally `{ alpha }`; `"dim, keepdim"` (a method: `self` is not listed) takes at most two.
 */
export type CallForm = string;

interface Form {
  readonly fn: string;
  readonly names: readonly string[];
  /** The options an options object may hold, or null: the function takes no options object. */
  readonly options: readonly string[] | null;
}

const split = (s: string): string[] =>
  s
    .split(",")
    .map((p) => p.trim())
    .filter((p) => p !== "");

function parseForm(fn: string, form: CallForm): Form {
  const [positional, options] = form.split(";");
  return { fn, names: split(positional ?? ""), options: options === undefined ? null : split(options) };
}

/** The call's forms, for messages: `sum(dim, keepdim)`, `add(other, { alpha })`. */
function usage(f: Form): string {
  const opts = f.options ? [`{ ${f.options.join(", ")} }`] : [];
  return `${f.fn}(${[...f.names, ...opts].join(", ")})`;
}

/** Checks a call with more arguments than positional parameters: a trailing options object, or an error. */
function checkExtra(f: Form, args: ArrayLike<unknown>): void {
  let end = args.length;
  while (end > f.names.length && args[end - 1] === undefined) end--;
  if (end > f.names.length && f.options && isOptionsObject(args[end - 1])) {
    const options = args[end - 1] as Record<string, unknown>;
    for (const key of Object.keys(options)) {
      if (!f.options.includes(key)) {
        const known = [...f.options];
        throw new ArgumentError(
          f.fn,
          key,
          known.join(", ") || "no options",
          `${f.fn}: unknown option "${key}"${didYouMean(key, known)}; ${known.length ? `the options are ${known.join(", ")}` : "it takes no options"}. Usage: ${usage(f)}`,
        );
      }
    }
    end--;
  }
  if (end > f.names.length) {
    const n = f.names.length;
    const what = n === 0 ? "no arguments" : `${n} positional argument${n === 1 ? "" : "s"} (${f.names.join(", ")})`;
    throw new ArgumentError(
      f.fn,
      `#${n}`,
      usage(f),
      `${f.fn}: takes ${what}${f.options ? " and then an options object" : ""}, got ${describe(args[n])} at position ${n}. Usage: ${usage(f)}`,
    );
  }
}

/**
 * `f` refusing what `form` does not accept: too many positional arguments, or an unknown key in its options object,
 * throw an `ArgumentError` naming `fn`, the argument and the accepted forms. Types are the function's own to check.
 *
 * @example
 * export const exp = withCallForm("exp", U.exp, "input");
 * exp(x, 5); // ArgumentError: exp: takes 1 positional argument (input), got 5 at position 1. Usage: exp(input)
 */
export function withCallForm<F extends (...args: never[]) => unknown>(fn: string, f: F, form: CallForm): F {
  const parsed = parseForm(fn, form);
  const n = parsed.names.length;
  const call = f as unknown as (this: unknown, ...args: unknown[]) => unknown;
  // Wrappers with named parameters for the common counts: V8 inlines `call` with a fixed argument list, where
  // `apply(this, arguments)` costs ~30 ns a call. The slow path (more arguments than parameters) is the same.
  let checked: (this: unknown, ...args: unknown[]) => unknown;
  if (n === 0 && !parsed.options) {
    checked = function (this: unknown) {
      // biome-ignore lint/complexity/noArguments: `arguments` avoids a rest array on every call of a hot method
      if (arguments.length > 0) checkExtra(parsed, arguments);
      return call.call(this);
    };
  } else if (n <= 1) {
    checked = function (this: unknown, a?: unknown, b?: unknown) {
      // biome-ignore lint/complexity/noArguments: as above
      if (arguments.length > n) checkExtra(parsed, arguments);
      return b === undefined ? call.call(this, a) : call.call(this, a, b);
    };
  } else if (n === 2) {
    checked = function (this: unknown, a?: unknown, b?: unknown, c?: unknown) {
      // biome-ignore lint/complexity/noArguments: as above
      if (arguments.length > 2) checkExtra(parsed, arguments);
      return c === undefined ? call.call(this, a, b) : call.call(this, a, b, c);
    };
  } else {
    checked = function (this: unknown, ...args: unknown[]) {
      if (args.length > n) checkExtra(parsed, args);
      return call.apply(this, args);
    };
  }
  Object.defineProperty(checked, "name", { value: f.name });
  return checked as unknown as F;
}

/**
 * Replaces each method of `proto` named in `forms` with one that refuses extra arguments (`withCallForm`). Called
 * once, when the class is defined; a name that is not a method of `proto` is a programming error and throws.
 */
export function installCallForms(proto: object, forms: Readonly<Record<string, CallForm>>): void {
  const methods = proto as Record<string, unknown>;
  for (const [name, form] of Object.entries(forms)) {
    const f = methods[name];
    if (typeof f !== "function") throw new Error(`installCallForms: ${name} is not a method`);
    Object.defineProperty(proto, name, {
      value: withCallForm(name, f as (...args: never[]) => unknown, form),
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
}

/** `withCallForm` over every function of `fns` named in `forms`, typed as the originals. */
export function withCallForms<M extends Record<string, unknown>, K extends keyof M & string>(
  fns: M,
  forms: Readonly<Record<K, CallForm>>,
): Pick<M, K> {
  const out = {} as Pick<M, K>;
  for (const name of Object.keys(forms) as K[]) {
    const f = fns[name];
    if (typeof f !== "function") throw new Error(`withCallForms: ${name} is not a function`);
    out[name] = withCallForm(name, f as (...args: never[]) => unknown, forms[name]) as M[K];
  }
  return out;
}

/**
 * The class `cls` refusing, at `new`, what `form` does not accept (as `withCallForm`): the returned class is `cls`
 * itself behind a construct check, so `instanceof`, statics and subclassing behave as before (a subclass's own
 * constructor reads its own arguments; only those it passes to `super` are checked).
 *
 * @example
 * export const Subset = withConstructorForm("Subset", S.Subset, "dataset, indices");
 * new Subset(ds, [0, 1], 5); // ArgumentError: Subset: takes 2 positional arguments (dataset, indices), got 5 at position 2
 */
export function withConstructorForm<C extends abstract new (...args: never[]) => unknown>(fn: string, cls: C, form: CallForm): C {
  const parsed = parseForm(fn, form);
  return new Proxy(cls, {
    construct(target, args, newTarget) {
      if (args.length > parsed.names.length) checkExtra(parsed, args);
      return Reflect.construct(target as unknown as new (...a: unknown[]) => object, args, newTarget);
    },
  });
}
