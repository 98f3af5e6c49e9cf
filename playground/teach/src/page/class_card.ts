/**
 * One class's card: its name (renamed in place), the sample count and thumbnails (delete one or all), and the three
 * ways to add samples: the webcam (hold the button to record about 10 frames a second), image files (the Upload
 * button or a drop onto the card, several at once) and the sketch pad.
 */
import type { Camera } from "./camera.ts";
import { filesToSamples, paintSample } from "./capture.ts";
import type { ClassList, PageClass } from "./classes.ts";
import { button, el } from "./dom.ts";
import { SketchPad } from "./sketch.ts";

/** Frames per second recorded while the record button is held. */
export const RECORD_FPS = 10;
/** Thumbnails shown per class (the newest); the count says how many there are. */
export const MAX_THUMBNAILS = 60;

/** What a card asks of the page. */
export interface CardHost {
  classes: ClassList;
  camera: Camera;
  /** Samples or names changed (the train panel re-checks, the preview relabels). */
  changed(): void;
  /** A message for the user about this card ("" clears it). */
  note(text: string): void;
  remove(id: number): void;
}

export class ClassCard {
  readonly root: HTMLElement;
  private readonly nameInput: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly thumbs: HTMLElement;
  private readonly more: HTMLElement;
  private readonly camBox: HTMLElement;
  private readonly camView: HTMLCanvasElement;
  private readonly camMessage: HTMLElement;
  private readonly recordButton: HTMLButtonElement;
  private readonly drawBox: HTMLElement;
  private readonly clearAll: HTMLButtonElement;
  private readonly pad: SketchPad;
  private recordTimer: ReturnType<typeof setInterval> | null = null;
  private shown = "";

  constructor(
    readonly cls: PageClass,
    private readonly host: CardHost,
  ) {
    const id = cls.id;
    this.nameInput = el("input", {
      class: "class-name",
      type: "text",
      value: cls.name,
      maxlength: "40",
      "aria-label": "Class name",
      spellcheck: "false",
    });
    this.nameInput.addEventListener("change", () => this.rename());
    this.nameInput.addEventListener("keydown", (e) => {
      if (e.key === "Enter") this.nameInput.blur();
      if (e.key === "Escape") {
        this.nameInput.value = this.cls.name;
        this.nameInput.blur();
      }
    });
    const del = button("×", `Delete class ${cls.name}`, () => host.remove(id), { class: "icon delete-class" });
    this.count = el("span", { class: "count", "aria-live": "polite" });
    this.camView = el("canvas", { class: "cam-view", width: "160", height: "160", "aria-label": "Webcam" });
    this.camMessage = el("p", { class: "cam-message", role: "status" });
    this.recordButton = el("button", { type: "button", class: "record primary" }, "Hold to record");
    this.bindRecord();
    this.camBox = el("div", { class: "cam-box" }, this.camView, this.recordButton, this.camMessage);
    this.camBox.hidden = true;
    this.pad = new SketchPad(`sketch pad of ${cls.name}`, [button("Add sample", "Add the drawing as a sample", () => this.addDrawing())]);
    this.drawBox = el("div", { class: "draw-box" }, this.pad.root);
    this.drawBox.hidden = true;
    const fileInput = el("input", { type: "file", accept: "image/*", multiple: "", class: "file-input", "aria-label": "Upload images" });
    fileInput.addEventListener("change", () => {
      void this.addFiles(Array.from(fileInput.files ?? []));
      fileInput.value = "";
    });
    const camToggle = button("Webcam", "Record from the webcam", () => this.toggleCamera(), {
      class: "webcam-toggle",
      "aria-pressed": "false",
    });
    const upload = el("label", { class: "button upload" }, "Upload", fileInput);
    const drawToggle = button("Draw", "Draw samples", () => this.toggleDraw(), { class: "draw-toggle", "aria-pressed": "false" });
    this.thumbs = el("div", { class: "thumbs", role: "list", "aria-label": "Samples" });
    this.more = el("span", { class: "hint more" });
    this.clearAll = button(
      "Delete all",
      "Delete all samples of this class",
      () => {
        host.classes.clearSamples(id);
        this.refresh();
        host.changed();
      },
      { class: "clear-all" },
    );
    this.root = el(
      "section",
      { class: "class-card", "data-class-id": String(id) },
      el("header", { class: "card-head" }, this.nameInput, this.count, del),
      el("div", { class: "sources" }, camToggle, upload, drawToggle),
      this.camBox,
      this.drawBox,
      el("div", { class: "drop-hint hint" }, "…or drop image files here"),
      this.thumbs,
      el("div", { class: "thumb-foot" }, this.more, this.clearAll),
    );
    this.bindDrop();
    this.label();
    this.refresh();
  }

  private rename(): void {
    const problem = this.host.classes.rename(this.cls.id, this.nameInput.value);
    if (problem !== "") this.nameInput.value = this.cls.name;
    this.host.note(problem);
    this.label();
    this.host.changed();
  }

  /** The card's accessible names follow the class name (a screen reader hears which class a button belongs to). */
  private label(): void {
    const n = this.cls.name;
    this.root.setAttribute("aria-label", `Class ${n}`);
    this.root.querySelector(".delete-class")?.setAttribute("aria-label", `Delete class ${n}`);
    this.recordButton.setAttribute("aria-label", `Hold to record webcam samples of ${n}`);
  }

  private bindRecord(): void {
    const b = this.recordButton;
    b.addEventListener("pointerdown", (e) => {
      if (e.button !== 0) return;
      b.setPointerCapture(e.pointerId);
      this.startRecording();
    });
    for (const ev of ["pointerup", "pointercancel", "lostpointercapture", "blur"] as const)
      b.addEventListener(ev, () => this.stopRecording());
    b.addEventListener("keydown", (e) => {
      if ((e.key === " " || e.key === "Enter") && !e.repeat) {
        e.preventDefault();
        this.startRecording();
      }
    });
    b.addEventListener("keyup", (e) => {
      if (e.key === " " || e.key === "Enter") this.stopRecording();
    });
    // A click (no hold) records one frame; holding records more. The pointer handlers did it already.
    b.addEventListener("click", (e) => e.preventDefault());
  }

  private startRecording(): void {
    if (this.recordTimer !== null) return;
    if (this.host.camera.state.kind !== "live") {
      void this.toggleCamera(true);
      return;
    }
    this.recordButton.classList.add("recording");
    this.recordButton.textContent = "Recording…";
    this.grab();
    this.recordTimer = setInterval(() => this.grab(), 1000 / RECORD_FPS);
  }

  private stopRecording(): void {
    if (this.recordTimer === null) return;
    clearInterval(this.recordTimer);
    this.recordTimer = null;
    this.recordButton.classList.remove("recording");
    this.recordButton.textContent = "Hold to record";
  }

  private grab(): void {
    const frame = this.host.camera.grab();
    if (!frame) return;
    if (this.host.classes.addSamples(this.cls.id, [frame]) === 0) {
      this.stopRecording();
      this.host.note("The project holds as many samples as it can: delete some first.");
    }
    this.refresh();
    this.host.changed();
  }

  /** Shows or hides the webcam box (starting the camera the first time). */
  async toggleCamera(open = this.camBox.hidden): Promise<void> {
    this.camBox.hidden = !open;
    this.root.querySelector(".webcam-toggle")?.setAttribute("aria-pressed", String(open));
    if (!open) {
      this.stopRecording();
      this.host.camera.hide(this.camView);
      this.host.camera.release(this);
      return;
    }
    this.camMessage.textContent = "Starting the camera…";
    const s = await this.host.camera.start(this);
    this.showCameraState();
    if (s.kind === "live" && !this.camBox.hidden) this.host.camera.show(this.camView);
  }

  /** Reflects the camera's state in the card (called by the page when it changes). */
  showCameraState(): void {
    const s = this.host.camera.state;
    this.camMessage.textContent = s.kind === "failed" ? s.message : s.kind === "starting" ? "Starting the camera…" : "";
    this.camMessage.classList.toggle("warn", s.kind === "failed");
    this.recordButton.disabled = s.kind !== "live";
    this.camView.hidden = s.kind === "failed";
  }

  private toggleDraw(): void {
    this.drawBox.hidden = !this.drawBox.hidden;
    this.root.querySelector(".draw-toggle")?.setAttribute("aria-pressed", String(!this.drawBox.hidden));
  }

  private addDrawing(): void {
    if (!this.pad.dirty) {
      this.host.note("Draw something first, then add it.");
      return;
    }
    this.host.classes.addSamples(this.cls.id, [this.pad.sample()]);
    this.pad.clear();
    this.host.note("");
    this.refresh();
    this.host.changed();
  }

  /** Adds image files as samples (Upload or drop); says which files could not be read. */
  async addFiles(files: File[]): Promise<void> {
    if (files.length === 0) return;
    const { samples, errors } = await filesToSamples(files);
    const added = this.host.classes.addSamples(this.cls.id, samples);
    if (added < samples.length) errors.push(`${samples.length - added} images were left out: the project holds as many samples as it can`);
    this.host.note(errors.length > 0 ? `Some files were not added: ${errors.join("; ")}.` : "");
    this.refresh();
    this.host.changed();
  }

  private bindDrop(): void {
    const r = this.root;
    r.addEventListener("dragover", (e) => {
      if (!e.dataTransfer?.types.includes("Files")) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
      r.classList.add("drop-target");
    });
    r.addEventListener("dragleave", (e) => {
      if (!r.contains(e.relatedTarget as Node | null)) r.classList.remove("drop-target");
    });
    r.addEventListener("drop", (e) => {
      e.preventDefault();
      r.classList.remove("drop-target");
      void this.addFiles(Array.from(e.dataTransfer?.files ?? []));
    });
  }

  /** Redraws the count and the thumbnails (only those that changed). */
  refresh(): void {
    const samples = this.cls.samples;
    const n = samples.length;
    this.count.textContent = `${n} sample${n === 1 ? "" : "s"}`;
    this.clearAll.disabled = n === 0;
    if (this.nameInput !== document.activeElement) this.nameInput.value = this.cls.name;
    const visible = samples.slice(-MAX_THUMBNAILS);
    const key = visible.map((s) => s.id).join(",");
    if (key === this.shown) return;
    this.shown = key;
    const existing = new Map<string, Element>();
    for (const t of Array.from(this.thumbs.children)) existing.set((t as HTMLElement).dataset.sample ?? "", t);
    this.thumbs.replaceChildren(
      ...visible.map((s, i) => existing.get(String(s.id)) ?? this.thumbnail(s.id, s.rgba, n - visible.length + i + 1)),
    );
    this.more.textContent = n > visible.length ? `the newest ${visible.length} of ${n} shown` : "";
  }

  private thumbnail(sampleId: number, rgba: Uint8ClampedArray, index: number): HTMLElement {
    const c = el("canvas", { class: "thumb-image" });
    paintSample(c, rgba);
    const del = button(
      "×",
      `Delete sample ${index}`,
      () => {
        this.host.classes.removeSample(this.cls.id, sampleId);
        this.refresh();
        this.host.changed();
      },
      { class: "icon delete-sample" },
    );
    return el("div", { class: "thumb", role: "listitem", "data-sample": String(sampleId) }, c, del);
  }

  /** Stops what the card runs (recording, the camera view) before it is removed. */
  dispose(): void {
    this.stopRecording();
    this.host.camera.hide(this.camView);
    this.host.camera.release(this);
  }
}
