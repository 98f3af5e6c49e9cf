/**
 * The static controls of index.html bound to the state: selects filled with their options, sliders with their
 * readouts, dataset buttons, and the classroom "hide" checkboxes. Each change calls `change` with a patch.
 */
import { CLASS_COLORS, css } from "./colors.ts";
import type { DeviceReport } from "./device.ts";
import {
  ACTIVATIONS,
  DATASETS_BY_PROBLEM,
  type DatasetName,
  DEVICES,
  HIDEABLE,
  INITS,
  LEARNING_RATES,
  OPTIMIZERS,
  type PlaygroundState,
  PROBLEMS,
  REG_RATES,
  REGULARIZATIONS,
} from "./state.ts";

export const $ = <T extends HTMLElement = HTMLElement>(id: string): T => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`playground: #${id} is missing from index.html`);
  return el as T;
};

const DATASET_LABELS: Record<DatasetName, string> = {
  circle: "Circle",
  xor: "Exclusive or",
  gauss: "Gaussian",
  spiral: "Spiral",
  blobs: "Blobs",
  spirals: "Spirals",
  plane: "Plane",
  gaussian: "Multi gaussian",
  csv: "Uploaded CSV",
};

export const DROPOUTS = [0, 0.1, 0.2, 0.3, 0.5] as const;

function fillSelect(id: string, values: readonly (string | number)[], label: (v: string | number) => string = String): HTMLSelectElement {
  const s = $<HTMLSelectElement>(id);
  s.replaceChildren(...values.map((v) => new Option(label(v), String(v))));
  return s;
}

export type Change = (patch: Partial<PlaygroundState>) => void;

export class Controls {
  constructor(private readonly change: Change) {
    fillSelect("learning-rate", LEARNING_RATES).addEventListener("change", (e) =>
      change({ learningRate: Number((e.target as HTMLSelectElement).value) }),
    );
    fillSelect("activation", ACTIVATIONS).addEventListener("change", (e) => {
      const a = (e.target as HTMLSelectElement).value as PlaygroundState["activations"][number];
      change({ activations: this.state.layers.map(() => a) });
    });
    fillSelect("regularization", REGULARIZATIONS, (v) => (v === "none" ? "None" : String(v).toUpperCase())).addEventListener(
      "change",
      (e) => change({ regularization: (e.target as HTMLSelectElement).value as PlaygroundState["regularization"] }),
    );
    fillSelect("reg-rate", REG_RATES).addEventListener("change", (e) => change({ regRate: Number((e.target as HTMLSelectElement).value) }));
    fillSelect("problem", PROBLEMS, (v) => String(v)[0].toUpperCase() + String(v).slice(1)).addEventListener("change", (e) => {
      const problem = (e.target as HTMLSelectElement).value as PlaygroundState["problem"];
      change({ problem, dataset: DATASETS_BY_PROBLEM[problem][0] });
    });
    fillSelect(
      "optimizer",
      OPTIMIZERS,
      (v) => ({ sgd: "SGD", momentum: "SGD + momentum", adam: "Adam" })[String(v)] ?? String(v),
    ).addEventListener("change", (e) => change({ optimizer: (e.target as HTMLSelectElement).value as PlaygroundState["optimizer"] }));
    fillSelect("dropout", DROPOUTS, (v) => (v === 0 ? "None" : String(v))).addEventListener("change", (e) =>
      change({ dropout: Number((e.target as HTMLSelectElement).value) }),
    );
    fillSelect(
      "init",
      INITS,
      (v) =>
        ({ default: "PyTorch default", xavier: "Xavier (Glorot)", kaiming: "Kaiming (He)", normal: "N(0, 1)", zeros: "Zeros" })[
          String(v)
        ] ?? String(v),
    ).addEventListener("change", (e) => change({ init: (e.target as HTMLSelectElement).value as PlaygroundState["init"] }));
    fillSelect("device", DEVICES, (v) => (v === "cpu" ? "CPU" : "WebGPU")).addEventListener("change", (e) =>
      change({ device: (e.target as HTMLSelectElement).value as PlaygroundState["device"] }),
    );
    this.showDevices({ webgpu: false, adapter: "", software: false, reason: "checking for WebGPU…" });
    $<HTMLInputElement>("batch-norm").addEventListener("change", (e) => change({ batchNorm: (e.target as HTMLInputElement).checked }));
    $<HTMLInputElement>("show-test").addEventListener("change", (e) => change({ showTest: (e.target as HTMLInputElement).checked }));
    $<HTMLInputElement>("discretize").addEventListener("change", (e) => change({ discretize: (e.target as HTMLInputElement).checked }));
    const slider = (id: string, key: "noise" | "trainRatio" | "batchSize" | "classes") =>
      $<HTMLInputElement>(id).addEventListener("input", (e) => change({ [key]: Number((e.target as HTMLInputElement).value) }));
    slider("noise", "noise");
    slider("train-ratio", "trainRatio");
    slider("batch-size", "batchSize");
    slider("classes", "classes");
    $("regenerate").addEventListener("click", () => change({ seed: Math.floor(Math.random() * 1_000_000) }));
    $("add-layer").addEventListener("click", () => {
      const s = this.state;
      if (s.layers.length < 6) change({ layers: [...s.layers, 2], activations: [...s.activations, s.activations.at(-1) ?? "tanh"] });
    });
    $("remove-layer").addEventListener("click", () => {
      const s = this.state;
      if (s.layers.length > 0) change({ layers: s.layers.slice(0, -1), activations: s.activations.slice(0, -1) });
    });
    const hide = $("hide-controls");
    for (const key of HIDEABLE) {
      const l = document.createElement("label");
      const c = document.createElement("input");
      c.type = "checkbox";
      c.id = `hide-${key}`;
      c.addEventListener("change", () => {
        const set = new Set(this.state.hide);
        if (c.checked) set.add(key);
        else set.delete(key);
        change({ hide: HIDEABLE.filter((h) => set.has(h)) });
      });
      l.append(c, ` ${key}`);
      hide.append(l);
    }
  }

  private state!: PlaygroundState;

  /** Enables the WebGPU choice only where the worker opened an adapter, and names the adapter (or why there is none). */
  showDevices(r: DeviceReport): void {
    const select = $<HTMLSelectElement>("device");
    const webgpu = Array.from(select.options).find((o) => o.value === "webgpu");
    if (webgpu) webgpu.disabled = !r.webgpu;
    select.disabled = !r.webgpu;
    const info = $("device-info");
    info.textContent = r.webgpu ? r.adapter : "CPU only";
    info.title = r.webgpu ? `WebGPU adapter: ${r.adapter}` : `WebGPU is unavailable: ${r.reason}`;
  }

  /** Shows a state in the controls (without firing changes). */
  render(s: PlaygroundState): void {
    this.state = s;
    const setSel = (id: string, v: string | number) => {
      const el = $<HTMLSelectElement>(id);
      if (!Array.from(el.options).some((o) => o.value === String(v))) el.add(new Option(String(v), String(v)));
      el.value = String(v);
    };
    setSel("learning-rate", s.learningRate);
    const acts = new Set(s.activations);
    const act = $<HTMLSelectElement>("activation");
    act.value = acts.size === 1 ? s.activations[0] : "";
    setSel("regularization", s.regularization);
    setSel("reg-rate", s.regRate);
    setSel("problem", s.problem);
    setSel("optimizer", s.optimizer);
    setSel("dropout", s.dropout);
    setSel("init", s.init);
    setSel("device", s.device);
    $<HTMLInputElement>("batch-norm").checked = s.batchNorm;
    $<HTMLInputElement>("show-test").checked = s.showTest;
    $<HTMLInputElement>("discretize").checked = s.discretize;
    const slide = (id: string, v: number, text: string) => {
      $<HTMLInputElement>(id).value = String(v);
      $(`${id}-value`).textContent = text;
    };
    slide("noise", s.noise, String(s.noise));
    slide("train-ratio", s.trainRatio, `${s.trainRatio}%`);
    slide("batch-size", s.batchSize, String(s.batchSize));
    slide("classes", s.classes, String(s.classes));
    $("seed").textContent = String(s.seed);
    $("layer-count").textContent = String(s.layers.length);
    $<HTMLButtonElement>("add-layer").disabled = s.layers.length >= 6;
    $<HTMLButtonElement>("remove-layer").disabled = s.layers.length === 0;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-show]"))) el.hidden = el.dataset.show !== s.problem;
    for (const el of Array.from(document.querySelectorAll<HTMLElement>("[data-hide]"))) {
      el.classList.toggle("hidden-by-teacher", s.hide.includes(el.dataset.hide as (typeof HIDEABLE)[number]));
    }
    for (const key of HIDEABLE) $<HTMLInputElement>(`hide-${key}`).checked = s.hide.includes(key);
    this.renderDatasets(s);
  }

  private renderDatasets(s: PlaygroundState): void {
    const box = $("datasets");
    const names: DatasetName[] = [...DATASETS_BY_PROBLEM[s.problem]];
    if (s.dataset === "csv") names.push("csv");
    box.replaceChildren(
      ...names.map((name) => {
        const b = document.createElement("button");
        b.type = "button";
        b.id = `dataset-${name}`;
        b.dataset.dataset = name;
        b.className = `dataset${name === s.dataset ? " selected" : ""}`;
        b.setAttribute("aria-pressed", String(name === s.dataset));
        b.setAttribute("aria-label", `Dataset: ${DATASET_LABELS[name]}`);
        b.title = DATASET_LABELS[name];
        b.append(thumbnail(name, s.classes));
        b.addEventListener("click", () => this.change({ dataset: name }));
        return b;
      }),
    );
  }
}

/** A tiny drawing of a dataset for its button. */
function thumbnail(name: DatasetName, classes: number): HTMLCanvasElement {
  const c = document.createElement("canvas");
  c.width = 40;
  c.height = 40;
  const ctx = c.getContext("2d");
  if (!ctx) return c;
  ctx.fillStyle = "#f4f5f6";
  ctx.fillRect(0, 0, 40, 40);
  const dot = (x: number, y: number, color: string) => {
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(20 + x * 3.4, 20 - y * 3.4, 1.6, 0, 2 * Math.PI);
    ctx.fill();
  };
  const [neg, pos] = [css(CLASS_COLORS[0]), css(CLASS_COLORS[1])];
  for (let i = 0; i < 80; i++) {
    const t = (i / 80) * 2 * Math.PI;
    const r = (i * 7919) % 80;
    const u = ((r / 80) * 2 - 1) * 5;
    const v = ((((i * 104729) % 80) / 80) * 2 - 1) * 5;
    switch (name) {
      case "circle":
        dot(2 * Math.sin(t), 2 * Math.cos(t), pos);
        dot(4.2 * Math.sin(t), 4.2 * Math.cos(t), neg);
        break;
      case "xor":
        dot(u, v, u * v >= 0 ? pos : neg);
        break;
      case "gauss":
        dot(2 + Math.sin(t * 3) * (r / 80) * 1.5, 2 + Math.cos(t * 5) * (r / 80) * 1.5, pos);
        dot(-2 + Math.sin(t * 5) * (r / 80) * 1.5, -2 + Math.cos(t * 3) * (r / 80) * 1.5, neg);
        break;
      case "spiral":
      case "spirals": {
        const k = name === "spiral" ? 2 : classes;
        const rr = (i / 80) * 5;
        for (let c2 = 0; c2 < k; c2++)
          dot(rr * Math.sin(t * 1.5 + (2 * Math.PI * c2) / k), rr * Math.cos(t * 1.5 + (2 * Math.PI * c2) / k), css(CLASS_COLORS[c2]));
        break;
      }
      case "blobs":
        for (let c2 = 0; c2 < classes; c2++) {
          const a = (2 * Math.PI * c2) / classes + Math.PI / 2;
          dot(3.5 * Math.cos(a) + Math.sin(t * 3) * 0.9, 3.5 * Math.sin(a) + Math.cos(t * 5) * 0.9, css(CLASS_COLORS[c2]));
        }
        break;
      case "plane":
        ctx.fillStyle = `rgba(${u > -v ? "8,119,189" : "245,147,34"},${Math.min(1, Math.abs(u + v) / 8)})`;
        ctx.fillRect(20 + u * 3.4, 20 - v * 3.4, 3, 3);
        break;
      case "gaussian":
        dot(
          ((i % 3) - 1) * 4 + Math.sin(t * 7) * 0.8,
          (i % 2 ? 2.5 : -2.5) + Math.cos(t * 7) * 0.8,
          (i % 3) + (i % 2) === 1 || (i % 3) + (i % 2) === 3 ? pos : neg,
        );
        break;
      case "csv":
        dot(u, v, "#555");
        break;
    }
  }
  return c;
}
