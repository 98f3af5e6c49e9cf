/**
 * Tracing a forward pass into an ONNX graph: the model runs once on the example input while (a) every built-in layer
 * it calls emits its own subgraph (one rule per layer, see layers.ts, rnn.ts, attention.ts) and (b) the tensor methods
 * called on traced values (`x.add(y)`, `x.permute(...)`, ...) emit theirs (ops.ts); `tg.cat`/`tg.stack` are read back
 * from the autograd graph. So a custom forward with residual adds, concatenation or reshapes exports as it ran.
 * Everything else a traced value meets is caught through the autograd graph and refused by name, never baked in
 * silently as a constant.
 */
import { enableGrad } from "../autograd/grad_mode.js";
import { AccumulateGrad, type Node } from "../autograd/node.js";
import { className } from "../class_names.js";
import { ValueError } from "../errors.js";
import type { AnyModule } from "../nn/module.js";
import * as Act from "../nn/modules/activation.js";
import * as ActExtra from "../nn/modules/activation_extra.js";
import * as ActMore from "../nn/modules/activation_more.js";
import * as Attn from "../nn/modules/attention.js";
import * as BN from "../nn/modules/batchnorm.js";
import * as Conv from "../nn/modules/conv.js";
import * as ConvT from "../nn/modules/conv_transpose.js";
import * as Conv3 from "../nn/modules/conv3d.js";
import * as Dist from "../nn/modules/distance.js";
import * as Drop from "../nn/modules/dropout.js";
import * as Emb from "../nn/modules/embedding.js";
import * as Flat from "../nn/modules/flatten.js";
import * as FoldM from "../nn/modules/fold.js";
import * as Lin from "../nn/modules/linear.js";
import * as Norm from "../nn/modules/normalization.js";
import * as NormExtra from "../nn/modules/normalization_extra.js";
import * as Pad from "../nn/modules/padding.js";
import * as Pool from "../nn/modules/pooling.js";
import * as Pool1 from "../nn/modules/pooling1d.js";
import * as Rnn from "../nn/modules/rnn.js";
import * as Cell from "../nn/modules/rnn_cell.js";
import * as TL from "../nn/modules/transformer_layer.js";
import { Tensor } from "../tensor/tensor.js";
import { emitAttention, emitEncoderLayer } from "./attention.js";
import { GraphBuilder } from "./graph.js";
import { emitLayer, LAYER_TYPES } from "./layers.js";
import { emitCosine } from "./layers_extra.js";
import { GETTER_RULES, OP_RULES } from "./ops.js";
import { emitRecurrent } from "./rnn.js";
import { CELL_TYPES, emitCell } from "./rnn_cell.js";

/** Tensor methods that read values out, set autograd state or make fresh constants: never traced, never refused. */
const UNTRACED = new Set(
  "constructor numel dim size stride storageOffset isContiguous requiresGrad_ retainGrad registerHook backward _setGradFn _accumulatorNode item toArray tolist toArrayAsync itemAsync tolistAsync toStringAsync nested toString cpu cpuAsync toAsync newZeros newOnes newEmpty newFull newTensor".split(
    " ",
  ),
);

/** The tensors of a method's result: a tensor, arrays of them, or an object of them (values/indices). */
function resultTensors(v: unknown): Tensor[] {
  if (v !== null && typeof v === "object" && !(v instanceof Tensor) && !Array.isArray(v)) return Object.values(v).flatMap(tensorsOf);
  return tensorsOf(v);
}

/** Functions (tg.exp(x), F.relu(x), ...) read back from their autograd node: parameterless elementwise ops only. */
const UNARY_NODES: Record<string, string> = {
  NegBackward0: "Neg",
  AbsBackward0: "Abs",
  SignBackward0: "Sign",
  ExpBackward0: "Exp",
  LogBackward0: "Log",
  SqrtBackward0: "Sqrt",
  ReciprocalBackward0: "Reciprocal",
  SinBackward0: "Sin",
  CosBackward0: "Cos",
  TanhBackward0: "Tanh",
  SigmoidBackward0: "Sigmoid",
  ReluBackward0: "Relu",
  ErfBackward0: "Erf",
};

const CLASSES: Record<string, unknown> = {
  ...Act,
  ...ActExtra,
  ...ActMore,
  ...Attn,
  ...BN,
  ...Conv,
  ...Conv3,
  ...ConvT,
  ...Dist,
  ...Drop,
  ...Emb,
  ...Flat,
  ...FoldM,
  ...Lin,
  ...Norm,
  ...NormExtra,
  ...Pad,
  ...Pool,
  ...Pool1,
  ...Rnn,
  ...Cell,
  ...TL,
};
const SPECIAL = new Set(["RNN", "LSTM", "GRU", "MultiheadAttention", "TransformerEncoderLayer", "CosineSimilarity", ...CELL_TYPES]);

/** The name of a built-in layer the exporter translates as a whole, or null (its forward is traced instead). */
function layerType(m: AnyModule): string | null {
  const name = className(m);
  const cls = CLASSES[name];
  if (typeof cls !== "function" || Object.getPrototypeOf(m) !== cls.prototype) return null;
  return LAYER_TYPES.has(name) || SPECIAL.has(name) ? name : null;
}

/** The tensors of a value, in order: a tensor, or nested arrays of them (nulls skipped). */
export function tensorsOf(v: unknown): Tensor[] {
  if (v instanceof Tensor) return [v];
  if (Array.isArray(v)) return v.flatMap(tensorsOf);
  return [];
}

const MHA_POSITIONAL = ["keyPaddingMask", "needWeights", "attnMask", "averageAttnWeights", "isCausal"];

/** MultiheadAttention's forward options from its call's arguments after (query, key, value). */
function attentionOptions(rest: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  rest.forEach((v, i) => {
    if (v !== null && typeof v === "object" && !(v instanceof Tensor)) Object.assign(out, v);
    else out[MHA_POSITIONAL[i]] = v;
  });
  return out;
}

export class Tracer {
  readonly g: GraphBuilder;
  private readonly names = new Map<Tensor, string>();
  private readonly constants = new Map<Tensor, string>();
  /** The autograd nodes of traced values: an untraced value whose history reaches one was computed from the input. */
  private readonly tainted = new Map<Node, Map<number, string>>();
  private readonly clean = new Set<Node>();
  /** Constant method results by autograd node (a cat of a traced value and `cls.expand(...)` needs the latter). */
  private readonly constantNodes = new Map<Node, Map<number, Tensor>>();
  /** Values computed from traced ones by a method with no translation (or changed in place), by method name. */
  private readonly poisoned = new WeakMap<Tensor, string>();
  private depth = 0;

  constructor(opset: number) {
    this.g = new GraphBuilder(opset);
  }

  /** Marks `t` as the graph value `name`. */
  bind(t: Tensor, name: string): void {
    if (this.names.has(t)) return;
    this.names.set(t, name);
    const node = t.gradFn;
    if (node) {
      if (!this.tainted.has(node)) this.tainted.set(node, new Map());
      this.tainted.get(node)?.set(t._outputNr, name);
    }
  }

  isTraced(t: Tensor): boolean {
    return this.names.has(t);
  }

  /** Whether `t` is traced or computed from traced values (so an op on it must be recorded or refused). */
  involved(t: Tensor): boolean {
    return this.names.has(t) || this.poisoned.has(t) || (t.gradFn !== null && this.reaches(t.gradFn));
  }

  /** Runs `f` recording nothing (inside a translated layer or op). */
  quiet<T>(f: () => T): T {
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  /** The graph name of `t`: its traced value, a concatenation read from autograd, or a constant. */
  ref(t: Tensor): string {
    const method = this.poisoned.get(t);
    if (method !== undefined) {
      throw new ValueError(
        `onnx.export: the forward calls .${method}() on a value computed from the input, which the exporter does not translate${method.endsWith("_") || method === "set" ? " (in-place ops are not traced: use the out-of-place form)" : ""}`,
      );
    }
    const traced = this.names.get(t);
    if (traced !== undefined) return traced;
    const node = t.gradFn;
    if (node && this.reaches(node)) {
      const name = this.fromNode(node, t._outputNr);
      if (name === null) {
        throw new ValueError(
          `onnx.export: the forward computes a value from the input with an op the exporter does not trace (${node.name}); the traced ops are the built-in layers, tg.cat/tg.stack, elementwise functions such as tg.exp and the tensor methods ${Object.keys(OP_RULES).join(", ")}`,
        );
      }
      this.bind(t, name);
      return name;
    }
    let name = this.constants.get(t);
    if (name === undefined) {
      name = this.g.tensor("const", t.detach());
      this.constants.set(t, name);
    }
    return name;
  }

  /** Remembers constant results (not computed from the input) by autograd node, for ops read back from autograd. */
  keepConstants(result: unknown): void {
    for (const t of resultTensors(result)) {
      const node = t.gradFn;
      if (!node) continue;
      if (!this.constantNodes.has(node)) this.constantNodes.set(node, new Map());
      this.constantNodes.get(node)?.set(t._outputNr, t);
    }
  }

  /** Whether the autograd history of `node` reaches a traced value. */
  private reaches(node: Node): boolean {
    const stack = [node];
    const seen = new Set<Node>();
    while (stack.length > 0) {
      const n = stack.pop() as Node;
      if (seen.has(n) || this.clean.has(n)) continue;
      seen.add(n);
      if (this.tainted.has(n)) return true;
      if (n instanceof AccumulateGrad && this.names.has(n.variable)) return true;
      for (const e of n.nextFunctions) if (e) stack.push(e.node);
    }
    for (const n of seen) this.clean.add(n);
    return false;
  }

  /**
   * The graph name of output `nr` of an autograd node computed from traced values: a traced value, a parameter, or
   * an op read back from the node (tg.cat/tg.stack, parameterless elementwise functions), else null.
   */
  private fromNode(node: Node, nr: number): string | null {
    const known = this.tainted.get(node)?.get(nr);
    if (known !== undefined) return known;
    if (node instanceof AccumulateGrad) return this.ref(node.variable);
    const constant = this.constantNodes.get(node)?.get(nr);
    if (constant) return this.ref(constant);
    const unary = UNARY_NODES[node.name];
    let name: string;
    if (unary && node.nextFunctions.length === 1) name = this.g.op(unary, [this.nodeInput(node, 0)]);
    else if (node.name === "CatBackward0") {
      const inputs = node.nextFunctions.map((_, i) => this.nodeInput(node, i));
      const out = node.outputMeta[0].shape;
      const axis = out.findIndex((s, k) => node.inputMeta.some((m) => m.shape[k] !== s));
      name = this.g.op("Concat", inputs, { axis: { int: Math.max(axis, 0) } });
    } else return null;
    if (!this.tainted.has(node)) this.tainted.set(node, new Map());
    this.tainted.get(node)?.set(nr, name);
    return name;
  }

  /** The graph name of input `i` of an autograd node read back by `fromNode`. */
  private nodeInput(node: Node, i: number): string {
    const e = node.nextFunctions[i];
    const op = node.name.replace(/Backward\d*$/, "");
    if (e === null) {
      throw new ValueError(
        `onnx.export: ${op} takes a constant that has no autograd history next to a traced value; make it a buffer or parameter, or use the tensor method`,
      );
    }
    const name = this.fromNode(e.node, e.outputNr);
    if (name === null)
      throw new ValueError(`onnx.export: input ${i} of ${op} is computed with an op the exporter does not trace (${e.node.name})`);
    return name;
  }

  /** Emits a built-in layer's call; returns the names of its result's tensors. */
  private emitModule(type: string, m: AnyModule, args: unknown[], out: unknown): string[] {
    const traced = (t: Tensor) => ({ name: this.ref(t), example: t });
    const ref = (t: Tensor) => this.ref(t);
    const isTraced = (t: Tensor) => this.isTraced(t);
    if (type === "RNN" || type === "LSTM" || type === "GRU") {
      const hx = args[1] === undefined || args[1] === null ? null : tensorsOf(args[1]).map(ref);
      return emitRecurrent(this.g, m, traced(args[0] as Tensor), hx);
    }
    if (type === "CosineSimilarity") return [emitCosine(this.g, m, traced(args[0] as Tensor), traced(args[1] as Tensor))];
    if (CELL_TYPES.has(type)) {
      const hx = args[1] === undefined || args[1] === null ? null : tensorsOf(args[1]).map(ref);
      return emitCell(this.g, m, traced(args[0] as Tensor), hx);
    }
    if (type === "MultiheadAttention") {
      const [query, key, value] = args as Tensor[];
      const o = attentionOptions(args.slice(3));
      const weights = (out as unknown[])[1];
      return emitAttention(
        this.g,
        m as unknown as Attn.MultiheadAttention,
        {
          query: traced(query),
          key: traced(key),
          value: traced(value),
          attnMask: (o.attnMask as Tensor | null | undefined) ?? null,
          keyPaddingMask: (o.keyPaddingMask as Tensor | null | undefined) ?? null,
          needWeights: weights instanceof Tensor,
          averageAttnWeights: weights instanceof Tensor && weights.ndim === query.ndim,
        },
        ref,
        isTraced,
      );
    }
    if (type === "TransformerEncoderLayer") {
      const o = TL.parseEncoderForward(args.slice(1));
      return [emitEncoderLayer(this.g, m as unknown as TL.TransformerEncoderLayer, traced(args[0] as Tensor), o, ref, isTraced)];
    }
    if (args.length !== 1 || !(args[0] instanceof Tensor)) {
      throw new ValueError(`onnx.export: ${type} called with ${args.length} arguments; the exporter translates it called on one tensor`);
    }
    return [emitLayer(this.g, m, traced(args[0]))];
  }

  private bindAll(out: unknown, names: string | string[]): void {
    const list = tensorsOf(out);
    const ns = typeof names === "string" ? [names] : names;
    if (ns.length !== list.length) throw new ValueError(`onnx.export: internal: ${ns.length} names for ${list.length} results`);
    list.forEach((t, i) => {
      this.bind(t, ns[i]);
    });
  }

  /** Runs `model(...inputs)` with the layers and tensor methods instrumented; returns the result. */
  run(model: AnyModule, inputs: Tensor[], inputNames: string[]): unknown {
    inputs.forEach((t, i) => {
      this.bind(t, inputNames[i]);
    });
    const tracer = this;
    const restore: (() => void)[] = [];
    try {
      const seen = new Set<AnyModule>();
      for (const [path, m] of model.namedModules("model")) {
        if (seen.has(m)) continue;
        seen.add(m);
        const type = layerType(m);
        // A forward set on the instance (a class field) wins over the prototype's, as in the call itself.
        const own = Object.getOwnPropertyDescriptor(m, "forward");
        const original = (own ? own.value : Object.getPrototypeOf(m).forward) as (...a: unknown[]) => unknown;
        const where = `${path} (${className(m)})`;
        Object.defineProperty(m, "forward", {
          configurable: true,
          writable: true,
          value(this: AnyModule, ...args: unknown[]) {
            try {
              if (!type || tracer.depth > 0 || !tensorsOf(args).some((t) => tracer.involved(t))) return original.apply(this, args);
              const out = tracer.quiet(() => original.apply(this, args));
              tracer.bindAll(
                out,
                tracer.quiet(() => tracer.emitModule(type, this, args, out)),
              );
              return out;
            } catch (e) {
              throw tracer.depth > 0 ? e : locate(e, where);
            }
          },
        });
        restore.push(() => {
          if (own) Object.defineProperty(m, "forward", own);
          else delete (m as unknown as { forward?: unknown }).forward;
        });
      }
      const proto = Tensor.prototype as unknown as Record<string, unknown>;
      for (const [name, rule] of Object.entries(OP_RULES)) {
        const own = Object.getOwnPropertyDescriptor(proto, name);
        const found = own ?? findDescriptor(proto, name);
        if (!found) continue;
        const getter = GETTER_RULES.has(name);
        const original = (getter ? found.get : found.value) as (...a: unknown[]) => unknown;
        if (typeof original !== "function") continue;
        const wrapped = function (this: Tensor, ...args: unknown[]) {
          if (tracer.depth > 0 || !tensorsOf([this, ...args]).some((t) => tracer.involved(t))) {
            const result = original.apply(this, args);
            if (tracer.depth === 0) tracer.keepConstants(result);
            return result;
          }
          const out = tracer.quiet(() => original.apply(this, args)) as Tensor | Tensor[];
          tracer.bindAll(
            out,
            tracer.quiet(() => rule({ g: tracer.g, ref: (t) => tracer.ref(t) }, this, args, out)),
          );
          return out;
        };
        Object.defineProperty(proto, name, getter ? { ...found, get: wrapped } : { ...found, value: wrapped });
        restore.push(() => {
          if (own) Object.defineProperty(proto, name, own);
          else delete proto[name];
        });
      }
      // Every other method: a result computed from traced values is marked, and refused where it is used.
      for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        for (const name of Object.getOwnPropertyNames(p)) {
          const found = Object.getOwnPropertyDescriptor(p, name);
          if (Object.hasOwn(OP_RULES, name) || UNTRACED.has(name) || typeof found?.value !== "function") continue;
          if (Object.getOwnPropertyDescriptor(proto, name) && p !== proto) continue; // shadowed
          const own = Object.getOwnPropertyDescriptor(proto, name);
          const original = found.value as (...a: unknown[]) => unknown;
          const inPlace = name.endsWith("_") || name === "set";
          const marking = function (this: Tensor, ...args: unknown[]) {
            const out = original.apply(this, args);
            if (tracer.depth === 0 && tensorsOf([this, ...args]).some((t) => tracer.involved(t))) {
              for (const t of inPlace ? [this] : resultTensors(out)) if (t !== this || inPlace) tracer.poisoned.set(t, name);
            } else if (tracer.depth === 0 && !inPlace) tracer.keepConstants(out);
            return out;
          };
          Object.defineProperty(proto, name, { ...found, value: marking });
          restore.push(() => {
            if (own) Object.defineProperty(proto, name, own);
            else delete proto[name];
          });
        }
      }
      return enableGrad(() => (model as unknown as (...a: Tensor[]) => unknown)(...inputs));
    } finally {
      for (const undo of restore.reverse()) undo();
    }
  }
}

const LOCATED = Symbol("located");

/** Adds the innermost module an export error happened in to its message (once). */
function locate(e: unknown, where: string): unknown {
  if (!(e instanceof ValueError) || !e.message.startsWith("onnx.export:") || (e as unknown as Record<symbol, boolean>)[LOCATED]) return e;
  e.message = `${e.message} (in ${where})`;
  (e as unknown as Record<symbol, boolean>)[LOCATED] = true;
  return e;
}

function findDescriptor(proto: object, name: string): PropertyDescriptor | undefined {
  for (let p: object | null = Object.getPrototypeOf(proto); p; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) return d;
  }
  return undefined;
}
