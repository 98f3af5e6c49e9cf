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
  leafGradients,
  PRESETS,
  type Preset,
  parseExpr,
  sgdStep,
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
/** The top-to-bottom layout (narrow screens): the distance between neighbours across, and between columns down. */
const ACROSS_V = 104;
const DOWN_V = 96;
const PAD_V = 30;

/** A rectangle in the drawing's coordinates. */
interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/** About how wide a monospace text of `size` px is. */
const textWidth = (text: string, size: number): number => text.length * size * 0.61;

const overlap = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0)) * Math.max(0, Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0));

/**
 * Where a term label goes on the edge (x1, y1) → (x2, y2), and in how many lines: beside the edge at the first of
 * several points along it where it covers nothing in `taken` (on one line, else broken before "="), or where it
 * covers least.
 */
function placeLabel(text: string, x1: number, y1: number, x2: number, y2: number, taken: readonly Box[]): { box: Box; lines: string[] } {
  const cut = text.lastIndexOf("=");
  const forms = [[text], cut > 0 ? [text.slice(0, cut), text.slice(cut)] : [text]];
  let best: { box: Box; lines: string[] } | null = null;
  let bestCost = Infinity;
  const steep = Math.abs(y2 - y1) > Math.abs(x2 - x1);
  for (const lines of forms) {
    const w = Math.max(...lines.map((l) => textWidth(l, 11))) + 4;
    const h = 14 * lines.length;
    for (const t of [0.5, 0.35, 0.65, 0.2, 0.8]) {
      const cx = x1 + (x2 - x1) * t;
      const cy = y1 + (y2 - y1) * t;
      const spots = steep
        ? [
            { x: cx + 6 + w / 2, y: cy },
            { x: cx - 6 - w / 2, y: cy },
          ]
        : [
            { x: cx, y: cy - 4 - h / 2 },
            { x: cx, y: cy + 4 + h / 2 },
          ];
      for (const c of spots) {
        const box = { x0: c.x - w / 2, x1: c.x + w / 2, y0: c.y - h / 2, y1: c.y + h / 2 };
        const cost = taken.reduce((sum, o) => sum + overlap(box, o), 0);
        if (cost === 0) return { box, lines };
        if (cost < bestCost) {
          best = { box, lines };
          bestCost = cost;
        }
      }
    }
  }
  return best as { box: Box; lines: string[] };
}

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
  /** The example picked from the menu, until the expression is edited (its note and its update follow the values). */
  let active: Preset | null = first;

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
  const note = el("p", { id: "graph-note", class: "hint" });
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
  const update = el("div", { id: "graph-update", class: "graph-update", "aria-live": "polite" });
  update.hidden = true;
  root.replaceChildren(exprRow, help, note, inputs, error, transport, canvas, explain, grads, update);

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

  /** The example's note, with the gradients of the values now in the inputs (never of the example's own values). */
  function renderNote(): void {
    if (!active) {
      note.textContent = "";
      return;
    }
    const g = graph;
    if (!g) {
      note.textContent = active.note;
      return;
    }
    const gs = leafGradients(g).map((l) => fmtNumber(l.grad));
    const list = gs.length > 1 ? `${gs.slice(0, -1).join(", ")} and ${gs.at(-1)}` : (gs[0] ?? "");
    const out = g.nodes.find((n) => n.id === g.output)?.value ?? Number.NaN;
    note.textContent = `${active.note} With these values f = ${fmtNumber(out)} and the leaf gradients are ${list}.`;
  }

  /** For a training example, once the backward pass is done: the gradient-descent step and what it does to f. */
  function renderUpdate(): void {
    const g = graph;
    const u = active?.update;
    if (!g || !u || step < g.steps.length) {
      update.hidden = true;
      update.replaceChildren();
      return;
    }
    let r: ReturnType<typeof sgdStep>;
    try {
      r = sgdStep(g, u.params, u.lr);
    } catch {
      update.hidden = true;
      return;
    }
    const head = el("p", {}, `The update: one SGD step with learning rate η = ${fmtNumber(r.lr)} moves each weight against its gradient.`);
    const list = el("ul");
    for (const x of r.updates) {
      list.append(
        el(
          "li",
          { "data-update-of": x.name },
          `${x.name} ← ${fmtNumber(x.before)} − ${fmtNumber(r.lr)} × ${fmtNumber(x.grad)} = ${fmtNumber(x.after)}`,
        ),
      );
    }
    const loss = el("p", { id: "graph-update-loss" }, `f goes from ${fmtNumber(r.before)} to ${fmtNumber(r.after)} with the new values.`);
    const apply = el("button", { id: "graph-apply-step", type: "button" }, "Take the step");
    apply.addEventListener("click", () => {
      for (const x of r.updates) {
        values[x.name] = x.after;
        const input = inputs.querySelector<HTMLInputElement>(`#graph-value-${x.name}`);
        if (input) input.value = String(Number(x.after.toPrecision(6)));
      }
      rebuild(true);
    });
    update.replaceChildren(head, list, loss, apply);
    update.hidden = false;
  }

  function render(): void {
    renderNote();
    renderUpdate();
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
    // Too wide for the page (a phone): the graph flows top to bottom instead, values and gradients beside the nodes.
    const room = canvas.clientWidth;
    const vertical = room > 0 && PAD_X * 2 + (cols - 1) * COL_W > room && room < 700;
    const pos = new Map(
      g.nodes.map((n) => [
        n.id,
        vertical ? { x: PAD_V + n.row * ACROSS_V, y: PAD_Y + n.col * DOWN_V } : { x: PAD_X + n.col * COL_W, y: PAD_Y + n.row * ROW_H },
      ]),
    );
    const byId = new Map(g.nodes.map((n) => [n.id, n]));
    // What the term labels must not cover: every node's shape and its value and gradient texts.
    const taken: Box[] = [];
    const textAt = (n: GraphNode, which: "value" | "grad", text: string): { x: number; y: number; anchor: string; box: Box } => {
      const p = pos.get(n.id) as { x: number; y: number };
      const w = textWidth(text, 12);
      if (vertical) {
        const y = which === "value" ? p.y - 4 : p.y + 12;
        return { x: p.x + R + 4, y, anchor: "start", box: { x0: p.x + R + 3, x1: p.x + R + 5 + w, y0: y - 10, y1: y + 4 } };
      }
      const y = which === "value" ? p.y - R - 7 : p.y + R + 15;
      return { x: p.x, y, anchor: "middle", box: { x0: p.x - w / 2 - 1, x1: p.x + w / 2 + 1, y0: y - 10, y1: y + 4 } };
    };
    for (const n of g.nodes) {
      const p = pos.get(n.id) as { x: number; y: number };
      const [hw, hh] = n.kind === "const" ? [14, 11] : [R, R];
      taken.push({ x0: p.x - hw - 2, x1: p.x + hw + 2, y0: p.y - hh - 2, y1: p.y + hh + 2 });
      if (n.kind !== "const") {
        taken.push(textAt(n, "value", fmtNumber(n.value)).box);
        const grad = known.get(n.id);
        if (grad !== undefined) taken.push(textAt(n, "grad", fmtNumber(grad)).box);
      }
    }
    const activeGate = current?.kind === "gate" ? current : null;
    const edges = svg("g", { class: "graph-edges" });
    const labels = svg("g", { class: "graph-edge-labels" });
    const placed: Box[] = [];
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
          const text = `${fmtNumber(term.upstream)}×${fmtNumber(term.local)}=${fmtNumber(term.product)}`;
          const { box, lines } = placeLabel(text, x1, y1, x2, y2, [...taken, ...placed]);
          placed.push(box);
          const label = svg("text", { class: "graph-term", "text-anchor": "middle", "data-term-to": from, "aria-label": text });
          lines.forEach((line, i) => {
            label.append(svg("tspan", { x: (box.x0 + box.x1) / 2, y: box.y0 + 11 + 14 * i }, line));
          });
          labels.append(label);
        }
      });
    }
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
        const v = textAt(n, "value", fmtNumber(n.value));
        group.append(svg("text", { class: "graph-value", "text-anchor": v.anchor, x: v.x - p.x, y: v.y - p.y }, fmtNumber(n.value)));
        if (grad !== undefined) {
          const t = textAt(n, "grad", fmtNumber(grad));
          group.append(svg("text", { class: "graph-gradient", "text-anchor": t.anchor, x: t.x - p.x, y: t.y - p.y }, fmtNumber(grad)));
        }
      }
      nodes.append(group);
    }
    // The drawing's extent: every node, text and label inside, with a margin.
    const all = [...taken, ...placed];
    const x0 = Math.min(...all.map((b) => b.x0)) - 6;
    const y0 = Math.min(...all.map((b) => b.y0)) - 6;
    const width = Math.ceil(Math.max(...all.map((b) => b.x1)) + 6 - x0);
    const height = Math.ceil(Math.max(...all.map((b) => b.y1)) + 6 - y0);
    const root = svg("svg", {
      id: "graph-svg",
      class: vertical ? "vertical" : "horizontal",
      width,
      height,
      viewBox: `${x0.toFixed(1)} ${y0.toFixed(1)} ${width} ${height}`,
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
    root.append(defs, edges, nodes, labels);
    return root;
  }

  // ---- events ----
  let timer = 0;
  expr.addEventListener("input", () => {
    preset.value = "";
    active = null;
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
    active = p;
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

  // A phone turned sideways (or a resized window) may switch between the left-to-right and top-to-bottom layouts.
  let resizing = 0;
  window.addEventListener("resize", () => {
    if (resizing === 0)
      resizing = requestAnimationFrame(() => {
        resizing = 0;
        render();
      });
  });

  rebuild(true);
  // The view draws its own graph; the playground's settings don't change it.
  return { update() {} };
}
