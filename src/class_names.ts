import * as nn from "./nn/index.js";
import * as optim from "./optim/index.js";

// Architectures, ONNX export and checkpoints record a layer's or optimizer's class by name. `constructor.name` is
// not that name in a minified bundle (esbuild, terser and webpack rename classes to "Ci"...), but the public export
// names are property keys and survive, so the name comes from the exports; the map is built on first use because
// the namespaces import modules that import this file.

let byClass: Map<unknown, string> | null = null;

function build(): Map<unknown, string> {
  const map = new Map<unknown, string>();
  for (const ns of [nn, optim, optim.lrScheduler] as object[]) {
    for (const [name, value] of Object.entries(ns)) {
      if (typeof value === "function" && !map.has(value)) map.set(value, name);
    }
  }
  return map;
}

/**
 * The public name of `obj`'s class (`"Conv2d"`, `"Adam"`), the same in minified bundles; for a class tensorgrad does
 * not export (a user's subclass), its `constructor.name`.
 *
 * @example className(new tg.nn.Linear(2, 3)) // "Linear"
 */
export function className(obj: object): string {
  byClass ??= build();
  return byClass.get(obj.constructor) ?? obj.constructor.name;
}
