/**
 * The train panel: Train and Stop, the advanced settings (epochs, batch size, learning rate, augmentation; reset to
 * the defaults), the progress bar, live loss and accuracy charts (training and validation), and at the end the
 * validation accuracy per class and the confusion matrix.
 */
import { DEFAULT_SETTINGS, type FromWorker, type TrainSettings } from "../protocol.ts";
import { LineChart } from "./chart.ts";
import { $, el } from "./dom.ts";

type Progress = Extract<FromWorker, { type: "progress" }>;
export type Trained = Extract<FromWorker, { type: "trained" }>;

const TRAIN = "#0877bd";
const VALIDATION = "#e8710a";

/** The settings' bounds, as the worker checks them. */
const LIMITS = {
  epochs: { min: 1, max: 500, integer: true, label: "Epochs" },
  batchSize: { min: 1, max: 512, integer: true, label: "Batch size" },
  learningRate: { min: 1e-6, max: 1, integer: false, label: "Learning rate" },
} as const;

/** Reads the advanced fields; a message naming the first bad one instead when one is out of range. */
export function readSettings(fields: {
  epochs: string;
  batchSize: string;
  learningRate: string;
  augment: boolean;
}): TrainSettings | string {
  const out: TrainSettings = { ...DEFAULT_SETTINGS, augment: fields.augment };
  for (const key of ["epochs", "batchSize", "learningRate"] as const) {
    const lim = LIMITS[key];
    const text = fields[key].trim();
    const v = Number(text);
    if (text === "" || !Number.isFinite(v) || v < lim.min || v > lim.max || (lim.integer && !Number.isInteger(v))) {
      return `${lim.label} must be ${lim.integer ? "a whole number" : "a number"} from ${lim.min} to ${lim.max}, got "${text}".`;
    }
    out[key] = v;
  }
  return out;
}

export class TrainPanel {
  readonly loss = new LineChart("Loss", [
    { label: "training loss", color: TRAIN, points: [] },
    { label: "validation loss", color: VALIDATION, dashed: true, points: [] },
  ]);
  readonly accuracy = new LineChart(
    "Accuracy",
    [
      { label: "training accuracy", color: TRAIN, points: [] },
      { label: "validation accuracy", color: VALIDATION, dashed: true, points: [] },
    ],
    [0, 1],
    (v) => `${Math.round(v * 100)}%`,
  );
  private readonly epochs = $<HTMLInputElement>("epochs");
  private readonly batchSize = $<HTMLInputElement>("batch-size");
  private readonly learningRate = $<HTMLInputElement>("learning-rate");
  private readonly augment = $<HTMLInputElement>("augment");
  private readonly bar = $<HTMLProgressElement>("train-progress");
  private readonly status = $("train-status");
  private pending = false;
  /** The last progress message and the final report. */
  last: Progress | null = null;
  result: Trained | null = null;

  constructor() {
    $("charts").append(this.loss.root, this.accuracy.root);
    $("reset-defaults").addEventListener("click", () => this.resetDefaults());
    this.resetDefaults();
    this.loss.draw();
    this.accuracy.draw();
  }

  resetDefaults(): void {
    this.useSettings(DEFAULT_SETTINGS);
  }

  /** Shows an imported project's settings in the advanced fields. */
  useSettings(s: TrainSettings): void {
    this.epochs.value = String(s.epochs);
    this.batchSize.value = String(s.batchSize);
    this.learningRate.value = String(s.learningRate);
    this.augment.checked = s.augment;
  }

  settings(): TrainSettings | string {
    return readSettings({
      epochs: this.epochs.value,
      batchSize: this.batchSize.value,
      learningRate: this.learningRate.value,
      augment: this.augment.checked,
    });
  }

  /** Training starts: charts and results cleared. */
  started(epochs: number): void {
    this.last = null;
    this.result = null;
    this.loss.clear();
    this.accuracy.clear();
    this.bar.value = 0;
    this.bar.max = 1;
    this.bar.hidden = false;
    this.status.textContent = `Training: epoch 1 of ${epochs}…`;
    $("results").hidden = true;
  }

  progress(p: Progress): void {
    this.last = p;
    const x = p.epoch - 1 + p.batch / p.batches;
    this.bar.value = x / p.epochs;
    this.loss.add("training loss", x, p.loss);
    this.accuracy.add("training accuracy", x, p.accuracy);
    if (p.valLoss !== undefined) this.loss.add("validation loss", p.epoch, p.valLoss);
    if (p.valAccuracy !== undefined) this.accuracy.add("validation accuracy", p.epoch, p.valAccuracy);
    const val = p.valAccuracy !== undefined ? `, validation accuracy ${pct(p.valAccuracy)}` : "";
    this.status.textContent = `Training: epoch ${p.epoch} of ${p.epochs}, loss ${p.loss.toFixed(3)}, accuracy ${pct(p.accuracy)}${val}`;
    this.schedule();
  }

  /** Charts redraw once per animation frame at most (progress comes once per batch). */
  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.loss.draw();
      this.accuracy.draw();
    });
  }

  finished(t: Trained): void {
    this.result = t;
    this.bar.value = t.stopped ? this.bar.value : 1;
    const correct = t.perClass.reduce((s, c) => s + c.correct, 0);
    const total = t.perClass.reduce((s, c) => s + c.total, 0);
    const on =
      t.evaluatedOn === "validation"
        ? `${t.valCount} validation samples`
        : `the ${t.trainCount} training samples (too few to hold some out)`;
    this.status.textContent = `${t.stopped ? "Stopped" : "Trained"} in ${t.seconds.toFixed(1)} s: ${pct(total > 0 ? correct / total : 0)} right on ${on}.`;
    this.renderResults(t);
    this.schedule();
  }

  failed(message: string): void {
    this.status.textContent = message;
  }

  private renderResults(t: Trained): void {
    const names = t.perClass.map((c) => c.name);
    $("per-class-caption").textContent = `Accuracy per class (${t.evaluatedOn} samples)`;
    $("per-class").replaceChildren(
      el("tr", {}, el("th", { scope: "col" }, "Class"), el("th", { scope: "col" }, "Accuracy"), el("th", { scope: "col" }, "Samples")),
      ...t.perClass.map((c) =>
        el(
          "tr",
          {},
          el("th", { scope: "row" }, c.name),
          el("td", {}, c.total > 0 ? pct(c.correct / c.total) : "–"),
          el("td", {}, `${c.correct} / ${c.total}`),
        ),
      ),
    );
    const max = Math.max(1, ...t.confusion.flat());
    $("confusion").replaceChildren(
      el("tr", {}, el("th", { scope: "col" }, "true ↓ predicted →"), ...names.map((n) => el("th", { scope: "col" }, n))),
      ...t.confusion.map((row, i) =>
        el(
          "tr",
          {},
          el("th", { scope: "row" }, names[i] ?? String(i)),
          ...row.map((v, j) => {
            const td = el("td", { class: i === j ? "diag" : v > 0 ? "off" : "" }, String(v));
            td.style.setProperty("--share", String(v / max));
            return td;
          }),
        ),
      ),
    );
    $("results").hidden = false;
  }
}

const pct = (v: number) => `${Math.round(v * 1000) / 10}%`;
