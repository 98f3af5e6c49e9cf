/**
 * The hook for the "See backpropagation" computation-graph view (issue 6), to be filled in by its own change.
 *
 * main.ts calls `mountGraphView(root, context)` once at start-up with `root` = `#graph-view-root` (inside
 * `<section id="graph-view">`) and calls the returned `update` whenever the settings change. The view runs on the
 * page's thread with its own tiny tensorgrad graph (it imports "tensorgrad" itself); `context` gives it the current
 * settings and network config. Replace the body of `mountGraphView`; keep its signature.
 */
import type { NetworkConfig } from "./model.ts";
import type { PlaygroundState } from "./state.ts";

export interface GraphViewContext {
  /** The current settings. */
  state(): PlaygroundState;
  /** The current network config (features, layers, activations, outputs...). */
  network(): NetworkConfig;
}

export interface GraphView {
  /** Called after every settings change. */
  update(): void;
}

export function mountGraphView(root: HTMLElement, _context: GraphViewContext): GraphView {
  const p = document.createElement("p");
  p.className = "hint";
  p.textContent = "The computation-graph view of one training step will appear here.";
  root.replaceChildren(p);
  return { update() {} };
}
