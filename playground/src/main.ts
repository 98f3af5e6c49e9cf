/**
 * The playground page: wires the controls, the network diagram, the output plot and the charts to the training
 * worker. The page never trains: it sends settings to the worker and draws the latest snapshot once per animation
 * frame.
 */
import { appendBounded, drawChart } from "./chart.ts";
import { $, Controls } from "./controls.ts";
import type { ParsedCsv } from "./csv.ts";
import type { PlaygroundData } from "./datasets.ts";
import type { DeviceReport } from "./device.ts";
import { download, showExport } from "./export.ts";
import { mountGraphView } from "./graph_view.ts";
import { showDivergence } from "./guard.ts";
import { drawOutput, paintClasses, paintGrid } from "./heatmap.ts";
import { networkConfig } from "./model.ts";
import { NetworkView, type NeuronRef } from "./network.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";
import { cloneState, dataKey, decodeState, encodeState, MAX_NEURONS, modelKey, normalizeState, type PlaygroundState } from "./state.ts";
import { GRID_RES, type Hyper, type LossPoint, type Snapshot } from "./trainer.ts";
import { bindCsvInput, reparse } from "./upload.ts";

let state = decodeState(location.hash);
let csv: { text: string; parsed: ParsedCsv | null; name: string } | null = null;
let data: PlaygroundData | null = null;
let latest: Snapshot | null = null;
let history: LossPoint[] = [];
let playing = false;
let hovered: NeuronRef | null = null;
let frame = 0;
let lastModelKey = "";
let lastDataKey = "";
let hashWritten = "";
/** What the worker can train on; null until it answered the probe (the first init waits for it). */
let devices: DeviceReport | null = null;
/** The status line shown while the worker opens WebGPU and builds the first network there ("" otherwise). */
let startingGpu = "";
/** Pause was pressed and Play not since. */
let pausedSince = false;

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const send = (msg: ToWorker) => worker.postMessage(msg);
const status = (text: string) => {
  $("status").textContent = text;
};

const hyperOf = (s: PlaygroundState): Hyper => ({
  learningRate: s.learningRate,
  optimizer: s.optimizer,
  regularization: s.regularization,
  regRate: s.regRate,
  batchSize: s.batchSize,
});

const outputsOf = (s: PlaygroundState): number =>
  s.problem === "multiclass" ? (s.dataset === "csv" && csv?.parsed ? csv.parsed.classes : s.classes) : 1;

const controls = new Controls((patch) => apply(patch));
const network = new NetworkView($("network"), {
  toggleFeature(f) {
    const on = state.features.includes(f);
    if (on && state.features.length === 1) {
      status("The network needs at least one input feature.");
      return;
    }
    apply({ features: on ? state.features.filter((x) => x !== f) : [...state.features, f] });
  },
  addNeuron(layer) {
    apply({ layers: state.layers.map((n, i) => (i === layer ? Math.min(MAX_NEURONS, n + 1) : n)) });
  },
  removeNeuron(layer) {
    apply({ layers: state.layers.map((n, i) => (i === layer ? Math.max(1, n - 1) : n)) });
  },
  setActivation(layer, a) {
    apply({ activations: state.activations.map((x, i) => (i === layer ? a : x)) });
  },
  hover(n) {
    hovered = n;
    schedule();
  },
  editWeight(layer, to, from, current, x, y) {
    openWeightEditor(layer, to, from, current, x, y);
  },
});
const graphView = mountGraphView($("graph-view-root"), {
  state: () => cloneState(state),
  network: () => networkConfig(state, outputsOf(state)),
});

/** Applies a settings change: URL, controls, and the worker (a reset when the network's shape or data changed). */
function apply(patch: Partial<PlaygroundState>, force = false): void {
  let next = normalizeState({ ...state, ...patch });
  if (next.device === "webgpu" && devices && !devices.webgpu) {
    status(`WebGPU is unavailable here (${devices.reason}); training on the CPU.`);
    next = { ...next, device: "cpu" };
  }
  if (next.dataset === "csv") {
    if (!csv) {
      status("The link asks for uploaded CSV data, which links can't carry: upload the file again. Showing a built-in dataset.");
      next = normalizeState({ ...next, dataset: "circle" });
    } else if (next.problem !== state.problem || !csv.parsed) {
      csv.parsed = reparse(csv.text, next.problem);
      if (!csv.parsed) next = normalizeState({ ...next, dataset: "circle" });
    }
  }
  state = next;
  hashWritten = `#${encodeState(state)}`;
  if (location.hash !== hashWritten) history_replace(hashWritten);
  controls.render(state);
  const mk = modelKey(state) + outputsOf(state);
  const dk = dataKey(state) + (state.dataset === "csv" ? (csv?.name ?? "") : "");
  if (force || mk !== lastModelKey || dk !== lastDataKey) {
    lastModelKey = mk;
    lastDataKey = dk;
    reset();
  } else {
    send({ type: "hyper", hyper: hyperOf(state) });
    schedule();
  }
  graphView.update();
}

function history_replace(hash: string): void {
  window.history.replaceState(null, "", hash);
}

function reset(): void {
  latest = null;
  history = [];
  playing = false;
  showDivergence(null);
  setPlaying(false);
  network.build(state, outputsOf(state));
  if (state.device === "webgpu") {
    startingGpu = `Building the network on WebGPU (${devices?.adapter ?? "adapter"}); the first shaders take a few seconds to compile…`;
    status(startingGpu);
  }
  send({ type: "init", state: cloneState(state), csv: state.dataset === "csv" ? (csv?.parsed ?? null) : null });
}

function setPlaying(p: boolean): void {
  playing = p;
  $("play").classList.toggle("active", p);
  $("play").setAttribute("aria-pressed", String(p));
  $("pause").setAttribute("aria-pressed", String(!p));
  document.body.classList.toggle("playing", p);
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const msg = e.data;
  switch (msg.type) {
    case "devices": {
      const first = devices === null;
      devices = msg.report;
      controls.showDevices(msg.report);
      if (first) apply({}, true);
      break;
    }
    case "data":
      data = msg.data;
      break;
    case "snapshot":
      if (startingGpu && $("status").textContent === startingGpu) status("");
      startingGpu = "";
      latest = msg.snapshot;
      history = appendBounded(history, msg.snapshot.history);
      // A snapshot posted before the worker saw "pause" (a chunk on WebGPU takes a while) doesn't turn Play back on.
      setPlaying(msg.playing && !pausedSince);
      schedule();
      break;
    case "diverged":
      setPlaying(false);
      showDivergence(msg.divergence);
      break;
    case "exported":
      showExport(msg.bytes, msg.snippet, msg.fileName);
      status(`Exported ${msg.fileName} and predict.ts.`);
      break;
    case "exportedOnnx":
      download(msg.bytes, msg.fileName, "application/octet-stream");
      status(`Exported ${msg.fileName} (ONNX: input "input" [batch, features], output "output").`);
      break;
    case "error":
      setPlaying(false);
      status(`Error: ${msg.message}`);
      break;
  }
};
worker.onerror = (e) => status(`The training worker failed: ${e.message}`);

function schedule(): void {
  if (frame === 0) frame = requestAnimationFrame(render);
}

const source = document.createElement("canvas");
const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "–");

function fitCanvas(c: HTMLCanvasElement): void {
  const dpr = window.devicePixelRatio || 1;
  const w = Math.round(c.clientWidth * dpr);
  const h = Math.round(c.clientHeight * dpr);
  if (w > 0 && h > 0 && (c.width !== w || c.height !== h)) {
    c.width = w;
    c.height = h;
  }
}

function render(): void {
  frame = 0;
  const s = latest;
  if (!s || !data) return;
  $("epoch").textContent = String(s.epoch);
  $("train-loss").textContent = fmtLoss(s.trainLoss);
  $("test-loss").textContent = fmtLoss(s.testLoss);
  network.update(s, state.discretize);
  // The big plot: the hovered neuron, or the output.
  const out = s.grids[s.grids.length - 1];
  let caption = "";
  if (hovered && s.grids[hovered.layer]?.[hovered.index]) {
    const g = s.grids[hovered.layer][hovered.index];
    if (hovered.layer === s.grids.length - 1 && state.problem === "multiclass") {
      paintGrid(source, g, GRID_RES, { kind: "class", cls: hovered.index, classes: out.length }, false);
    } else paintGrid(source, g, GRID_RES, { kind: "diverging", scale: hovered.layer === 0 ? maxAbs(g) : 1 }, false);
    caption =
      hovered.layer === 0
        ? `Showing input feature ${hovered.index + 1}`
        : hovered.layer === s.grids.length - 1
          ? `Showing output neuron ${hovered.index + 1}`
          : `Showing neuron ${hovered.index + 1} of hidden layer ${hovered.layer}`;
  } else if (state.problem === "multiclass") paintClasses(source, out, GRID_RES, state.discretize);
  else paintGrid(source, out[0], GRID_RES, { kind: "diverging" }, state.discretize);
  $("plot-caption").textContent = caption;
  const canvas = $<HTMLCanvasElement>("output-canvas");
  fitCanvas(canvas);
  const n = data.labels.length;
  const sets = [{ points: data.points, labels: data.labels, from: 0, to: data.nTrain, test: false }];
  if (state.showTest) sets.push({ points: data.points, labels: data.labels, from: data.nTrain, to: n, test: true });
  drawOutput(canvas, source, data.domain, sets, state.problem);
  // Charts.
  const lossChart = $<HTMLCanvasElement>("loss-chart");
  fitCanvas(lossChart);
  drawChart(lossChart, [
    { label: "train", color: "#999", values: history.map((p) => p.trainLoss) },
    { label: "test", color: "#222", values: history.map((p) => p.testLoss) },
  ]);
  const gradChart = $<HTMLCanvasElement>("grad-chart");
  fitCanvas(gradChart);
  const layers = s.weights.length;
  drawChart(
    gradChart,
    Array.from({ length: layers }, (_, i) => ({
      label: i === layers - 1 ? "output" : `layer ${i + 1}`,
      color: `hsl(${(i * 360) / Math.max(1, layers)}, 65%, 42%)`,
      values: history.map((p) => p.gradNorms[i] ?? Number.NaN),
    })),
    { log: true, legend: true },
  );
}

function maxAbs(a: Float32Array): number {
  let m = 1e-9;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

// The weight editor: a small popover at the clicked link.
let editing: { layer: number; to: number; from: number } | null = null;
function openWeightEditor(layer: number, to: number, from: number, current: number, x: number, y: number): void {
  editing = { layer, to, from };
  const box = $("weight-editor");
  box.hidden = false;
  box.style.left = `${x}px`;
  box.style.top = `${y}px`;
  const input = $<HTMLInputElement>("weight-input");
  input.value = current.toFixed(3);
  input.focus();
  input.select();
}
function closeWeightEditor(apply: boolean): void {
  const box = $("weight-editor");
  const value = Number($<HTMLInputElement>("weight-input").value);
  if (apply && editing && Number.isFinite(value)) send({ type: "setWeight", ...editing, value });
  editing = null;
  box.hidden = true;
}
$("weight-apply").addEventListener("click", () => closeWeightEditor(true));
$("weight-cancel").addEventListener("click", () => closeWeightEditor(false));
$("weight-input").addEventListener("keydown", (e) => {
  if (e.key === "Enter") closeWeightEditor(true);
  if (e.key === "Escape") closeWeightEditor(false);
});

// Transport.
$("play").addEventListener("click", () => {
  pausedSince = false;
  setPlaying(true);
  send({ type: "play" });
});
$("pause").addEventListener("click", () => {
  pausedSince = true;
  setPlaying(false);
  send({ type: "pause" });
});
$("step").addEventListener("click", () => send({ type: "step" }));
$("reset").addEventListener("click", () => apply({}, true));
$("export").addEventListener("click", () => send({ type: "export" }));
$("export-onnx").addEventListener("click", () => send({ type: "exportOnnx" }));
document.addEventListener("keydown", (e) => {
  const t = e.target as HTMLElement | null;
  if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA" || t.tagName === "BUTTON")) return;
  if (e.key === " ") {
    e.preventDefault();
    $(playing ? "pause" : "play").click();
  }
});

bindCsvInput({
  problem: () => state.problem,
  loaded(text, parsed, name) {
    csv = { text, parsed, name };
    apply({ dataset: "csv" }, true);
    status(`Loaded ${name}: ${parsed.labels.length} points.`);
  },
});

window.addEventListener("hashchange", () => {
  if (location.hash !== hashWritten) apply(decodeState(location.hash));
});
window.addEventListener("resize", schedule);

/** For tests and the console: read the page's state without scraping the DOM. */
const api = {
  state: () => cloneState(state),
  snapshot: () => latest,
  history: () => history.slice(),
  playing: () => playing,
  data: () => data,
  devices: () => devices,
};
(window as unknown as { tensorgradPlayground: typeof api }).tensorgradPlayground = api;

// The first network is built once the worker said which devices it has (a link may ask for WebGPU).
send({ type: "probe" });
