/** The input features the network can see, computed from a point (x1, x2), as in TensorFlow Playground. */
import { FEATURES, type FeatureName } from "./state.ts";

export interface FeatureDef {
  name: FeatureName;
  /** The label shown on the page. */
  label: string;
  /** A readable name for screen readers. */
  spoken: string;
  fn: (x1: number, x2: number) => number;
  /** The same computation as TypeScript source over `x1` and `x2` (for the exported snippet). */
  code: string;
}

export const FEATURE_DEFS: Record<FeatureName, FeatureDef> = {
  x1: { name: "x1", label: "X₁", spoken: "X1", fn: (x1) => x1, code: "x1" },
  x2: { name: "x2", label: "X₂", spoken: "X2", fn: (_, x2) => x2, code: "x2" },
  x1sq: { name: "x1sq", label: "X₁²", spoken: "X1 squared", fn: (x1) => x1 * x1, code: "x1 * x1" },
  x2sq: { name: "x2sq", label: "X₂²", spoken: "X2 squared", fn: (_, x2) => x2 * x2, code: "x2 * x2" },
  x1x2: { name: "x1x2", label: "X₁X₂", spoken: "X1 times X2", fn: (x1, x2) => x1 * x2, code: "x1 * x2" },
  sinx1: { name: "sinx1", label: "sin(X₁)", spoken: "sine of X1", fn: (x1) => Math.sin(x1), code: "Math.sin(x1)" },
  sinx2: { name: "sinx2", label: "sin(X₂)", spoken: "sine of X2", fn: (_, x2) => Math.sin(x2), code: "Math.sin(x2)" },
};

/** The selected features in their canonical order (the order of the network's input columns). */
export function orderedFeatures(selected: readonly FeatureName[]): FeatureName[] {
  return FEATURES.filter((f) => selected.includes(f));
}

/**
 * Maps points (`[n, 2]` row-major) to feature rows (`[n, features.length]` row-major). With no feature selected the
 * network still needs an input, so that case is refused.
 */
export function applyFeatures(points: Float32Array, features: readonly FeatureName[]): Float32Array {
  const fs = orderedFeatures(features);
  if (fs.length === 0) throw new Error("select at least one input feature");
  const n = points.length / 2;
  const out = new Float32Array(n * fs.length);
  const fns = fs.map((f) => FEATURE_DEFS[f].fn);
  for (let i = 0; i < n; i++) {
    const x1 = points[2 * i];
    const x2 = points[2 * i + 1];
    for (let j = 0; j < fns.length; j++) out[i * fns.length + j] = fns[j](x1, x2);
  }
  return out;
}

/** The points of a res×res grid over the domain, row by row from the top (largest x2) down, as `[res², 2]`. */
export function gridPoints(res: number, domain: Domain): Float32Array {
  const out = new Float32Array(res * res * 2);
  for (let r = 0; r < res; r++) {
    const x2 = domain.y1 - ((r + 0.5) / res) * (domain.y1 - domain.y0);
    for (let c = 0; c < res; c++) {
      const x1 = domain.x0 + ((c + 0.5) / res) * (domain.x1 - domain.x0);
      out[2 * (r * res + c)] = x1;
      out[2 * (r * res + c) + 1] = x2;
    }
  }
  return out;
}

/** The rectangle of the input plane that the heatmaps show. */
export interface Domain {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

export const DEFAULT_DOMAIN: Domain = { x0: -6, x1: 6, y0: -6, y1: 6 };
