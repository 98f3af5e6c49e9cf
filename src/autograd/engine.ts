import type { DeviceType } from "../backend/backend.js";
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

/**
 * What a run tracks for one node it reaches. While the run lasts, the task hangs on the node itself (`node._task`), so
 * reaching a node's state costs a field read instead of a map lookup.
 */
export interface Task {
  readonly node: Node;
  /** The run's list of tasks, which identifies the run. */
  readonly run: Task[];
  /** The task of an enclosing run (a backward started inside a hook) that this one displaced, put back at the end. */
  readonly displaced: Task | null;
  /** Edges from nodes that have not run yet: the node runs when this reaches 0. */
  deps: number;
  /** The gradient of each output slot received so far (summed), made on the first arrival. */
  grads: (Tensor | null)[] | null;
  /**
   * For a leaf's sink: whether the gradient it holds is a fresh tensor that nothing else refers to, so the leaf may keep it
   * as its .grad without a copy.
   */
  owned: boolean;
  /** For `autograd.grad`: the (output slot, index in `capture`) pairs to read here, or null. */
  capture: [number, number][] | null;
}

/** The node's task in `run`, made (and the node pushed on `stack` to be walked) on the first visit. */
function visit(node: Node, run: Task[], stack: Node[]): Task {
  const current = node._task;
  if (current !== null && current.run === run) return current;
  const task: Task = { node, run, displaced: current, deps: 0, grads: null, owned: false, capture: null };
  node._task = task;
  run.push(task);
  stack.push(node);
  return task;
}

/** Gives every node reachable from the roots its task in `run`, counting the edges that point at each. */
function reachable(roots: readonly Node[], run: Task[]): void {
  const stack: Node[] = [];
  for (const node of roots) visit(node, run, stack);
  while (stack.length > 0) {
    const next = (stack.pop() as Node).nextFunctions;
    for (let i = 0; i < next.length; i++) {
      const e = next[i];
      if (e) visit(e.node, run, stack).deps++;
    }
  }
}

/** Adds `g` to what the task's output `slot` has received so far; returns the sum (a fresh tensor) or `g` itself. */
function addInto(task: Task, slot: number, g: Tensor): Tensor {
  if (task.grads === null) {
    task.grads = new Array<Tensor | null>(task.node.outputMeta.length);
    for (let i = 0; i < task.grads.length; i++) task.grads[i] = null;
  }
  const prev = task.grads[slot];
  const sum = prev ? prev.add(g) : g;
  task.grads[slot] = sum;
  return sum;
}

function checkFinite(node: Node, grads: readonly (Tensor | null | undefined)[]): void {
  grads.forEach((g, i) => {
    // A gradient on a device that is only read asynchronously is not checked (its values cannot be read here).
    if (g && !g._backend.asyncOnly && !g.isfinite().all().item()) {
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
  const rootNodes: Node[] = [];
  for (let i = 0; i < roots.length; i++) {
    const r = roots[i];
    if (!r.requiresGrad) {
      throw new AutogradError(`element ${i} of tensors does not require grad and does not have a gradFn`);
    }
    rootNodes.push(r.gradFn ?? r._accumulatorNode());
  }
  const captured: (Tensor | null)[] = capture ? capture.map(() => null) : [];
  const run: Task[] = [];
  const prevGrad = isGradEnabled();
  try {
    reachable(rootNodes, run);
    for (let i = 0; i < roots.length; i++) addInto(rootNodes[i]._task as Task, roots[i].gradFn ? roots[i]._outputNr : 0, rootGrads[i]);
    if (capture) {
      for (let i = 0; i < capture.length; i++) {
        const t = capture[i];
        const task = (t.gradFn ?? t._accumulatorNode())._task;
        // A tensor the roots do not depend on gets no gradient (null).
        if (task === null || task.run !== run) continue;
        task.capture ??= [];
        task.capture.push([t.gradFn ? t._outputNr : 0, i]);
      }
    }
    // Nodes whose consumers have all sent their gradients (Kahn's algorithm); any order among them is valid.
    const ready: Task[] = [];
    for (const n of rootNodes) {
      const task = n._task as Task;
      if (task.deps === 0 && !ready.includes(task)) ready.push(task);
    }
    setGradEnabled(createGraph);
    while (ready.length > 0) {
      const task = ready.pop() as Task;
      const node = task.node;
      // A node that every consumer sent null (no gradient) still runs, on zeros, like a missing output slot.
      const nOut = node.outputMeta.length;
      const grads = new Array<Tensor>(nOut);
      for (let i = 0; i < nOut; i++) grads[i] = task.grads?.[i] ?? zerosFor(node, i);
      task.grads = null;
      runTensorHooks(node, grads);
      if (task.capture) for (const [slot, i] of task.capture) captured[i] = grads[slot];

      const next = node.nextFunctions;
      if (node instanceof AccumulateGrad) {
        if (!capture) {
          // A hook may have kept the gradient it saw: only an unhooked leaf takes an owned gradient without a copy.
          const hooks = node.variable._hooks;
          accumulate(node.variable, grads[0], createGraph, task.owned && !(hooks && hooks.length > 0));
        }
      } else {
        if (node.retained) for (const [slot, t] of node.retained) accumulate(t, grads[slot], createGraph);
        const inputGrads = node.apply(grads);
        if (inputGrads.length !== next.length) {
          throw new AutogradError(`${node.name}: backward returned ${inputGrads.length} gradients, but the op has ${next.length} inputs`);
        }
        if (node.forwardStack || isAnomalyEnabled()) checkFinite(node, inputGrads);
        for (let i = 0; i < next.length; i++) {
          const g = inputGrads[i];
          // The rule vouches (ownedGrad) for a gradient it returns for this input only.
          const vouched = g ? takeOwnedGrad(g) && inputGrads.lastIndexOf(g) === i : false;
          const edge = next[i];
          if (!edge) continue;
          // Reachable from the roots, so it has its task in this run (a run nested in a hook or in `apply` puts back
          // the tasks it displaced before it returns).
          const target = edge.node._task as Task;
          if (g) {
            const meta = node.inputMeta[i];
            let shaped = sumToShape(g, meta.shape, node.name);
            if (shaped.dtype !== meta.dtype) shaped = shaped.to(meta.dtype);
            const sum = addInto(target, edge.outputNr, shaped);
            // Tensors made here (a sum over broadcast dims, a cast, the sum of two gradients) are fresh too. Only a leaf
            // takes one as it is: a node's rule may hand its incoming gradient on to several inputs (add does).
            if (edge.node instanceof AccumulateGrad) target.owned = vouched || shaped !== g || sum !== shaped;
          }
          if (--target.deps === 0) ready.push(target);
        }
        if (!retainGraph) node.release();
      }
    }
  } finally {
    setGradEnabled(prevGrad);
    // Take this run's tasks off its nodes (putting back those of an enclosing run), whether or not it finished.
    for (let i = 0; i < run.length; i++) run[i].node._task = run[i].displaced;
  }
  return captured;
}

function zerosFor(node: Node, slot: number): Tensor {
  const meta = node.outputMeta[slot];
  return zerosHook(meta.shape, meta.dtype, meta.device);
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
let zerosHook: (shape: readonly number[], dtype: Tensor["dtype"], device?: DeviceType) => Tensor = () => {
  throw new Error("autograd engine used before tensorgrad finished loading");
};
export function setZerosFactory(f: typeof zerosHook): void {
  zerosHook = f;
}
