import type { DeviceType } from "../backend/backend.js";
import type { DType } from "../dtype.js";
import { AutogradError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Task } from "./engine.js";
import { isAnomalyEnabled, isGradEnabled } from "./grad_mode.js";

/** What backward needs to know of a tensor without keeping it alive. */
export interface TensorMeta {
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** The output's device: a missing gradient is filled with zeros there. */
  readonly device?: DeviceType;
}

/** A graph edge: the node that produced an input, and which of its outputs the input was. */
export interface Edge {
  readonly node: Node;
  readonly outputNr: number;
}

/**
 * Receives the gradient of every output and the saved tensors; returns one gradient per input. `needs[i]` says whether
 * input i takes a gradient (it requires grad): a rule may skip the work for the others and return null there.
 */
export type BackwardFn = (grads: Tensor[], saved: Tensor[], needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

/** The backward of a one-output op (see `record1`). */
type SingleBackwardFn = (g: Tensor, saved: Tensor[], needs: readonly boolean[]) => readonly (Tensor | null | undefined)[];

const NO_INPUT: TensorMeta = Object.freeze({ shape: Object.freeze([]) as readonly number[], dtype: "float32" });
const NO_SAVED: Tensor[] = [];

/** A hook on a tensor's gradient: may return a replacement gradient. */
export type GradHook = (grad: Tensor) => Tensor | undefined;

/**
 * A node of the backward graph (`tensor.gradFn`): it knows its op's name, the edges to the nodes that made
 * its inputs, and how to turn output gradients into input gradients. Walk `nextFunctions` to draw the graph.
 */
export class Node {
  readonly name: string;
  readonly nextFunctions: readonly (Edge | null)[];
  /** @internal */ readonly inputMeta: readonly TensorMeta[];
  /** @internal Whether each input takes a gradient (has an edge). */
  readonly needs: readonly boolean[];
  /** @internal */ readonly outputMeta: TensorMeta[] = [];
  /** The stack of the forward call, kept only under `detectAnomaly`. */
  readonly forwardStack: string | undefined;
  /** @internal Hooks on the gradients of the outputs, by output slot (made on first use). */
  hooks: Map<number, GradHook[]> | null = null;
  /** @internal Outputs that keep their `.grad` (`retainGrad`), by output slot (made on first use). */
  retained: Map<number, Tensor> | null = null;
  /** @internal This node's state in the backward run that is visiting it (see the engine), else null. */
  _task: Task | null = null;
  private backwardFn: BackwardFn | null;
  /** Set by `record1`: `backwardFn` takes the single output's gradient rather than the list. */
  private readonly single: boolean;
  private saved: readonly Tensor[] | null;
  private readonly savedVersions: readonly number[];
  private readonly hadSaved: boolean;

  constructor(name: string, inputs: readonly (Tensor | null)[], backward: BackwardFn | null, saved: readonly Tensor[], single = false) {
    this.name = name;
    const n = inputs.length;
    const next = new Array<Edge | null>(n);
    const meta = new Array<TensorMeta>(n);
    const needs = new Array<boolean>(n);
    for (let i = 0; i < n; i++) {
      const t = inputs[i];
      needs[i] = t?.requiresGrad === true;
      next[i] = needs[i] ? edgeOf(t as Tensor) : null;
      meta[i] = t ? { shape: t.shape, dtype: t.dtype } : NO_INPUT;
    }
    this.nextFunctions = next;
    this.inputMeta = meta;
    this.needs = needs;
    this.backwardFn = backward;
    this.single = single;
    this.saved = saved;
    const versions = new Array<number>(saved.length);
    for (let i = 0; i < saved.length; i++) versions[i] = saved[i]._version;
    this.savedVersions = versions;
    this.hadSaved = saved.length > 0;
    this.forwardStack = isAnomalyEnabled() ? new Error().stack : undefined;
  }

  /** The saved tensors, checked against in-place changes made since the forward pass. */
  unpackSaved(): Tensor[] {
    if (this.saved === null) {
      throw new AutogradError(
        `${this.name}: trying to backward through the graph a second time (or to read saved tensors after they were freed). ` +
          "Saved values are freed by backward() and autograd.grad(); pass {retainGraph: true} to the first call if you need to backward twice.",
      );
    }
    const saved = this.saved;
    for (let i = 0; i < saved.length; i++) {
      const t = saved[i];
      if (t._version !== this.savedVersions[i]) {
        throw new AutogradError(
          `one of the tensors needed for gradient computation has been modified by an in-place operation: ` +
            `the ${t.dtype} tensor of shape [${t.shape.join(", ")}] saved by ${this.name} is at version ${t._version}; ` +
            `expected version ${this.savedVersions[i]} instead. Hint: clone() it before the in-place op, or use the out-of-place op.`,
        );
      }
    }
    return saved as Tensor[];
  }

  /** @internal Runs the backward function. */
  apply(grads: Tensor[]): readonly (Tensor | null | undefined)[] {
    if (this.backwardFn === null || (this.hadSaved && this.saved === null)) this.unpackSaved();
    const saved = this.hadSaved ? this.unpackSaved() : NO_SAVED;
    const fn = this.backwardFn as BackwardFn;
    return this.single ? (fn as unknown as SingleBackwardFn)(grads[0], saved, this.needs) : fn(grads, saved, this.needs);
  }

  /** @internal Drops saved tensors after backward without retainGraph, so their memory can be reclaimed. */
  release(): void {
    if (this.hadSaved) {
      this.saved = null;
      this.backwardFn = null;
    }
  }

  toString(): string {
    return `<${this.name}>`;
  }
}

/** The sink for a leaf tensor's gradient (`AccumulateGrad` in PyTorch); `variable` is the leaf. */
export class AccumulateGrad extends Node {
  readonly variable: Tensor;
  constructor(variable: Tensor) {
    super("AccumulateGrad", [], null, []);
    this.variable = variable;
    this.outputMeta.push({ shape: variable.shape, dtype: variable.dtype, device: variable._backend.device });
  }
}

function edgeOf(t: Tensor): Edge {
  if (t.gradFn) return { node: t.gradFn, outputNr: t._outputNr };
  t._accumulator ??= new AccumulateGrad(t);
  return { node: t._accumulator, outputNr: 0 };
}

/**
 * @internal Marks `g`, which a backward rule returns for one input, as a fresh gradient that nothing else refers to (nor is
 * any other tensor a view of it): the engine may store it as a leaf's .grad as it is instead of copying it (see the
 * engine's accumulate). Returns it.
 */
export function ownedGrad(g: Tensor): Tensor {
  g._ownedGrad = true;
  return g;
}
/** @internal Whether `g` was marked by `ownedGrad`, clearing the mark: it vouches for one hand-over only. */
export function takeOwnedGrad(g: Tensor): boolean {
  const owned = g._ownedGrad;
  g._ownedGrad = false;
  return owned;
}

/** Whether an op with these inputs should record a node. */
export function needsGrad(inputs: readonly (Tensor | null | undefined)[]): boolean {
  if (!isGradEnabled()) return false;
  for (let i = 0; i < inputs.length; i++) if (inputs[i]?.requiresGrad) return true;
  return false;
}

/**
 * Attaches a backward node to the outputs of an op when grad mode is on and some input requires grad.
 * Ops call this right after computing their result: forward and backward stay side by side.
 * `backward` must capture no tensors: what it needs goes in `saved`, so it can be freed after backward.
 */
export function record<T extends Tensor | Tensor[]>(
  name: string,
  outputs: T,
  inputs: readonly (Tensor | null)[],
  backward: BackwardFn,
  saved: readonly Tensor[] = [],
): T {
  if (!needsGrad(inputs)) return outputs;
  const node = new Node(name, inputs, backward, saved);
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  for (let i = 0; i < outs.length; i++) {
    outs[i]._setGradFn(node, i);
    node.outputMeta.push({ shape: outs[i].shape, dtype: outs[i].dtype, device: outs[i]._backend.device });
  }
  return outputs;
}

/** `record` for the common case of one output: `backward(g, saved)` returns the input gradients. */
export function record1(
  name: string,
  out: Tensor,
  inputs: readonly (Tensor | null)[],
  backward: SingleBackwardFn,
  saved: readonly Tensor[] = NO_SAVED,
): Tensor {
  if (!needsGrad(inputs)) return out;
  const node = new Node(name, inputs, backward as unknown as BackwardFn, saved, true);
  out._setGradFn(node, 0);
  node.outputMeta.push({ shape: out.shape, dtype: out.dtype, device: out._backend.device });
  return out;
}
