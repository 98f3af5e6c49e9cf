/**
 * The model behind the "See backpropagation" view: the evaluation of a parsed expression (expr.ts) with tensors
 * that require grad, and the extraction of the computation graph from tensorgrad's own `gradFn` / `nextFunctions` graph, with every node's forward value, the local gradients of every
 * gate (computed by tensorgrad too) and the backward pass as a list of steps ("upstream × local = gradient").
 *
 * No DOM here: graph_view.ts draws it, test/graph_view.test.ts checks it in Node.
 */
import * as tg from "tensorgrad";
import { type BinaryOp, type Expr, ExprError, type FunctionName, fmtNumber, parseExpr, variablesOf } from "./expr.ts";

export type { BinaryOp, Expr, FunctionName } from "./expr.ts";
export { ExprError, exprToString, fmtNumber, MAX_EXPR_LENGTH, MAX_GATES, parseExpr, variablesOf } from "./expr.ts";

/** What the evaluator recorded for one operation: the tensor it made and the tensors it read. */
interface OpRecord {
  label: string;
  op: (inputs: tg.Tensor[]) => tg.Tensor;
  inputs: tg.Tensor[];
  output: tg.Tensor;
}

export type GraphNodeKind = "input" | "const" | "op";

export interface GraphNode {
  /** Stable id: the variable's name for inputs ("x1"), "c<k>" for constants, "n<k>" for gates in topological order. */
  id: string;
  kind: GraphNodeKind;
  /** What the drawing shows in the node: "+", "×", "exp", "x1", "3". */
  label: string;
  /** The tensorgrad autograd node's name ("MulBackward0", "AccumulateGrad"); "" for constants (no node). */
  gradFn: string;
  /** The forward value. */
  value: number;
  /** Input node ids (gates only), in argument order. */
  inputs: string[];
  /** The gradient tensorgrad's backward gave this node's output (`.grad`, retained on intermediates); null for constants. */
  grad: number | null;
  /** Layout: the column (longest path from the inputs) and the height within it, in rows (may be fractional). */
  col: number;
  row: number;
}

/** One term of the chain rule at a gate: the gradient it sends to one of its inputs. */
export interface ChainTerm {
  /** The input node that receives it. */
  to: string;
  upstream: number;
  local: number;
  /** upstream × local. */
  product: number;
}

export type BackwardStep = { kind: "seed"; node: string } | { kind: "gate"; node: string; terms: ChainTerm[] };

export interface Graph {
  expr: Expr;
  /** Nodes in topological order (every node after its inputs); the last is the output. */
  nodes: GraphNode[];
  output: string;
  /** The backward pass in the order tensorgrad's engine runs it (reverse topological): seed, then one step per gate. */
  steps: BackwardStep[];
  /** Values used, by variable name. */
  values: Record<string, number>;
}

const GATE_LABELS: Record<string, string> = { "+": "+", "-": "−", "*": "×", "/": "÷", "^": "^", neg: "−x" };

function scalar(v: number): tg.Tensor {
  return tg.tensor(v, { dtype: "float64" });
}

/** Reads a one-element tensor as a number. */
function num(t: tg.Tensor): number {
  return t.item() as number;
}

/**
 * Evaluates the expression with tensorgrad (float64 tensors; each variable a leaf that requires grad), runs
 * `backward()`, and reads the graph back from the output's `gradFn`: nodes in topological order, their forward values
 * (the tensors recorded while evaluating, matched to their `gradFn` nodes), the gradient of each (leaves' `.grad`,
 * intermediates' retained `.grad`), the local gradient of every gate input (by tensorgrad's `autograd.grad` on that
 * gate alone) and the backward steps.
 */
export function buildGraph(source: string | Expr, values: Record<string, number>): Graph {
  const expr = typeof source === "string" ? parseExpr(source) : source;
  const vars = variablesOf(expr);
  if (vars.length === 0) throw new ExprError("the expression has no variables: use x1 to x9 so there is something to differentiate", 0);
  const leaves = new Map<string, tg.Tensor>();
  for (const v of vars) {
    const value = values[v];
    if (value === undefined || !Number.isFinite(value)) throw new ExprError(`${v} needs a finite value`, 0);
    leaves.set(v, tg.tensor(value, { dtype: "float64", requiresGrad: true }));
  }
  const records: OpRecord[] = [];
  const record = (label: string, inputs: tg.Tensor[], op: (xs: tg.Tensor[]) => tg.Tensor): tg.Tensor => {
    const output = op(inputs);
    if (output.requiresGrad) output.retainGrad();
    records.push({ label, op, inputs, output });
    return output;
  };
  const evaluate = (e: Expr): tg.Tensor => {
    switch (e.kind) {
      case "num":
        return scalar(e.value);
      case "var":
        return leaves.get(e.name) as tg.Tensor;
      case "neg":
        return record(GATE_LABELS.neg, [evaluate(e.arg)], ([a]) => a.neg());
      case "call": {
        const fn = e.fn;
        return record(fn, [evaluate(e.arg)], ([a]) => applyFunction(fn, a));
      }
      case "binary": {
        const l = evaluate(e.left);
        const r = evaluate(e.right);
        const op = e.op;
        return record(GATE_LABELS[op], [l, r], ([a, b]) => applyBinary(op, a, b));
      }
    }
  };
  const out = evaluate(expr);
  out.backward();

  // Match the recorded tensors to tensorgrad's autograd nodes.
  const byNode = new Map<tg.autograd.Node, OpRecord>();
  for (const r of records) if (r.output.gradFn) byNode.set(r.output.gradFn, r);
  const leafName = new Map<tg.Tensor, string>();
  for (const [name, t] of leaves) leafName.set(t, name);

  // Walk gradFn / nextFunctions depth-first; post-order gives the topological order (inputs first).
  const nodes: GraphNode[] = [];
  const idOf = new Map<tg.autograd.Node, string>();
  let consts = 0;
  const visit = (node: tg.autograd.Node): string => {
    const known = idOf.get(node);
    if (known) return known;
    if (node instanceof tg.autograd.AccumulateGrad) {
      const name = leafName.get(node.variable) ?? `leaf${idOf.size}`;
      const g = node.variable.grad;
      nodes.push({
        id: name,
        kind: "input",
        label: name,
        gradFn: node.name,
        value: num(node.variable),
        inputs: [],
        grad: g ? num(g) : 0,
        col: 0,
        row: 0,
      });
      idOf.set(node, name);
      return name;
    }
    const rec = byNode.get(node);
    if (!rec) throw new Error(`graph view: the autograd node ${node.name} was not recorded while evaluating`);
    const inputs = node.nextFunctions.map((edge, i) => {
      if (edge) return visit(edge.node);
      const id = `c${consts++}`;
      const v = num(rec.inputs[i]);
      nodes.push({ id, kind: "const", label: fmtNumber(v), gradFn: "", value: v, inputs: [], grad: null, col: 0, row: 0 });
      return id;
    });
    const id = `n${nodes.filter((n) => n.kind === "op").length}`;
    const g = rec.output.grad;
    nodes.push({
      id,
      kind: "op",
      label: rec.label,
      gradFn: node.name,
      value: num(rec.output),
      inputs,
      grad: g ? num(g) : 0,
      col: 0,
      row: 0,
    });
    idOf.set(node, id);
    return id;
  };

  let outputId: string;
  if (out.gradFn) outputId = visit(out.gradFn);
  else {
    // The expression is a bare variable: its graph is the leaf alone.
    const name = vars[0];
    nodes.push({
      id: name,
      kind: "input",
      label: name,
      gradFn: "AccumulateGrad",
      value: num(out),
      inputs: [],
      grad: out.grad ? num(out.grad) : 1,
      col: 0,
      row: 0,
    });
    outputId = name;
  }
  layout(nodes, outputId);

  // The backward steps, in reverse topological order, with tensorgrad's local gradients.
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const recById = new Map<string, OpRecord>();
  for (const [node, id] of idOf) {
    const r = byNode.get(node);
    if (r) recById.set(id, r);
  }
  const steps: BackwardStep[] = [{ kind: "seed", node: outputId }];
  const upstream = new Map<string, number>([[outputId, 1]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (n.kind !== "op") continue;
    const rec = recById.get(n.id) as OpRecord;
    const locals = localGradients(rec);
    const up = upstream.get(n.id) ?? 0;
    const terms: ChainTerm[] = [];
    n.inputs.forEach((to, k) => {
      if ((byId.get(to) as GraphNode).kind === "const") return;
      const local = locals[k];
      const product = up * local;
      terms.push({ to, upstream: up, local, product });
      upstream.set(to, (upstream.get(to) ?? 0) + product);
    });
    steps.push({ kind: "gate", node: n.id, terms });
  }
  return { expr, nodes, output: outputId, steps, values: Object.fromEntries(vars.map((v) => [v, values[v] as number])) };
}

function applyFunction(fn: FunctionName, a: tg.Tensor): tg.Tensor {
  switch (fn) {
    case "exp":
      return a.exp();
    case "log":
      return a.log();
    case "tanh":
      return a.tanh();
    case "sigmoid":
      return a.sigmoid();
    case "relu":
      return a.relu();
  }
}

function applyBinary(op: BinaryOp, a: tg.Tensor, b: tg.Tensor): tg.Tensor {
  switch (op) {
    case "+":
      return a.add(b);
    case "-":
      return a.sub(b);
    case "*":
      return a.mul(b);
    case "/":
      return a.div(b);
    case "^":
      return b.requiresGrad ? a.pow(b) : a.pow(num(b));
  }
}

/** ∂(gate output)/∂(each input) at the forward values, by tensorgrad on a fresh copy of the gate alone. */
function localGradients(rec: OpRecord): number[] {
  const xs = rec.inputs.map((t) => (t.requiresGrad ? t.detach().requiresGrad_(true) : t));
  const y = rec.op(xs);
  const wanted = xs.filter((x) => x.requiresGrad);
  const gs = tg.autograd.grad(y, wanted, { allowUnused: true });
  let j = 0;
  return xs.map((x) => {
    if (!x.requiresGrad) return 0;
    const g = gs[j++];
    return g ? num(g) : 0;
  });
}

/**
 * Columns by longest path from the inputs (constants sit just left of their gate); rows: the inputs in depth-first
 * order from the output, each gate at the mean height of its inputs, pushed down where it would overlap another node.
 */
function layout(nodes: GraphNode[], outputId: string): void {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const get = (id: string) => byId.get(id) as GraphNode;
  const order: string[] = [];
  const seen = new Set<string>();
  const walk = (id: string): void => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const i of get(id).inputs) walk(i);
    order.push(id);
  };
  walk(outputId);
  const taken = new Map<number, number[]>();
  const place = (n: GraphNode, y: number): void => {
    const ys = taken.get(n.col) ?? [];
    let at = y;
    while (ys.some((o) => Math.abs(o - at) < 0.95)) at = Math.max(...ys.filter((o) => Math.abs(o - at) < 0.95)) + 1;
    ys.push(at);
    taken.set(n.col, ys);
    n.row = at;
  };
  let leafRow = 0;
  for (const id of order) {
    const n = get(id);
    if (n.kind === "input") {
      n.col = 0;
      place(n, leafRow++);
    } else if (n.kind === "op") {
      const ins = n.inputs.map(get).filter((i) => i.kind !== "const");
      n.col = Math.max(0, ...ins.map((i) => i.col)) + 1;
      place(n, ins.length ? ins.reduce((s, i) => s + i.row, 0) / ins.length : 0);
      for (const c of n.inputs.map(get).filter((i) => i.kind === "const")) {
        c.col = n.col - 1;
        place(c, n.row + 0.5);
      }
    }
  }
}

/**
 * The gradients known after the first `step` backward steps (0: the forward pass only, none known; 1: the output's
 * seed of 1; each further step adds the products one gate sends to its inputs). Constants never get one.
 */
export function gradientsAfter(g: Graph, step: number): Map<string, number> {
  const known = new Map<string, number>();
  for (const s of g.steps.slice(0, Math.max(0, step))) {
    if (s.kind === "seed") known.set(s.node, 1);
    else for (const t of s.terms) known.set(t.to, (known.get(t.to) ?? 0) + t.product);
  }
  return known;
}

/** One plain gradient-descent step on some of the inputs: each moves against its gradient, f is evaluated again. */
export interface SgdStep {
  lr: number;
  updates: { name: string; before: number; grad: number; after: number }[];
  before: number;
  after: number;
}

/** The leaf gradients of a graph (after its whole backward pass), by variable name in x1, x2... order. */
export function leafGradients(g: Graph): { name: string; grad: number }[] {
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  return Object.keys(g.values).map((name) => ({ name, grad: byId.get(name)?.grad ?? 0 }));
}

/** `x ← x − lr · ∂f/∂x` for each of `params`, and f before and after (evaluated again by tensorgrad). */
export function sgdStep(g: Graph, params: readonly string[], lr: number): SgdStep {
  const grads = new Map(leafGradients(g).map((l) => [l.name, l.grad]));
  const values = { ...g.values };
  const updates = params
    .filter((p) => grads.has(p))
    .map((name) => {
      const before = g.values[name];
      const grad = grads.get(name) ?? 0;
      const after = before - lr * grad;
      values[name] = after;
      return { name, before, grad, after };
    });
  const out = (x: Graph) => x.nodes.find((n) => n.id === x.output)?.value ?? Number.NaN;
  return { lr, updates, before: out(g), after: out(buildGraph(g.expr, values)) };
}

export interface Preset {
  label: string;
  expr: string;
  values: Record<string, number>;
  /** What the variables stand for; the view adds the gradients of the current values after it. */
  note: string;
  /** For a training example: the learning rate and the inputs (weights) a gradient-descent step moves. */
  update?: { lr: number; params: string[] };
}

/** Presets for the view's menu: the lecture's examples and one neuron's training step. */
export const PRESETS: Preset[] = [
  {
    label: "Lecture: (x1 + x2)·x3 − x4",
    expr: "(x1 + x2) * x3 - x4",
    values: { x1: 5, x2: 4, x3: 3, x4: 2 },
    note: "The lecture's example.",
  },
  {
    label: "Lecture: (x + y)·z",
    expr: "(x1 + x2) * x3",
    values: { x1: -2, x2: 5, x3: -4 },
    note: "x = x1, y = x2, z = x3.",
  },
  {
    label: "A sigmoid neuron",
    expr: "1 / (1 + exp(-(x1*x2 + x3*x4 + x5)))",
    values: { x1: 2, x2: -1, x3: -3, x4: -2, x5: -3 },
    note: "w0 = x1, x0 = x2, w1 = x3, x1 = x4, b = x5: the sigmoid written out gate by gate.",
  },
  {
    label: "One training step of a tanh neuron",
    expr: "(tanh(x1*x2 + x3) - x4)^2",
    values: { x1: 0.5, x2: 2, x3: -0.5, x4: 1 },
    note: "Weight x1, input x2, bias x3, target x4: f is the squared error. Run the backward pass to see the SGD step that moves x1 and x3 against their gradients.",
    update: { lr: 0.1, params: ["x1", "x3"] },
  },
];
