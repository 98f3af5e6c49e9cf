/**
 * The playground page: wires the controls, the network diagram, the output plot and the charts to the training
 * worker. The page never trains: it sends settings to the worker and draws the latest snapshot once per animation
 * frame.
 */
import { appendBounded, drawChart, renderLegend, type Series, thin } from "./chart.ts";
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
import {
  cloneState,
  dataKey,
  decodeStateChecked,
  encodeState,
  MAX_NEURONS,
  modelKey,
  normalizeState,
  type PlaygroundState,
} from "./state.ts";
import { GRID_RES, type Hyper, type LossPoint, type Snapshot } from "./trainer.ts";
import { bindCsvInput, reparse, showCsvError } from "./upload.ts";

const decoded = decodeStateChecked(location.hash);
let state = decoded.state;
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
/** Training diverged (the alert shows why); Play waits for a reset. */
let stopped = false;

const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
const send = (msg: ToWorker) => worker.postMessage(msg);
/** The status line: one message, replaced by the next and cleared by the next thing the user does. */
const status = (text: string) => {
  $("status").textContent = text;
};

/** Lists the URL's fields that fell back to their defaults (hidden when there are none). */
function showUrlNotes(notes: readonly string[]): void {
  $("url-note-list").replaceChildren(
    ...notes.map((n) => {
      const li = document.createElement("li");
      li.textContent = n;
      return li;
    }),
  );
  $("url-note").hidden = notes.length === 0;
}
showUrlNotes(decoded.notes);
$("url-note-close").addEventListener("click", () => showUrlNotes([]));

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
    if (state.hide.includes("features")) return;
    const on = state.features.includes(f);
    if (on && state.features.length === 1) {
      status("The network needs at least one input feature.");
      return;
    }
    apply({ features: on ? state.features.filter((x) => x !== f) : [...state.features, f] });
  },
  addNeuron(layer) {
    if (state.hide.includes("layers")) return;
    apply({ layers: state.layers.map((n, i) => (i === layer ? Math.min(MAX_NEURONS, n + 1) : n)) });
  },
  removeNeuron(layer) {
    if (state.hide.includes("layers")) return;
    apply({ layers: state.layers.map((n, i) => (i === layer ? Math.max(1, n - 1) : n)) });
  },
  setActivation(layer, a) {
    if (state.hide.includes("activation")) return;
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
  // Whatever the last message said is about the previous settings.
  status("");
  if (patch.dataset !== undefined && patch.dataset !== "csv") showCsvError(null);
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
  network.lock(state.hide);
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
  stopped = false;
  showDivergence(null);
  setPlaying(false);
  network.build(state, outputsOf(state));
  if (state.device === "webgpu") {
    startingGpu = `Building the network on WebGPU (${devices?.adapter ?? "adapter"}); the first shaders take a few seconds to compile…`;
    status(startingGpu);
  }
  send({ type: "init", state: cloneState(state), csv: state.dataset === "csv" ? (csv?.parsed ?? null) : null });
}

/** Shows whether training runs: one button (Play while paused, Pause while playing) and a "Training" / "Paused" readout. */
function setPlaying(p: boolean): void {
  const what = p ? "training" : stopped ? "stopped" : "paused";
  if (p === playing && $("run-state").dataset.state === what) return;
  playing = p;
  $("play").hidden = p;
  $("pause").hidden = !p;
  const readout = $("run-state");
  readout.dataset.state = what;
  readout.textContent = p ? "Training" : stopped ? "Stopped" : "Paused";
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
      // One posted by the previous network before the worker saw the reset: its shape isn't the diagram's.
      if (!fitsNetwork(msg.snapshot)) break;
      if (startingGpu && $("status").textContent === startingGpu) status("");
      startingGpu = "";
      latest = msg.snapshot;
      history = appendBounded(history, msg.snapshot.history);
      // A snapshot posted before the worker saw "pause" (a chunk on WebGPU takes a while) doesn't turn Play back on.
      setPlaying(msg.playing && !pausedSince && !stopped);
      schedule();
      break;
    case "diverged":
      stopped = true;
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

/** Whether a snapshot's layers have the current network's shape. */
function fitsNetwork(s: Snapshot): boolean {
  const widths = [state.features.length, ...state.layers, outputsOf(state)];
  return s.weights.length === widths.length - 1 && s.weights.every((w, i) => w.inFeatures === widths[i] && w.outFeatures === widths[i + 1]);
}

function schedule(): void {
  if (frame === 0) frame = requestAnimationFrame(render);
}

const source = document.createElement("canvas");
/** While training, the network diagram and the charts are redrawn at most this often (milliseconds). */
const NETWORK_MS = 60;
let labelsAt = 0;
let networkAt = 0;
const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : "–");

/**
 * The CSS size of each drawn canvas, kept by a ResizeObserver: reading clientWidth in the frame would force a layout
 * after the frame's DOM writes (the most expensive part of a frame with a big network).
 */
const cssSizes = new WeakMap<Element, { width: number; height: number }>();
const sizeWatch = new ResizeObserver((entries) => {
  for (const e of entries) cssSizes.set(e.target, { width: e.contentRect.width, height: e.contentRect.height });
  schedule();
});
for (const id of ["output-canvas", "loss-chart", "grad-chart"]) sizeWatch.observe($(id));

function fitCanvas(c: HTMLCanvasElement): void {
  const dpr = window.devicePixelRatio || 1;
  const size = cssSizes.get(c) ?? { width: c.clientWidth, height: c.clientHeight };
  const w = Math.round(size.width * dpr);
  const h = Math.round(size.height * dpr);
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
  // While training, the diagram (a heatmap per neuron, a path per weight: most of a frame's painting with a big
  // network) and the charts are redrawn at most every NETWORK_MS, the output plot and the numbers every frame; the
  // links' screen-reader labels once a second. Paused, everything is drawn at once (snapshots keep coming while
  // training, and one follows a pause).
  const now = performance.now();
  const slowParts = !playing || now - networkAt >= NETWORK_MS;
  if (slowParts) {
    const labels = !playing || now - labelsAt > 1000;
    if (labels) labelsAt = now;
    network.update(s, state.discretize, labels);
    networkAt = now;
  }
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
  if (slowParts && !state.hide.includes("charts")) drawCharts(s);
}

function drawCharts(s: Snapshot): void {
  const shown = thin(history);
  const epochs = shown.map((p) => p.epoch);
  const lossChart = $<HTMLCanvasElement>("loss-chart");
  fitCanvas(lossChart);
  const losses: Series[] = [
    { label: "training loss", color: "#999", values: shown.map((p) => p.trainLoss) },
    { label: "test loss", color: "#222", values: shown.map((p) => p.testLoss) },
  ];
  drawChart(lossChart, losses, { epochs, empty: "The loss per epoch appears here: press Play or Step" });
  renderLegend($("loss-legend"), losses);
  const gradChart = $<HTMLCanvasElement>("grad-chart");
  fitCanvas(gradChart);
  const layers = s.weights.length;
  const norms: Series[] = Array.from({ length: layers }, (_, i) => ({
    label: i === layers - 1 ? "output layer" : `layer ${i + 1}`,
    color: `hsl(${(i * 360) / Math.max(1, layers)}, 65%, 42%)`,
    values: shown.map((p) => p.gradNorms[i] ?? Number.NaN),
  }));
  drawChart(gradChart, norms, { log: true, epochs, empty: "Each layer's gradient norm appears here while training" });
  renderLegend($("grad-legend"), norms);
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
  $("weight-error").hidden = true;
  const input = $<HTMLInputElement>("weight-input");
  input.removeAttribute("aria-invalid");
  input.value = current.toFixed(3);
  input.focus();
  input.select();
}
/** The largest weight the editor accepts (larger ones only make the network diverge). */
const MAX_EDITED_WEIGHT = 1000;
function closeWeightEditor(apply: boolean): void {
  const box = $("weight-editor");
  const error = $("weight-error");
  if (apply && editing) {
    const text = $<HTMLInputElement>("weight-input").value.trim();
    const value = Number(text);
    const problem =
      text === ""
        ? "Type a number (the field is empty)."
        : !Number.isFinite(value)
          ? `"${text.slice(0, 20)}" is not a number.`
          : Math.abs(value) > MAX_EDITED_WEIGHT
            ? `Pick a weight from −${MAX_EDITED_WEIGHT} to ${MAX_EDITED_WEIGHT}.`
            : "";
    if (problem) {
      error.textContent = problem;
      error.hidden = false;
      $<HTMLInputElement>("weight-input").setAttribute("aria-invalid", "true");
      $<HTMLInputElement>("weight-input").focus();
      return;
    }
    send({ type: "setWeight", ...editing, value });
  }
  error.hidden = true;
  $<HTMLInputElement>("weight-input").removeAttribute("aria-invalid");
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
  status("");
  if (stopped) {
    status("Training stopped (the message above says why): press Reset to start again, then Play.");
    return;
  }
  pausedSince = false;
  setPlaying(true);
  send({ type: "play" });
});
$("pause").addEventListener("click", () => {
  pausedSince = true;
  setPlaying(false);
  send({ type: "pause" });
});
$("step").addEventListener("click", () => {
  status("");
  send({ type: "step" });
});
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
  if (location.hash === hashWritten) return;
  const { state: next, notes } = decodeStateChecked(location.hash);
  showUrlNotes(notes);
  apply(next);
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
