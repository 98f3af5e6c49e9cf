import { AnomalyError, AutogradError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { isAnomalyEnabled, isGradEnabled, setGradEnabled } from "./grad_mode.js";
import { AccumulateGrad, type GradHook, type Node, takeOwnedGrad } from "./node.js";
import { sumToShape } from "./sum_to_shape.js";

export interface BackwardOptions {
  /** Keep saved tensors so the graph can be walked again. Defaults to `createGraph`. */
  retainGraph?: boolean;
  /** Record the backward pass itself, for higher-order gradients. */
  createGraph?: boolean;
}

/** The gradient sent along every edge so far, per node and output slot. */
type Pending = Map<Node, (Tensor | null)[]>;

/** Adds `g` to what `node`'s output `slot` has received so far; returns the sum (a fresh tensor) or `g` itself. */
function addInto(pending: Pending, node: Node, slot: number, g: Tensor): Tensor {
  let slots = pending.get(node);
  if (!slots) {
    slots = new Array<Tensor | null>(node.outputMeta.length).fill(null);
    pending.set(node, slots);
  }
  const prev = slots[slot];
  slots[slot] = prev ? prev.add(g) : g;
  return slots[slot];
}

/** Nodes reachable from the roots, with the number of edges that point at each. */
function dependencies(roots: readonly Node[]): Map<Node, number> {
  const deps = new Map<Node, number>();
  const stack = [...roots];
  for (const r of roots) deps.set(r, 0);
  while (stack.length > 0) {
    const next = (stack.pop() as Node).nextFunctions;
    for (let i = 0; i < next.length; i++) {
      const e = next[i];
      if (!e) continue;
      const count = deps.get(e.node);
      deps.set(e.node, (count ?? 0) + 1);
      if (count === undefined) stack.push(e.node);
    }
  }
  return deps;
}

function checkFinite(node: Node, grads: readonly (Tensor | null | undefined)[]): void {
  grads.forEach((g, i) => {
    if (g && !g.isfinite().all().item()) {
      throw new AnomalyError(
        `Function '${node.name}' returned nan or inf values in its ${i}th output.` +
          (node.forwardStack
            ? `\nThe forward call that created it:\n${node.forwardStack}`
            : "\nRun the forward pass inside detectAnomaly too to see where this op was called."),
      );
    }
  });
}

function accumulate(leaf: Tensor, g: Tensor, createGraph: boolean, owned = false): void {
  if (leaf.grad) {
    // The sum is a fresh tensor already: no copy of `g` is needed.
    leaf.grad = createGraph ? leaf.grad.add(g) : leaf.grad.detach().add(g.detach());
    return;
  }
  // A fresh copy: the incoming gradient may be shared with other leaves or be a broadcast view (unless its backward rule
  // vouches that nothing else refers to it; it was computed without grad mode, so it is a leaf already).
  leaf.grad = createGraph || (owned && !g.requiresGrad) ? g : g.detach().clone();
}

/**
 * Runs reverse-mode autodiff from `roots` seeded with `rootGrads`. Nodes run in reverse topological order
 * (each once every consumer has sent its gradient). With `capture`, the gradients of those tensors are
 * returned instead of being accumulated into leaves' `.grad` (that is `autograd.grad`).
 */
export function runBackward(
  roots: readonly Tensor[],
  rootGrads: readonly Tensor[],
  options: BackwardOptions,
  capture?: readonly Tensor[],
): (Tensor | null)[] {
  const createGraph = options.createGraph ?? false;
  const retainGraph = options.retainGraph ?? createGraph;
  const pending: Pending = new Map();
  const rootNodes: Node[] = [];
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i];
    if (!r.requiresGrad) {
      throw new AutogradError(`element ${i} of tensors does not require grad and does not have a gradFn`);
    }
    const node = r.gradFn ?? r._accumulatorNode();
    rootNodes.push(node);
    addInto(pending, node, r.gradFn ? r._outputNr : 0, rootGrads[i]);
  }

  // Gradients on their way to a leaf that nothing else refers to: the leaf may keep one as its .grad without a copy.
  const owned = new Set<Tensor>();
  const captured: (Tensor | null)[] = capture ? capture.map(() => null) : [];
  const captureAt = capture ? captureSlots(capture) : null;

  const deps = dependencies(rootNodes);
  // Nodes whose consumers have all sent their gradients (Kahn's algorithm); any order among them is valid.
  const ready: Node[] = [];
  for (const n of rootNodes) if (deps.get(n) === 0 && !ready.includes(n)) ready.push(n);
  const prevGrad = isGradEnabled();
  setGradEnabled(createGraph);
  try {
    while (ready.length > 0) {
      const node = ready.pop() as Node;
      // A node that every consumer sent null (no gradient) still runs, on zeros, like a missing output slot.
      const slots = pending.get(node);
      const nOut = node.outputMeta.length;
      const grads = new Array<Tensor>(nOut);
      for (let i = 0; i < nOut; i++) grads[i] = slots?.[i] ?? zerosFor(node, i);
      pending.delete(node);
      runTensorHooks(node, grads);
      const at = captureAt?.get(node);
      if (at) for (const [slot, i] of at) captured[i] = grads[slot];

      const next = node.nextFunctions;
      if (node instanceof AccumulateGrad) {
        if (!capture) {
          // A hook may have kept the gradient it saw: only an unhooked leaf takes an owned gradient without a copy.
          const hooks = node.variable._hooks;
          accumulate(node.variable, grads[0], createGraph, !(hooks && hooks.length > 0) && owned.has(grads[0]));
        }
      } else {
        if (node.retained) for (const [slot, t] of node.retained) accumulate(t, grads[slot], createGraph);
        const inputGrads = node.apply(grads);
        if (inputGrads.length !== next.length) {
          throw new AutogradError(`${node.name}: backward returned ${inputGrads.length} gradients, but the op has ${next.length} inputs`);
        }
        if (node.forwardStack || isAnomalyEnabled()) checkFinite(node, inputGrads);
        for (let i = 0; i < next.length; i++) {
          const edge = next[i];
          const g = inputGrads[i];
          if (!g) continue;
          // The rule vouches (ownedGrad) for a gradient it returns for this input only.
          const vouched = takeOwnedGrad(g) && inputGrads.lastIndexOf(g) === i;
          if (!edge) continue;
          const meta = node.inputMeta[i];
          let shaped = sumToShape(g, meta.shape, node.name);
          if (shaped.dtype !== meta.dtype) shaped = shaped.to(meta.dtype);
          const sum = addInto(pending, edge.node, edge.outputNr, shaped);
          // Tensors made here (a sum over broadcast dims, a cast, the sum of two gradients) are fresh too. Only a leaf
          // takes one as it is: a node's rule may hand its incoming gradient on to several inputs (add does).
          if (edge.node instanceof AccumulateGrad && (vouched || shaped !== g || sum !== shaped)) owned.add(sum);
        }
        if (!retainGraph) node.release();
      }
      for (let i = 0; i < next.length; i++) {
        const edge = next[i];
        if (!edge) continue;
        const left = (deps.get(edge.node) as number) - 1;
        deps.set(edge.node, left);
        if (left === 0) ready.push(edge.node);
      }
    }
  } finally {
    setGradEnabled(prevGrad);
  }
  return captured;
}

/** For `autograd.grad`: the (output slot, index in `capture`) pairs to read at each node. */
function captureSlots(capture: readonly Tensor[]): Map<Node, [number, number][]> {
  const at = new Map<Node, [number, number][]>();
  for (let i = 0; i < capture.length; i++) {
    const t = capture[i];
    const node = t.gradFn ?? t._accumulatorNode();
    const list = at.get(node) ?? [];
    list.push([t.gradFn ? t._outputNr : 0, i]);
    at.set(node, list);
  }
  return at;
}

function zerosFor(node: Node, slot: number): Tensor {
  const meta = node.outputMeta[slot];
  return zerosHook(meta.shape, meta.dtype);
}

function runTensorHooks(node: Node, grads: Tensor[]): void {
  if (node instanceof AccumulateGrad) {
    const hooks = node.variable._hooks;
    if (hooks) runHooks(hooks, grads, 0);
    return;
  }
  if (node.hooks) for (const [slot, hooks] of node.hooks) runHooks(hooks, grads, slot);
}

function runHooks(hooks: readonly GradHook[], grads: Tensor[], slot: number): void {
  for (const hook of hooks) {
    const replaced = hook(grads[slot]);
    if (replaced) grads[slot] = replaced;
  }
}

// Set by the tensor module to break the import cycle (the engine makes zeros without importing ops).
let zerosHook: (shape: readonly number[], dtype: Tensor["dtype"]) => Tensor = () => {
  throw new Error("autograd engine used before tensorgrad finished loading");
};
export function setZerosFactory(f: typeof zerosHook): void {
  zerosHook = f;
}
