/**
 * The network diagram: a column of input features (toggled by clicking), one column per hidden layer with + and −
 * buttons and its activation, and the output neurons. Every neuron shows its own small heatmap; the links between them
 * are SVG paths whose width follows |weight| and whose colour is the weight's sign. The links lie above the neurons (only
 * their strokes take the mouse): hovering one shows its weight in a tooltip, clicking it (or Enter) edits the weight.
 * In classroom mode (`lock`) the hidden controls' parts of the diagram are hidden and ignore clicks.
 */
import { css, NEGATIVE, POSITIVE } from "./colors.ts";
import { FEATURE_DEFS } from "./features.ts";
import { type GridStyle, paintGrid } from "./heatmap.ts";
import { ACTIVATIONS, type Activation, FEATURES, type FeatureName, type Hideable, MAX_NEURONS, type PlaygroundState } from "./state.ts";
import type { Snapshot } from "./trainer.ts";
import { GRID_RES } from "./trainer.ts";

const SVG = "http://www.w3.org/2000/svg";

/** A neuron of the diagram: layer 0 is the features, 1..L the hidden layers, L + 1 the output. */
export interface NeuronRef {
  layer: number;
  index: number;
}

export interface NetworkCallbacks {
  toggleFeature(f: FeatureName): void;
  addNeuron(layer: number): void;
  removeNeuron(layer: number): void;
  setActivation(layer: number, a: Activation): void;
  hover(n: NeuronRef | null): void;
  /** A link was clicked: Linear layer `layer`, weight [to, from], at page position (x, y). */
  editWeight(layer: number, to: number, from: number, current: number, x: number, y: number): void;
}

interface Link {
  layer: number;
  to: number;
  from: number;
  path: SVGPathElement;
  hit: SVGPathElement;
  value: number;
  /** The stroke width and colour last written (attributes are written only when they change). */
  width: string;
  stroke: string;
}

export class NetworkView {
  private readonly svg: SVGSVGElement;
  private readonly columns: HTMLDivElement;
  /** Canvases by [layer][index]; the feature layer has one per selected feature, in canonical order. */
  private canvases: HTMLCanvasElement[][] = [];
  private nodes: HTMLElement[][] = [];
  private links: Link[] = [];
  private problem: PlaygroundState["problem"] = "classification";
  private outputs = 1;
  private readonly tip: HTMLDivElement;
  private locked: readonly Hideable[] = [];
  private featureNames: string[] = [];

  constructor(
    private readonly root: HTMLElement,
    private readonly cb: NetworkCallbacks,
  ) {
    root.replaceChildren();
    this.svg = document.createElementNS(SVG, "svg");
    this.svg.classList.add("links");
    this.svg.setAttribute("aria-hidden", "false");
    this.columns = document.createElement("div");
    this.columns.className = "columns";
    this.tip = document.createElement("div");
    this.tip.id = "link-tooltip";
    this.tip.className = "link-tooltip";
    this.tip.setAttribute("role", "tooltip");
    this.tip.hidden = true;
    // The links after the columns: drawn (and hit) above the neurons' boxes.
    root.append(this.columns, this.svg, this.tip);
    new ResizeObserver(() => this.layoutLinks()).observe(root);
  }

  /** Rebuilds the diagram for a network shape. */
  build(state: PlaygroundState, outputs: number): void {
    this.problem = state.problem;
    this.outputs = outputs;
    this.columns.replaceChildren();
    this.featureNames = FEATURES.filter((f) => state.features.includes(f)).map((f) => FEATURE_DEFS[f].label);
    this.showTip(null);
    this.canvases = [];
    this.nodes = [];
    // Features: all seven shown, the selected ones active.
    const featCol = this.column("Features", "features");
    const featCanvases: HTMLCanvasElement[] = [];
    const featNodes: HTMLElement[] = [];
    for (const f of FEATURES) {
      const def = FEATURE_DEFS[f];
      const on = state.features.includes(f);
      const b = document.createElement("button");
      b.type = "button";
      b.id = `feature-${f}`;
      b.className = `node feature${on ? " active" : ""}`;
      b.setAttribute("aria-pressed", String(on));
      b.setAttribute("aria-label", `Input feature ${def.spoken}${on ? " (on)" : " (off)"}`);
      b.title = `${def.label}: click to ${on ? "remove" : "add"}`;
      const c = document.createElement("canvas");
      c.width = GRID_RES;
      c.height = GRID_RES;
      const label = document.createElement("span");
      label.className = "node-label";
      label.textContent = def.label;
      b.append(c, label);
      b.addEventListener("click", () => {
        if (!this.locked.includes("features")) this.cb.toggleFeature(f);
      });
      if (on) {
        featCanvases.push(c);
        featNodes.push(b);
        this.hoverable(b, { layer: 0, index: featNodes.length - 1 });
      }
      featCol.nodes.append(b);
    }
    this.canvases.push(featCanvases);
    this.nodes.push(featNodes);
    // Hidden layers.
    state.layers.forEach((n, li) => {
      const col = this.column(`${n} neuron${n === 1 ? "" : "s"}`, `layer-${li}`);
      const controls = document.createElement("div");
      controls.className = "neuron-buttons";
      const add = this.button(`add-neuron-${li}`, "+", `Add a neuron to hidden layer ${li + 1}`, () => {
        if (!this.locked.includes("layers")) this.cb.addNeuron(li);
      });
      add.disabled = n >= MAX_NEURONS;
      const remove = this.button(`remove-neuron-${li}`, "−", `Remove a neuron from hidden layer ${li + 1}`, () => {
        if (!this.locked.includes("layers")) this.cb.removeNeuron(li);
      });
      remove.disabled = n <= 1;
      controls.append(add, remove);
      const act = document.createElement("select");
      act.id = `activation-${li}`;
      act.className = "layer-activation";
      act.setAttribute("aria-label", `Activation of hidden layer ${li + 1}`);
      for (const a of ACTIVATIONS) act.add(new Option(a, a, false, a === state.activations[li]));
      act.addEventListener("change", () => {
        if (!this.locked.includes("activation")) this.cb.setActivation(li, act.value as Activation);
      });
      col.head.append(controls, act);
      const { canvases, nodes } = this.neurons(col.nodes, li + 1, n, `hidden layer ${li + 1}`);
      this.canvases.push(canvases);
      this.nodes.push(nodes);
    });
    const out = this.column(outputs === 1 ? "Output" : `${outputs} classes`, "output");
    const { canvases, nodes } = this.neurons(out.nodes, state.layers.length + 1, outputs, "the output layer");
    this.canvases.push(canvases);
    this.nodes.push(nodes);
    this.makeLinks(state);
    this.lock(state.hide);
    requestAnimationFrame(() => this.layoutLinks());
  }

  /**
   * Classroom mode: with "features" hidden the unused features disappear and the used ones can't be toggled; with
   * "layers" hidden the per-layer + and − go; with "activation" hidden the per-layer activation menus go.
   */
  lock(hide: readonly Hideable[]): void {
    const same = hide.length === this.locked.length && hide.every((h) => this.locked.includes(h));
    this.locked = [...hide];
    this.root.classList.toggle("locked-features", hide.includes("features"));
    this.root.classList.toggle("locked-layers", hide.includes("layers"));
    this.root.classList.toggle("locked-activation", hide.includes("activation"));
    for (const b of Array.from(this.root.querySelectorAll<HTMLButtonElement>(".neuron-buttons button, .feature"))) {
      if (hide.includes(b.classList.contains("feature") ? "features" : "layers")) b.setAttribute("aria-disabled", "true");
      else b.removeAttribute("aria-disabled");
    }
    for (const s of Array.from(this.root.querySelectorAll<HTMLSelectElement>(".layer-activation")))
      s.disabled = hide.includes("activation");
    if (!same) requestAnimationFrame(() => this.layoutLinks());
  }

  private button(id: string, text: string, label: string, onClick: () => void): HTMLButtonElement {
    const b = document.createElement("button");
    b.type = "button";
    b.id = id;
    b.textContent = text;
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
  }

  private column(title: string, key: string): { head: HTMLDivElement; nodes: HTMLDivElement } {
    const col = document.createElement("div");
    col.className = "layer";
    col.dataset.layer = key;
    const head = document.createElement("div");
    head.className = "layer-head";
    const t = document.createElement("div");
    t.className = "layer-title";
    t.textContent = title;
    head.append(t);
    const nodes = document.createElement("div");
    nodes.className = "nodes";
    col.append(head, nodes);
    this.columns.append(col);
    return { head, nodes };
  }

  private neurons(parent: HTMLElement, layer: number, n: number, where: string): { canvases: HTMLCanvasElement[]; nodes: HTMLElement[] } {
    const canvases: HTMLCanvasElement[] = [];
    const nodes: HTMLElement[] = [];
    for (let i = 0; i < n; i++) {
      const d = document.createElement("div");
      d.className = "node neuron";
      d.tabIndex = 0;
      d.id = `neuron-${layer}-${i}`;
      d.setAttribute("role", "img");
      d.setAttribute("aria-label", `Neuron ${i + 1} of ${where}; hover or focus to show it large`);
      const c = document.createElement("canvas");
      c.width = GRID_RES;
      c.height = GRID_RES;
      d.append(c);
      this.hoverable(d, { layer, index: i });
      parent.append(d);
      canvases.push(c);
      nodes.push(d);
    }
    return { canvases, nodes };
  }

  private hoverable(el: HTMLElement, ref: NeuronRef): void {
    el.addEventListener("mouseenter", () => this.cb.hover(ref));
    el.addEventListener("mouseleave", () => this.cb.hover(null));
    el.addEventListener("focus", () => this.cb.hover(ref));
    el.addEventListener("blur", () => this.cb.hover(null));
  }

  private makeLinks(state: PlaygroundState): void {
    this.svg.replaceChildren();
    this.links = [];
    const widths = [state.features.length, ...state.layers, this.outputs];
    for (let layer = 0; layer + 1 < widths.length; layer++) {
      for (let to = 0; to < widths[layer + 1]; to++) {
        for (let from = 0; from < widths[layer]; from++) {
          const path = document.createElementNS(SVG, "path");
          path.classList.add("link");
          const hit = document.createElementNS(SVG, "path");
          hit.classList.add("link-hit");
          hit.setAttribute("tabindex", "0");
          hit.setAttribute("role", "button");
          hit.id = `link-${layer}-${to}-${from}`;
          const link: Link = { layer, to, from, path, hit, value: 0, width: "", stroke: "" };
          const edit = (x: number, y: number) => {
            this.showTip(null);
            this.cb.editWeight(layer, to, from, link.value, x, y);
          };
          hit.addEventListener("click", (e) => edit(e.pageX, e.pageY));
          hit.addEventListener("mouseenter", (e) => this.showTip(link, e.clientX, e.clientY));
          hit.addEventListener("mousemove", (e) => this.showTip(link, e.clientX, e.clientY));
          hit.addEventListener("mouseleave", () => this.showTip(null));
          hit.addEventListener("focus", () => {
            const r = hit.getBoundingClientRect();
            this.showTip(link, r.left + r.width / 2, r.top + r.height / 2);
          });
          hit.addEventListener("blur", () => this.showTip(null));
          hit.addEventListener("keydown", (e) => {
            if (e.key === "Enter" || e.key === " ") {
              e.preventDefault();
              const r = hit.getBoundingClientRect();
              edit(r.left + window.scrollX + r.width / 2, r.top + window.scrollY + r.height / 2);
            }
          });
          this.svg.append(path, hit);
          this.links.push(link);
        }
      }
    }
  }

  /** What a link's tooltip and label say. */
  private describe(l: Link): string {
    const from = l.layer === 0 ? `input ${this.featureNames[l.from] ?? l.from + 1}` : `neuron ${l.from + 1} of hidden layer ${l.layer}`;
    const last = this.nodes.length - 2;
    const to = l.layer === last ? `output ${l.to + 1}` : `neuron ${l.to + 1} of hidden layer ${l.layer + 1}`;
    return `Weight ${l.value.toFixed(3)}: ${from} → ${to}`;
  }

  /** The hovered (or focused) link's weight next to the pointer, the link highlighted; null hides it. */
  private showTip(l: Link | null, clientX = 0, clientY = 0): void {
    for (const other of this.links) other.path.classList.toggle("hovered", other === l);
    if (!l) {
      this.tip.hidden = true;
      return;
    }
    const box = this.root.getBoundingClientRect();
    this.tip.textContent = `${this.describe(l)} (click to edit)`;
    this.tip.hidden = false;
    this.tip.style.left = `${Math.round(clientX - box.left + this.root.scrollLeft + 12)}px`;
    this.tip.style.top = `${Math.round(clientY - box.top + this.root.scrollTop + 14)}px`;
  }

  /** Places the link curves between the neurons' current positions. */
  layoutLinks(): void {
    // In the diagram's own coordinates: on a narrow screen it scrolls sideways inside its box.
    const rect = this.root.getBoundingClientRect();
    const box = { left: rect.left - this.root.scrollLeft, top: rect.top - this.root.scrollTop };
    this.svg.setAttribute("width", String(Math.max(rect.width, this.root.scrollWidth)));
    this.svg.setAttribute("height", String(Math.max(rect.height, this.root.scrollHeight)));
    for (const l of this.links) {
      const a = this.nodes[l.layer]?.[l.from]?.getBoundingClientRect();
      const b = this.nodes[l.layer + 1]?.[l.to]?.getBoundingClientRect();
      if (!a || !b) continue;
      const x1 = a.right - box.left;
      const y1 = a.top + a.height / 2 - box.top;
      const x2 = b.left - box.left;
      const y2 = b.top + b.height / 2 - box.top;
      const mx = (x1 + x2) / 2;
      const d = `M${x1.toFixed(1)},${y1.toFixed(1)} C${mx.toFixed(1)},${y1.toFixed(1)} ${mx.toFixed(1)},${y2.toFixed(1)} ${x2.toFixed(1)},${y2.toFixed(1)}`;
      l.path.setAttribute("d", d);
      l.hit.setAttribute("d", d);
    }
  }

  /**
   * Paints every neuron's heatmap and restyles the links from a snapshot. A link's attributes are written only when
   * its drawn width or colour changes (steps of 0.1 px and 0.05 opacity); `labels` also refreshes the aria-labels.
   */
  update(s: Snapshot, discretize: boolean, labels = true): void {
    const L = this.canvases.length - 1;
    s.grids.forEach((layer, li) => {
      layer.forEach((grid, i) => {
        const c = this.canvases[li]?.[i];
        if (!c) return;
        let style: GridStyle = { kind: "diverging" };
        if (li === 0) style = { kind: "diverging", scale: maxAbs(grid) };
        if (li === L && this.problem === "multiclass") style = { kind: "class", cls: i, classes: this.outputs };
        paintGrid(c, grid, GRID_RES, style, discretize && li === L);
      });
    });
    for (const l of this.links) {
      const w = s.weights[l.layer];
      if (!w) continue;
      const v = w.weight[l.to * w.inFeatures + l.from];
      if (v === undefined || l.from >= w.inFeatures) continue;
      l.value = v;
      const width = (Math.round(Math.min(8, 0.4 + 2.5 * Math.abs(v)) * 10) / 10).toFixed(1);
      if (width !== l.width) {
        l.width = width;
        l.path.setAttribute("stroke-width", width);
      }
      const stroke = css(v >= 0 ? POSITIVE : NEGATIVE, Math.round(Math.min(1, 0.35 + Math.abs(v)) * 20) / 20);
      if (stroke !== l.stroke) {
        l.stroke = stroke;
        l.path.setAttribute("stroke", stroke);
      }
      if (labels) l.hit.setAttribute("aria-label", `${this.describe(l)}; press Enter to edit`);
    }
  }
}

function maxAbs(a: Float32Array): number {
  let m = 1e-9;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
