let gradEnabled = true;
let anomalyEnabled = false;

export const isGradEnabled = (): boolean => gradEnabled;
export const isAnomalyEnabled = (): boolean => anomalyEnabled;

function withFlag<T>(set: (v: boolean) => boolean, value: boolean, fn: () => T): T {
  const prev = set(value);
  try {
    return fn();
  } finally {
    set(prev);
  }
}

const setGrad = (v: boolean): boolean => {
  const prev = gradEnabled;
  gradEnabled = v;
  return prev;
};

/** Sets whether ops record the graph from now on, and returns the previous setting. */
export function setGradEnabled(enabled: boolean): boolean {
  return setGrad(enabled);
}

/**
 * Runs `fn` without recording the computation graph (like `with torch.no_grad():`): results do not
 * require grad, and no memory is kept for backward. `fn` must be synchronous.
 *
 * @example
 * const y = tg.noGrad(() => w.mul(2)); // y.requiresGrad === false
 */
export function noGrad<T>(fn: () => T): T {
  return withFlag(setGrad, false, fn);
}

/** Runs `fn` with graph recording on, even inside `noGrad` (like `torch.enable_grad()`). */
export function enableGrad<T>(fn: () => T): T {
  return withFlag(setGrad, true, fn);
}

/**
 * Runs `fn` with anomaly detection: every graph node remembers the stack of the forward call that made
 * it, and a backward that produces NaN or Inf throws an `AnomalyError` naming that op and its stack.
 *
 * @example
 * tg.autograd.detectAnomaly(() => loss.backward());
 */
export function detectAnomaly<T>(fn: () => T): T {
  return withFlag(
    (v) => {
      const prev = anomalyEnabled;
      anomalyEnabled = v;
      return prev;
    },
    true,
    fn,
  );
}
