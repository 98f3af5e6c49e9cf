/**
 * The Teachable Machine page: classes with their samples (webcam, files, sketches), training in the worker with live
 * curves, a live preview, export and import. The page never trains: it sends samples and settings to the worker
 * (teach_worker.js, tensorgrad on WebGPU or WASM) and shows what comes back. `window.tensorgradTeach` is a read-only
 * view of the page's state for the browser tests.
 */
import type { FromWorker, ToWorker } from "../protocol.ts";
import { Camera, type CameraState } from "./camera.ts";
import { ClassCard } from "./class_card.ts";
import { ClassList } from "./classes.ts";
import { type DeviceInfo, DevicePicker } from "./device.ts";
import { $ } from "./dom.ts";
import { readImport, showExported } from "./files.ts";
import { Preview } from "./preview.ts";
import { type Trained, TrainPanel } from "./train_panel.ts";

/** What the page is doing with the model. */
export type TeachPhase = "starting" | "idle" | "training" | "trained";

/** `window.tensorgradTeach`: what the browser tests read. */
export interface TeachApi {
  phase(): TeachPhase;
  device(): DeviceInfo | null;
  classes(): { name: string; samples: number }[];
  camera(): CameraState;
  /** The preview's latest probabilities (class order), how many predictions came back, and their rate. */
  predictions(): number[];
  predictionCount(): number;
  fps(): number;
  previewSource(): string;
  progress(): { epoch: number; epochs: number; loss: number; accuracy: number } | null;
  result(): Trained | null;
  /** The names of the files of the last export. */
  exported(): string[];
  /** The page's last message to the user (the note line). */
  note(): string;
}

const classes = new ClassList();
const cards = new Map<number, ClassCard>();
const panel = new TrainPanel();
let phase: TeachPhase = "starting";
/** The class names the current model was trained on (null: no model). */
let modelClasses: string[] | null = null;
let predictionCount = 0;
let exported: string[] = [];
/** The classes of the training run under way, and those of the model before it (kept when training fails). */
let pendingClasses: string[] = [];
let modelBeforeTraining: string[] | null = null;

const worker = new Worker(new URL("./teach_worker.js", import.meta.url), { type: "module" });
const send = (msg: ToWorker, transfer: Transferable[] = []) => worker.postMessage(msg, transfer);

/** The note line: one message, replaced by the next. */
const note = (text: string) => {
  $("note").textContent = text;
};

const camera = new Camera((s) => {
  const banner = $("camera-note");
  banner.textContent = s.kind === "failed" ? s.message : "";
  banner.hidden = s.kind !== "failed";
  for (const c of cards.values()) c.showCameraState();
});

const preview = new Preview(
  camera,
  (id, rgba) => {
    const copy = new Uint8ClampedArray(rgba);
    send({ type: "predict", id, rgba: copy }, [copy.buffer]);
  },
  note,
);

const devices = new DevicePicker(
  (device) => send({ type: "init", device }),
  note,
  () => changed(),
);

/** Rebuilds the cards after a class was added, deleted or a project imported (existing cards are kept). */
function renderCards(): void {
  const ids = new Set(classes.list.map((c) => c.id));
  for (const [id, card] of cards) {
    if (!ids.has(id)) {
      card.dispose();
      cards.delete(id);
    }
  }
  const host = {
    classes,
    camera,
    changed,
    note,
    remove: (id: number) => {
      classes.remove(id);
      renderCards();
      changed();
    },
  };
  $("cards").replaceChildren(
    ...classes.list.map((c) => {
      let card = cards.get(c.id);
      if (!card) {
        card = new ClassCard(c, host);
        cards.set(c.id, card);
      }
      card.refresh();
      return card.root;
    }),
  );
  $<HTMLButtonElement>("add-class").disabled = classes.full;
  for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>(".delete-class"))) b.disabled = classes.list.length <= 1;
}

/** Samples or classes changed: the train button's hint and whether the model still matches the classes. */
function changed(): void {
  const problem = classes.trainProblem();
  const button = $<HTMLButtonElement>("train-button");
  button.disabled = phase === "training" || phase === "starting" || devices.switching;
  devices.lock(phase === "training");
  $("train-hint").textContent = phase === "training" ? "" : problem;
  const names = classes.list.map((c) => c.name);
  const stale = modelClasses !== null && phase !== "training" && names.join("\u0000") !== modelClasses.join("\u0000");
  $("stale-note").hidden = !stale;
}

$("add-class").addEventListener("click", () => {
  const c = classes.add();
  if (!c) {
    note("A project has at most 10 classes.");
    return;
  }
  renderCards();
  changed();
  cards.get(c.id)?.root.querySelector<HTMLInputElement>(".class-name")?.focus();
});

$("train-button").addEventListener("click", () => {
  const problem = classes.trainProblem();
  if (problem !== "") {
    $("train-message").textContent = problem;
    return;
  }
  const settings = panel.settings();
  if (typeof settings === "string") {
    $("train-message").textContent = settings;
    ($("advanced") as HTMLDetailsElement).open = true;
    return;
  }
  $("train-message").textContent = "";
  const set = classes.trainingSet();
  phase = "training";
  modelBeforeTraining = modelClasses;
  modelClasses = null;
  preview.setModel(null, "Training… the preview starts when the model is ready.");
  $("export-result").hidden = true;
  panel.started(settings.epochs);
  $("stop-button").hidden = false;
  changed();
  send({ type: "train", classes: set.classes, samples: set.samples, settings });
  pendingClasses = set.classes;
});

$("stop-button").addEventListener("click", () => {
  send({ type: "stop" });
  $("train-status").textContent = "Stopping after this batch…";
});

$("export-button").addEventListener("click", () => {
  if (!modelClasses) {
    note("Train a model (or import one) before exporting.");
    return;
  }
  note("Exporting…");
  send({ type: "export", samples: $<HTMLInputElement>("export-samples").checked });
});

$<HTMLInputElement>("import-input").addEventListener("change", async (e) => {
  const input = e.target as HTMLInputElement;
  const files = Array.from(input.files ?? []);
  input.value = "";
  if (phase === "training") {
    note("Stop the training before importing.");
    return;
  }
  try {
    const read = await readImport(files);
    note("Importing…");
    send({ type: "import", files: read });
  } catch (err) {
    note(err instanceof Error ? err.message : String(err));
  }
});

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const msg = e.data;
  switch (msg.type) {
    case "ready":
      devices.ready(msg);
      if (phase === "starting" && !devices.switching) phase = "idle";
      changed();
      break;
    case "progress":
      panel.progress(msg);
      break;
    case "trained":
      phase = "trained";
      modelClasses = pendingClasses;
      panel.finished(msg);
      $("stop-button").hidden = true;
      preview.setModel(modelClasses);
      changed();
      break;
    case "prediction":
      predictionCount++;
      preview.received(msg.id, msg.probabilities);
      break;
    case "exported":
      exported = msg.files.map((f) => f.name);
      showExported(msg.files);
      note("");
      break;
    case "imported": {
      // project.json alone brings classes and samples but no model (`model: false`).
      const withModel = msg.model;
      classes.replace(msg.classes, msg.samples);
      if (msg.settings) panel.useSettings(msg.settings);
      for (const card of cards.values()) card.dispose();
      cards.clear();
      renderCards();
      modelClasses = withModel ? msg.classes : null;
      phase = withModel ? "trained" : "idle";
      preview.setModel(modelClasses, "This project came without a model: train one to preview it here.");
      const what = `${msg.classes.length} classes${msg.samples.length > 0 ? ` and ${msg.samples.length} samples` : " (no samples)"}`;
      note(`Imported ${what}${withModel ? " with the trained model" : ": train to get a model"}.`);
      changed();
      break;
    }
    case "error":
      if (msg.request === "predict") {
        preview.failed(msg.message);
        break;
      }
      if (msg.request === "train") {
        // The worker keeps the model it had before this training.
        modelClasses = modelBeforeTraining;
        phase = modelClasses ? "trained" : "idle";
        $("stop-button").hidden = true;
        panel.failed(`Training failed: ${msg.message}`);
        preview.setModel(modelClasses, "Train a model to see its predictions here.");
        changed();
      } else note(msg.message);
      break;
  }
};
worker.onerror = (e) => {
  note(`The worker stopped: ${e.message || "it could not load"}. Reload the page.`);
};

renderCards();
devices.start();
preview.setModel(null, "Train a model to see its predictions here.");

const api: TeachApi = {
  phase: () => phase,
  device: () => (devices.switching ? null : devices.info),
  classes: () => classes.list.map((c) => ({ name: c.name, samples: c.samples.length })),
  camera: () => camera.state,
  predictions: () => preview.probabilities.slice(),
  predictionCount: () => predictionCount,
  fps: () => preview.fps,
  previewSource: () => preview.source,
  progress: () =>
    panel.last ? { epoch: panel.last.epoch, epochs: panel.last.epochs, loss: panel.last.loss, accuracy: panel.last.accuracy } : null,
  result: () => panel.result,
  exported: () => exported.slice(),
  note: () => $("note").textContent ?? "",
};
(window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach = api;
