/**
 * The "See backpropagation" view (issue 6): a typed expression such as `(x1 + x2) * x3 - x4` is evaluated with
 * tensorgrad on the page's thread, its computation graph is read back from tensorgrad's `gradFn` graph (backprop.ts)
 * and drawn as SVG in topological order with each node's forward value; Next / Prev / Reset step through the backward
 * pass gate by gate, showing "upstream gradient × local gradient = gradient" as the lecture draws it.
 *
 * Stable hooks for tests: #graph-expr, #graph-preset, #graph-value-x1.., #graph-step-next, #graph-step-prev,
 * #graph-reset, #graph-step-all, #graph-error, #graph-explain; every drawn node is `[data-node=id]` with `data-value`
 * and `data-grad` (empty until the backward pass reaches it), inputs keep their variable name as id ("x1").
 */
import {
  buildGraph,
  ExprError,
  fmtNumber,
  type Graph,
  type GraphNode,
  gradientsAfter,
  PRESETS,
  parseExpr,
  variablesOf,
} from "./backprop.ts";
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

const SVG = "http://www.w3.org/2000/svg";
const COL_W = 170;
const ROW_H = 92;
const PAD_X = 56;
const PAD_Y = 44;
const R = 22;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

function svg(tag: string, attrs: Record<string, string | number> = {}, text?: string): SVGElement {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

export function mountGraphView(root: HTMLElement, _context: GraphViewContext): GraphView {
  const first = PRESETS[0];
  const values: Record<string, number> = { ...first.values };
  let graph: Graph | null = null;
  let step = 0;

  // ---- the controls ----
  const preset = el("select", { id: "graph-preset", "aria-label": "Example expressions" });
  preset.append(el("option", { value: "" }, "Examples…"));
  PRESETS.forEach((p, i) => {
    preset.append(el("option", { value: String(i) }, p.label));
  });
  const expr = el("input", {
    id: "graph-expr",
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    "aria-describedby": "graph-help",
    "aria-label": "Expression",
  });
  expr.value = first.expr;
  const exprRow = el("div", { class: "graph-row" });
  const exprLabel = el("label", { class: "graph-expr-label" });
  exprLabel.append("f = ", expr);
  exprRow.append(exprLabel, preset);
  const help = el(
    "p",
    { id: "graph-help", class: "hint" },
    "Numbers, the variables x1 to x9, + − * / ^, parentheses and exp, log, tanh, sigmoid, relu. The graph is tensorgrad's own: the gradFn nodes of the result, in topological order.",
  );
  const note = el("p", { id: "graph-note", class: "hint" }, first.note);
  const inputs = el("div", { id: "graph-values", class: "graph-row graph-values", role: "group", "aria-label": "Input values" });
  const error = el("div", { id: "graph-error", class: "error", role: "alert" });
  error.hidden = true;

  const reset = el("button", { id: "graph-reset", type: "button", "aria-label": "Back to the forward pass" }, "⟲ Reset");
  const prev = el("button", { id: "graph-step-prev", type: "button", "aria-label": "Previous backward step" }, "◀ Prev");
  const next = el("button", { id: "graph-step-next", type: "button", "aria-label": "Next backward step", class: "primary" }, "Next ▶");
  const all = el("button", { id: "graph-step-all", type: "button", "aria-label": "Run the whole backward pass" }, "Run all ⇥");
  const stepLabel = el("output", { id: "graph-step-label", "aria-live": "polite" });
  const transport = el("div", { class: "graph-row graph-transport" });
  transport.append(reset, prev, next, all, stepLabel);

  const canvas = el("div", { class: "graph-canvas" });
  const explain = el("div", { id: "graph-explain", class: "graph-explain", "aria-live": "polite" });
  const grads = el("div", { id: "graph-grads", class: "graph-grads" });
  root.replaceChildren(exprRow, help, note, inputs, error, transport, canvas, explain, grads);

  // ---- behaviour ----
  function showError(message: string | null): void {
    error.textContent = message ?? "";
    error.hidden = message === null;
  }

  /** One number input per variable the expression uses (kept values survive edits of the expression). */
  function syncInputs(vars: string[]): void {
    const have = Array.from(inputs.querySelectorAll<HTMLInputElement>("input")).map((i) => i.dataset.var);
    if (have.join(",") === vars.join(",")) return;
    inputs.replaceChildren();
    for (const v of vars) {
      values[v] ??= 1;
      const input = el("input", { id: `graph-value-${v}`, type: "number", step: "any", "data-var": v, "aria-label": `Value of ${v}` });
      input.value = String(values[v]);
      input.addEventListener("input", () => {
        const x = Number(input.value);
        if (input.value.trim() === "" || !Number.isFinite(x)) return;
        values[v] = x;
        rebuild(false);
      });
      const label = el("label", { class: "graph-value" });
      label.append(`${v} = `, input);
      inputs.append(label);
    }
  }

  function rebuild(resetStep: boolean): void {
    try {
      const e = parseExpr(expr.value);
      syncInputs(variablesOf(e));
      graph = buildGraph(e, values);
      showError(null);
      expr.removeAttribute("aria-invalid");
      step = resetStep ? 0 : Math.min(step, graph.steps.length);
    } catch (err) {
      graph = null;
      step = 0;
      expr.setAttribute("aria-invalid", "true");
      showError(err instanceof ExprError ? err.message : `Could not evaluate: ${err instanceof Error ? err.message : String(err)}`);
    }
    render();
  }

  function render(): void {
    const g = graph;
    prev.disabled = !g || step === 0;
    reset.disabled = !g || step === 0;
    next.disabled = !g || step >= g.steps.length;
    all.disabled = next.disabled;
    if (!g) {
      canvas.replaceChildren();
      explain.textContent = "";
      grads.replaceChildren();
      stepLabel.textContent = "";
      return;
    }
    stepLabel.textContent = step === 0 ? "Forward pass" : `Backward step ${step} of ${g.steps.length}`;
    const known = gradientsAfter(g, step);
    const current = step > 0 ? g.steps[step - 1] : null;
    canvas.replaceChildren(draw(g, known, current));
    explain.replaceChildren(...explanation(g, current));
    grads.replaceChildren(
      ...g.nodes
        .filter((n) => n.kind === "input")
        .map((n) => {
          const v = known.get(n.id);
          const d = el("span", { class: "graph-grad", "data-grad-of": n.id }, `∂f/∂${n.id} = ${v === undefined ? "?" : fmtNumber(v)}`);
          return d;
        }),
    );
  }

  function explanation(g: Graph, s: Graph["steps"][number] | null): HTMLElement[] {
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    const name = (id: string) => describe(byId.get(id) as GraphNode);
    const out = byId.get(g.output) as GraphNode;
    if (!s)
      return [
        el(
          "p",
          {},
          `Forward pass: f = ${fmtNumber(out.value)}. Each node shows its value (green); press Next to send gradients (red) back from the output.`,
        ),
      ];
    if (s.kind === "seed") return [el("p", {}, `Start at the output ${name(g.output)}: ∂f/∂f = 1.`)];
    const gate = byId.get(s.node) as GraphNode;
    const head = el("p", {}, `At the ${gate.label} gate (${gate.gradFn}), upstream gradient ${fmtNumber(s.terms[0]?.upstream ?? 0)}:`);
    const list = el("ul");
    for (const t of s.terms) {
      list.append(
        el(
          "li",
          { "data-term-to": t.to },
          `to ${name(t.to)}: upstream ${fmtNumber(t.upstream)} × local ${fmtNumber(t.local)} = ${fmtNumber(t.product)}`,
        ),
      );
    }
    if (s.terms.length === 0) list.append(el("li", {}, "its inputs are constants: no gradient to send."));
    return [head, list];
  }

  function describe(n: GraphNode): string {
    return n.kind === "input" ? n.id : `the ${n.label} gate (= ${fmtNumber(n.value)})`;
  }

  function draw(g: Graph, known: Map<string, number>, current: Graph["steps"][number] | null): SVGElement {
    const cols = Math.max(...g.nodes.map((n) => n.col)) + 1;
    const rows = Math.max(...g.nodes.map((n) => n.row)) + 1;
    const width = PAD_X * 2 + (cols - 1) * COL_W;
    const height = PAD_Y * 2 + (rows - 1) * ROW_H;
    const root = svg("svg", {
      id: "graph-svg",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: "img",
      "aria-label": `Computation graph of f, ${g.nodes.length} nodes`,
    });
    const defs = svg("defs");
    const marker = svg("marker", {
      id: "graph-arrow",
      viewBox: "0 0 10 10",
      refX: 10,
      refY: 5,
      markerWidth: 7,
      markerHeight: 7,
      orient: "auto",
    });
    marker.append(svg("path", { d: "M0,0 L10,5 L0,10 z", class: "graph-arrowhead" }));
    defs.append(marker);
    root.append(defs);
    const pos = new Map(g.nodes.map((n) => [n.id, { x: PAD_X + n.col * COL_W, y: PAD_Y + n.row * ROW_H }]));
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    const activeGate = current?.kind === "gate" ? current : null;
    const edges = svg("g", { class: "graph-edges" });
    const labels = svg("g", { class: "graph-edge-labels" });
    for (const n of g.nodes) {
      n.inputs.forEach((from) => {
        const a = pos.get(from) as { x: number; y: number };
        const b = pos.get(n.id) as { x: number; y: number };
        const rFrom = (byId.get(from) as GraphNode).kind === "const" ? 14 : R;
        const dx = b.x - a.x;
        const dy = b.y - a.y;
        const len = Math.hypot(dx, dy) || 1;
        const x1 = a.x + (dx / len) * rFrom;
        const y1 = a.y + (dy / len) * rFrom;
        const x2 = b.x - (dx / len) * (R + 2);
        const y2 = b.y - (dy / len) * (R + 2);
        const active = activeGate?.node === n.id;
        edges.append(
          svg("line", {
            x1,
            y1,
            x2,
            y2,
            class: `graph-edge${active ? " active" : ""}`,
            "data-from": from,
            "data-to": n.id,
            "marker-end": "url(#graph-arrow)",
          }),
        );
        const term = active ? activeGate.terms.find((t) => t.to === from) : undefined;
        if (term) {
          labels.append(
            svg(
              "text",
              { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 7, class: "graph-term", "text-anchor": "middle" },
              `${fmtNumber(term.upstream)}×${fmtNumber(term.local)}=${fmtNumber(term.product)}`,
            ),
          );
        }
      });
    }
    root.append(edges);
    const nodes = svg("g", { class: "graph-nodes" });
    for (const n of g.nodes) {
      const p = pos.get(n.id) as { x: number; y: number };
      const grad = known.get(n.id);
      const isCurrent = current?.node === n.id;
      const cls = [
        "graph-node",
        n.kind,
        isCurrent ? "active" : "",
        n.id === g.output ? "output" : "",
        grad !== undefined ? "has-grad" : "",
      ];
      const group = svg("g", {
        class: cls.filter(Boolean).join(" "),
        transform: `translate(${p.x},${p.y})`,
        "data-node": n.id,
        "data-kind": n.kind,
        "data-label": n.label,
        "data-gradfn": n.gradFn,
        "data-value": String(n.value),
        "data-grad": grad === undefined ? "" : String(grad),
      });
      group.append(
        svg(
          "title",
          {},
          n.kind === "const"
            ? `constant ${fmtNumber(n.value)} (no gradient)`
            : `${n.gradFn}: value ${fmtNumber(n.value)}${grad === undefined ? "" : `, gradient ${fmtNumber(grad)}`}`,
        ),
      );
      if (n.kind === "const") group.append(svg("rect", { x: -14, y: -11, width: 28, height: 22, rx: 4 }));
      else if (n.kind === "input") group.append(svg("rect", { x: -R, y: -R + 4, width: 2 * R, height: 2 * R - 8, rx: 6 }));
      else group.append(svg("circle", { r: R }));
      group.append(svg("text", { class: "graph-label", "text-anchor": "middle", dy: "0.35em" }, n.label));
      if (n.kind !== "const") {
        group.append(svg("text", { class: "graph-value", "text-anchor": "middle", y: -R - 7 }, fmtNumber(n.value)));
        if (grad !== undefined) group.append(svg("text", { class: "graph-gradient", "text-anchor": "middle", y: R + 15 }, fmtNumber(grad)));
      }
      nodes.append(group);
    }
    root.append(nodes, labels);
    return root;
  }

  // ---- events ----
  let timer = 0;
  expr.addEventListener("input", () => {
    preset.value = "";
    note.textContent = "";
    clearTimeout(timer);
    timer = window.setTimeout(() => rebuild(true), 120);
  });
  expr.addEventListener("keydown", (e) => {
    if (e.key === "Enter") {
      clearTimeout(timer);
      rebuild(true);
    }
  });
  preset.addEventListener("change", () => {
    const p = PRESETS[Number(preset.value)];
    if (!preset.value || !p) return;
    Object.assign(values, p.values);
    for (const [k, v] of Object.entries(p.values)) {
      const input = inputs.querySelector<HTMLInputElement>(`#graph-value-${k}`);
      if (input) input.value = String(v);
    }
    expr.value = p.expr;
    note.textContent = p.note;
    rebuild(true);
  });
  next.addEventListener("click", () => {
    if (graph && step < graph.steps.length) step++;
    render();
  });
  prev.addEventListener("click", () => {
    if (step > 0) step--;
    render();
  });
  reset.addEventListener("click", () => {
    step = 0;
    render();
  });
  all.addEventListener("click", () => {
    if (graph) step = graph.steps.length;
    render();
  });

  rebuild(true);
  // The view draws its own graph; the playground's settings don't change it.
  return { update() {} };
}
