import { withCallForm } from "../arity.js";
import { AutogradError } from "../errors.js";

let gradEnabled = true;
let anomalyEnabled = false;

export const isGradEnabled = (): boolean => gradEnabled;
export const isAnomalyEnabled = (): boolean => anomalyEnabled;

/** A function's result type, refused (never) when it is a promise: the grad-mode scopes take synchronous functions. */
export type Sync<T> = T extends PromiseLike<unknown> ? never : T;

function asyncError(op: string, when: string): AutogradError {
  return new AutogradError(
    `${op}: ${when}. Grad mode is one global switch that ${op} sets while fn runs and restores when fn returns, so ` +
      "code after an `await` inside fn (and any other code that runs meanwhile) would not be covered. Keep fn " +
      `synchronous and await outside it: \`const y = tg.${op}(() => model(x)); await write(y);\`, or switch explicitly ` +
      "with tg.setGradEnabled(false) ... tg.setGradEnabled(true) around the async code.",
  );
}

function withFlag<T>(op: string, set: (v: boolean) => boolean, value: boolean, fn: () => T): T {
  if (typeof fn !== "function") throw new AutogradError(`${op}: expected a function to run, got ${typeof fn}`);
  // An async function is refused before it runs, so nothing of it happens outside the scope.
  if (fn.constructor?.name === "AsyncFunction") throw asyncError(op, "fn is an async function");
  const prev = set(value);
  let out: T;
  try {
    out = fn();
  } finally {
    set(prev);
  }
  const then = out !== null && typeof out === "object" ? (out as { then?: unknown }).then : undefined;
  if (typeof then === "function") throw asyncError(op, "fn returned a Promise");
  return out;
}

const setGrad = (v: boolean): boolean => {
  const prev = gradEnabled;
  gradEnabled = v;
  return prev;
};

/** Sets whether ops record the graph from now on, and returns the previous setting. */
export const setGradEnabled = withCallForm("setGradEnabled", (enabled: boolean): boolean => setGrad(enabled), "mode");

/**
 * Runs `fn` without recording the computation graph (like `with torch.no_grad():`): results do not
 * require grad, and no memory is kept for backward. `fn` must be synchronous: an async function, or one that returns a
 * promise, is refused with an `AutogradError` (the scope could not cover the code after an `await`).
 *
 * @example
 * const y = tg.noGrad(() => w.mul(2)); // y.requiresGrad === false
 */
export const noGrad = withCallForm("noGrad", <T>(fn: () => Sync<T>): Sync<T> => withFlag("noGrad", setGrad, false, fn), "fn");

/** Runs `fn` with graph recording on, even inside `noGrad` (like `torch.enable_grad()`). */
export const enableGrad = withCallForm("enableGrad", <T>(fn: () => Sync<T>): Sync<T> => withFlag("enableGrad", setGrad, true, fn), "fn");

/**
 * Runs `fn` with anomaly detection: every graph node remembers the stack of the forward call that made
 * it, and a backward that produces NaN or Inf throws an `AnomalyError` naming that op and its stack.
 *
 * @example
 * tg.autograd.detectAnomaly(() => loss.backward());
 */
export function detectAnomaly<T>(fn: () => Sync<T>): Sync<T> {
  return withFlag(
    "detectAnomaly",
    (v) => {
      const prev = anomalyEnabled;
      anomalyEnabled = v;
      return prev;
    },
    true,
    fn,
  );
}
