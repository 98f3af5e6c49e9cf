import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  buildGraph,
  type Expr,
  ExprError,
  exprToString,
  fmtNumber,
  type Graph,
  type GraphNode,
  gradientsAfter,
  PRESETS,
  parseExpr,
  variablesOf,
} from "../playground/src/backprop.ts";

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${a} ≉ ${b}`);
const node = (g: Graph, id: string): GraphNode => {
  const n = g.nodes.find((x) => x.id === id);
  assert.ok(n, `no node ${id}`);
  return n;
};
const leafGrads = (g: Graph): Record<string, number> =>
  Object.fromEntries(g.nodes.filter((n) => n.kind === "input").map((n) => [n.id, n.grad as number]));

/** Evaluates an AST with plain numbers (the reference for the tensor evaluation). */
function evalPlain(e: Expr, v: Record<string, number>): number {
  switch (e.kind) {
    case "num":
      return e.value;
    case "var":
      return v[e.name];
    case "neg":
      return -evalPlain(e.arg, v);
    case "call": {
      const a = evalPlain(e.arg, v);
      return { exp: Math.exp(a), log: Math.log(a), tanh: Math.tanh(a), sigmoid: 1 / (1 + Math.exp(-a)), relu: Math.max(0, a) }[e.fn];
    }
    case "binary": {
      const a = evalPlain(e.left, v);
      const b = evalPlain(e.right, v);
      return { "+": a + b, "-": a - b, "*": a * b, "/": a / b, "^": a ** b }[e.op];
    }
  }
}

describe("graph view: the expression parser", () => {
  it("follows the usual precedence and associativity", () => {
    const v = { x1: 2, x2: 3, x3: 4, x4: 5 };
    const cases: [string, number][] = [
      ["x1 + x2 * x3", 14],
      ["(x1 + x2) * x3", 20],
      ["x4 - x3 - x1", -1],
      ["x3 / x1 / x1", 1],
      ["x1 ^ x2 ^ 2", 2 ** 9],
      ["-x1 ^ 2", -4],
      ["(-x1) ^ 2", 4],
      ["2 ^ -1", 0.5],
      ["--x1", 2],
      ["+x1 - -x2", 5],
      ["x1 * -x2", -6],
      ["1.5e1 + .5", 15.5],
      ["(x1 + x2) * x3 - x4", 15],
      ["exp(0) + log(1) + tanh(0) + sigmoid(0) + relu(-x1) + relu(x1)", 3.5],
      ["(x1 − x2) × x3 ÷ x1 · 2", -4],
    ];
    for (const [src, want] of cases) close(evalPlain(parseExpr(src), v), want);
  });

  it("builds the expected tree and writes it back", () => {
    assert.deepEqual(parseExpr("x1 * (x2 + 3)"), {
      kind: "binary",
      op: "*",
      left: { kind: "var", name: "x1" },
      right: { kind: "binary", op: "+", left: { kind: "var", name: "x2" }, right: { kind: "num", value: 3 } },
    });
    assert.equal(exprToString(parseExpr("((x1 + x2)) * x3 - x4")), "(x1 + x2)·x3 − x4");
    assert.equal(exprToString(parseExpr("x1 - (x2 - x3)")), "x1 − (x2 − x3)");
    assert.equal(exprToString(parseExpr("-(x1 + 1) ^ 2")), "−(x1 + 1)^2");
    assert.deepEqual(variablesOf(parseExpr("x3 * x1 + x3 - x9")), ["x1", "x3", "x9"]);
  });

  it("rejects anything else with a positioned error, and never evaluates code", () => {
    const bad: [string, RegExp][] = [
      ["", /empty/],
      ["   ", /empty/],
      ["x1 +", /ends too early/],
      ["(x1 + x2", /missing "\)"/],
      ["x1 + x2)", /unexpected "\)"/],
      ["x1 x2", /unexpected "x2"/],
      ["x0 + 1", /unknown name "x0"/],
      ["x10", /unknown name "x10"/],
      ["y + 1", /unknown name "y"/],
      ["alert(1)", /unknown name "alert"/],
      ["constructor", /unknown name "constructor"/],
      ["exp x1", /parentheses/],
      ["x1 ; x2", /unexpected character ";"/],
      ["x1 = 2", /unexpected character "="/],
      ["`x1`", /unexpected character/],
      ["x1 * * x2", /unexpected "\*"/],
      [`${"(".repeat(60)}x1${")".repeat(60)}`, /nested too deeply/],
      ["x1+".repeat(60).concat("x1"), /too long|too many/],
      [Array.from({ length: 45 }, () => "x1").join("+"), /too many operations/],
      ["1e999 * x1", /too large/],
    ];
    for (const [src, re] of bad) {
      assert.throws(
        () => parseExpr(src),
        (e: unknown) => e instanceof ExprError && re.test(e.message) && e.position >= 0,
        `${JSON.stringify(src)} should fail with ${re}`,
      );
    }
  });
});

describe("graph view: the graph read from tensorgrad's gradFn", () => {
  it("the lecture's (x1 + x2)·x3 − x4 at (5, 4, 3, 2): values, topological order and gradients 3, 3, 9, −1", () => {
    const g = buildGraph("(x1 + x2) * x3 - x4", { x1: 5, x2: 4, x3: 3, x4: 2 });
    assert.deepEqual(leafGrads(g), { x1: 3, x2: 3, x3: 9, x4: -1 });
    // Nodes come from the autograd graph: the gates' gradFn names, the inputs' AccumulateGrad.
    assert.deepEqual(
      g.nodes.map((n) => [n.id, n.gradFn, n.value]),
      [
        ["x1", "AccumulateGrad", 5],
        ["x2", "AccumulateGrad", 4],
        ["n0", "AddBackward0", 9],
        ["x3", "AccumulateGrad", 3],
        ["n1", "MulBackward0", 27],
        ["x4", "AccumulateGrad", 2],
        ["n2", "SubBackward0", 25],
      ],
    );
    assert.equal(g.output, "n2");
    assert.deepEqual(node(g, "n1").inputs, ["n0", "x3"]);
    // Intermediates carry their retained .grad.
    assert.equal(node(g, "n0").grad, 3);
    assert.equal(node(g, "n1").grad, 1);
    // The backward steps: the seed, then the gates in reverse topological order with upstream × local.
    assert.deepEqual(
      g.steps.map((s) =>
        s.kind === "seed" ? ["seed", s.node] : [s.node, s.terms.map((t) => `${t.to}:${t.upstream}*${t.local}=${t.product}`)],
      ),
      [
        ["seed", "n2"],
        ["n2", ["n1:1*1=1", "x4:1*-1=-1"]],
        ["n1", ["n0:1*3=3", "x3:1*9=9"]],
        ["n0", ["x1:3*1=3", "x2:3*1=3"]],
      ],
    );
    // Step by step: nothing before the seed, then the gradients arrive in order.
    assert.equal(gradientsAfter(g, 0).size, 0);
    assert.deepEqual([...gradientsAfter(g, 1)], [["n2", 1]]);
    assert.deepEqual(Object.fromEntries(gradientsAfter(g, 2)), { n2: 1, n1: 1, x4: -1 });
    assert.deepEqual(Object.fromEntries(gradientsAfter(g, 4)), { n2: 1, n1: 1, x4: -1, n0: 3, x3: 9, x1: 3, x2: 3 });
  });

  it("the lecture's (x + y)·z at (−2, 5, −4) → (−4, −4, 3)", () => {
    const g = buildGraph("(x1 + x2) * x3", { x1: -2, x2: 5, x3: -4 });
    assert.deepEqual(leafGrads(g), { x1: -4, x2: -4, x3: 3 });
    assert.equal(node(g, g.output).value, -12);
    assert.equal(node(g, "n0").value, 3);
  });

  it("every node comes after its inputs, and the steps' sums equal tensorgrad's gradients", () => {
    for (const p of [
      ...PRESETS.map((x) => [x.expr, x.values] as const),
      ["x1 * x1 + x1 ^ x2 - 3 / x2", { x1: 1.5, x2: 2 }] as const,
      ["relu(x1 - 2) * sigmoid(x2) + log(exp(x3)) * -x1", { x1: 3, x2: 0.5, x3: -1 }] as const,
    ]) {
      const g = buildGraph(p[0], p[1]);
      const index = new Map(g.nodes.map((n, i) => [n.id, i]));
      for (const [i, n] of g.nodes.entries())
        for (const from of n.inputs) assert.ok((index.get(from) as number) < i, `${p[0]}: ${from} before ${n.id}`);
      assert.equal(g.nodes[g.nodes.length - 1].id, g.output);
      const all = gradientsAfter(g, g.steps.length);
      for (const n of g.nodes) {
        if (n.kind === "const") assert.equal(n.grad, null);
        else close(all.get(n.id) as number, n.grad as number);
      }
      // Forward values agree with a plain evaluation; gradients with finite differences.
      close(node(g, g.output).value, evalPlain(g.expr, g.values), 1e-12);
      for (const v of Object.keys(g.values)) {
        const h = 1e-6;
        const fd =
          (evalPlain(g.expr, { ...g.values, [v]: g.values[v] + h }) - evalPlain(g.expr, { ...g.values, [v]: g.values[v] - h })) / (2 * h);
        close(node(g, v).grad as number, fd, 1e-6);
      }
    }
  });

  it("the sigmoid neuron gives the lecture's gradients", () => {
    const g = buildGraph("1 / (1 + exp(-(x1*x2 + x3*x4 + x5)))", { x1: 2, x2: -1, x3: -3, x4: -2, x5: -3 });
    const d = leafGrads(g);
    assert.deepEqual(
      Object.values(d).map((x) => Math.round(x * 100) / 100),
      [-0.2, 0.39, -0.39, -0.59, 0.2],
    );
    close(node(g, g.output).value, 0.7310585786300049);
    // Constants are drawn, take no gradient, and sit left of their gate.
    const consts = g.nodes.filter((n) => n.kind === "const");
    assert.deepEqual(
      consts.map((c) => c.value),
      [1, 1],
    );
    for (const c of consts) {
      const gate = g.nodes.find((n) => n.inputs.includes(c.id)) as GraphNode;
      assert.equal(c.col, gate.col - 1);
    }
  });

  it("a variable used twice gathers both paths; a bare variable is its own graph", () => {
    const g = buildGraph("x1 * x1", { x1: 3 });
    assert.equal(g.nodes.filter((n) => n.id === "x1").length, 1);
    assert.deepEqual(node(g, "n0").inputs, ["x1", "x1"]);
    assert.equal(node(g, "x1").grad, 6);
    const bare = buildGraph("x7", { x7: 2 });
    assert.deepEqual(
      bare.nodes.map((n) => [n.id, n.kind, n.value, n.grad]),
      [["x7", "input", 2, 1]],
    );
    assert.deepEqual(bare.steps, [{ kind: "seed", node: "x7" }]);
  });

  it("layout: inputs in column 0, gates right of their inputs, no two nodes on top of each other", () => {
    for (const p of PRESETS) {
      const g = buildGraph(p.expr, p.values);
      const byId = new Map(g.nodes.map((n) => [n.id, n]));
      for (const n of g.nodes) {
        if (n.kind === "input") assert.equal(n.col, 0);
        for (const i of n.inputs) assert.ok((byId.get(i) as GraphNode).col < n.col);
      }
      for (const a of g.nodes)
        for (const b of g.nodes)
          if (a !== b && a.col === b.col) assert.ok(Math.abs(a.row - b.row) >= 0.9, `${p.expr}: ${a.id} overlaps ${b.id}`);
    }
  });

  it("refuses expressions without variables or with missing values", () => {
    assert.throws(() => buildGraph("1 + 2", {}), /no variables/);
    assert.throws(() => buildGraph("x1 + x2", { x1: 1 }), /x2 needs a finite value/);
    assert.throws(() => buildGraph("x1", { x1: Number.NaN }), /x1 needs a finite value/);
  });

  it("formats numbers for display with a real minus sign", () => {
    assert.equal(fmtNumber(-1), "−1");
    assert.equal(fmtNumber(3), "3");
    assert.equal(fmtNumber(0.19661193324148188), "0.1966");
    assert.equal(fmtNumber(-0.5898357997244457), "−0.5898");
    assert.equal(fmtNumber(1234567), "1235000");
    assert.equal(fmtNumber(0.00001234), "1.23e−5");
  });
});
