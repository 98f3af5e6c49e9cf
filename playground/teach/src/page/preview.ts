/**
 * The preview: the current model classifies the webcam stream (a new frame is sent only when the previous
 * prediction has come back, so the rate is what the model sustains; it is measured and shown), a dropped or chosen
 * image file, or the sketch pad. Bars show each class's probability.
 */
import type { Camera } from "./camera.ts";
import { fileToSample, paintSample } from "./capture.ts";
import { $, el } from "./dom.ts";
import { SketchPad } from "./sketch.ts";

export type PreviewSource = "webcam" | "file" | "sketch";

/** Predictions counted for the rate: those of the last this many milliseconds. */
const FPS_WINDOW_MS = 2000;

export class Preview {
  source: PreviewSource = "webcam";
  /** The latest probabilities (class order) and the rate of webcam predictions per second. */
  probabilities: number[] = [];
  fps = 0;
  /** Whether a model exists and the page lets the preview run (not while training). */
  private enabled = false;
  private names: string[] = [];
  private inFlight: number | null = null;
  private nextId = 1;
  private times: number[] = [];
  private raf = 0;
  private readonly camView = $<HTMLCanvasElement>("preview-cam");
  private readonly image = $<HTMLCanvasElement>("preview-image");
  private readonly pad: SketchPad;
  private fileSample: Uint8ClampedArray | null = null;
  private stillPending = false;

  constructor(
    private readonly camera: Camera,
    /** Sends a prediction request to the worker. */
    private readonly predict: (id: number, rgba: Uint8ClampedArray) => void,
    private readonly note: (text: string) => void,
  ) {
    this.pad = new SketchPad("preview sketch pad", [], () => this.classifyStill());
    $("preview-sketch-box").append(this.pad.root);
    for (const r of Array.from(document.querySelectorAll<HTMLInputElement>('input[name="preview-source"]'))) {
      r.addEventListener("change", () => {
        if (r.checked) void this.setSource(r.value as PreviewSource);
      });
    }
    const input = $<HTMLInputElement>("preview-file-input");
    input.addEventListener("change", () => {
      const f = input.files?.[0];
      if (f) void this.useFile(f);
      input.value = "";
    });
    const box = $("preview");
    box.addEventListener("dragover", (e) => {
      if (!e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      box.classList.add("drop-target");
    });
    box.addEventListener("dragleave", (e) => {
      if (!box.contains(e.relatedTarget as Node | null)) box.classList.remove("drop-target");
    });
    box.addEventListener("drop", (e) => {
      e.preventDefault();
      box.classList.remove("drop-target");
      const f = e.dataTransfer?.files[0];
      if (f) {
        this.check("file");
        void this.setSource("file").then(() => this.useFile(f));
      }
    });
    this.renderBars();
  }

  private check(source: PreviewSource): void {
    const r = document.querySelector<HTMLInputElement>(`input[name="preview-source"][value="${source}"]`);
    if (r) r.checked = true;
  }

  /** Switches the input; the webcam starts when chosen. */
  async setSource(source: PreviewSource): Promise<void> {
    this.source = source;
    this.check(source);
    // Before there is a model the inputs stay hidden (the status line says to train first).
    $("preview-cam-box").hidden = source !== "webcam" || !this.enabled;
    $("preview-file-box").hidden = source !== "file" || !this.enabled;
    $("preview-sketch-box").hidden = source !== "sketch" || !this.enabled;
    this.times = [];
    this.fps = 0;
    this.showFps();
    if (source === "webcam" && this.enabled) await this.startCamera();
    else {
      this.camera.hide(this.camView);
      this.camera.release(this);
      if (this.enabled) this.classifyStill();
    }
    this.loop();
  }

  private async startCamera(): Promise<void> {
    const s = await this.camera.start(this);
    $("preview-cam-message").textContent = s.kind === "failed" ? s.message : "";
    this.camView.hidden = s.kind === "failed";
    if (s.kind === "live" && this.source === "webcam") this.camera.show(this.camView);
  }

  private async useFile(f: File): Promise<void> {
    try {
      this.fileSample = await fileToSample(f);
      paintSample(this.image, this.fileSample);
      this.image.hidden = false;
      this.note("");
      this.classifyStill();
    } catch (e) {
      this.note(e instanceof Error ? e.message : String(e));
    }
  }

  /** A model is ready (names in class order) or gone (null: while training, or none yet). */
  setModel(names: string[] | null, why = ""): void {
    this.enabled = names !== null;
    if (names) this.names = names;
    this.probabilities = [];
    this.inFlight = null;
    this.stillPending = false;
    $("preview-status").textContent = names ? "" : why;
    $("preview").classList.toggle("disabled", !this.enabled);
    this.renderBars();
    void this.setSource(this.source);
  }

  private classifyStill(): void {
    if (!this.enabled) return;
    if (this.inFlight !== null) {
      this.stillPending = true;
      return;
    }
    const rgba = this.source === "file" ? this.fileSample : this.source === "sketch" ? this.pad.sample() : null;
    if (rgba) this.send(rgba);
  }

  private send(rgba: Uint8ClampedArray): void {
    const id = this.nextId++;
    this.inFlight = id;
    this.predict(id, rgba);
  }

  /** Sends the next webcam frame once the previous prediction is back (runs each animation frame while needed). */
  private loop(): void {
    if (this.raf !== 0) return;
    const tick = () => {
      this.raf = 0;
      if (!this.enabled || this.source !== "webcam") return;
      if (this.inFlight === null) {
        const frame = this.camera.grab();
        if (frame) this.send(frame);
      }
      this.raf = requestAnimationFrame(tick);
    };
    this.raf = requestAnimationFrame(tick);
  }

  /** A prediction came back; stale ones (from before a model change) are dropped. */
  received(id: number, probabilities: number[]): void {
    if (id !== this.inFlight) return;
    this.inFlight = null;
    const status = $("preview-status");
    if (status.textContent !== "") status.textContent = "";
    this.probabilities = probabilities;
    if (this.source === "webcam") {
      const now = performance.now();
      this.times.push(now);
      while (this.times.length > 0 && now - this.times[0] > FPS_WINDOW_MS) this.times.shift();
      if (this.times.length >= 2) this.fps = ((this.times.length - 1) * 1000) / (now - this.times[0]);
      this.showFps();
    }
    this.renderBars();
    // The sketch or file changed while this prediction ran: classify the new one.
    if (this.stillPending) {
      this.stillPending = false;
      this.classifyStill();
    }
  }

  /** A prediction failed: the reason shows under the input, and the next request may go. */
  failed(message: string): void {
    this.inFlight = null;
    $("preview-status").textContent = message;
  }

  private showFps(): void {
    $("fps").textContent = this.source === "webcam" && this.fps > 0 ? `${this.fps.toFixed(1)} predictions/s` : "";
  }

  private renderBars(): void {
    const box = $("bars");
    if (
      box.children.length !== this.names.length ||
      Array.from(box.children).some((r, i) => (r as HTMLElement).dataset.name !== this.names[i])
    ) {
      box.replaceChildren(
        ...this.names.map((n) =>
          el(
            "div",
            { class: "bar-row", "data-name": n, role: "meter", "aria-label": n, "aria-valuemin": "0", "aria-valuemax": "100" },
            el("span", { class: "bar-label" }, n),
            el("span", { class: "bar" }, el("span", { class: "bar-fill" })),
            el("span", { class: "bar-value" }),
          ),
        ),
      );
    }
    const best = this.probabilities.indexOf(Math.max(...this.probabilities));
    Array.from(box.children).forEach((row, i) => {
      const p = this.probabilities[i];
      const r = row as HTMLElement;
      const known = p !== undefined && Number.isFinite(p);
      (r.querySelector(".bar-fill") as HTMLElement).style.width = `${known ? p * 100 : 0}%`;
      r.querySelector(".bar-value")!.textContent = known ? `${Math.round(p * 100)}%` : "–";
      r.setAttribute("aria-valuenow", known ? String(Math.round(p * 100)) : "0");
      r.classList.toggle("best", known && i === best);
    });
  }
}
