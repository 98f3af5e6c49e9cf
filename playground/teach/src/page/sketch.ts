/**
 * A sketch pad: a white square canvas drawn on with the mouse, a pen or a finger (pointer events), black strokes. It
 * turns into a sample like any other image (`sample()`); `onStroke` runs after each stroke (the preview classifies it).
 */
import { toSample } from "./capture.ts";
import { button, el } from "./dom.ts";

/** Side of the pad's canvas in pixels (CSS may show it smaller). */
export const PAD_SIZE = 192;

export class SketchPad {
  readonly root: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private drawing = false;
  private last: { x: number; y: number } | null = null;
  /** Whether anything was drawn since the last clear. */
  dirty = false;

  /**
   * `label` names the pad for assistive technology; `actions` are extra buttons next to Clear (e.g. "Add sample").
   */
  constructor(
    label: string,
    actions: HTMLButtonElement[] = [],
    private readonly onStroke?: () => void,
  ) {
    this.canvas = el("canvas", { class: "sketch", width: String(PAD_SIZE), height: String(PAD_SIZE), "aria-label": label, role: "img" });
    const ctx = this.canvas.getContext("2d", { willReadFrequently: true });
    if (!ctx) throw new Error("this browser has no 2D canvas");
    this.ctx = ctx;
    this.clear();
    this.canvas.addEventListener("pointerdown", (e) => {
      this.drawing = true;
      this.canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.line(this.last, this.last);
      e.preventDefault();
    });
    this.canvas.addEventListener("pointermove", (e) => {
      if (!this.drawing || !this.last) return;
      const p = this.point(e);
      this.line(this.last, p);
      this.last = p;
    });
    const end = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.last = null;
      this.onStroke?.();
    };
    this.canvas.addEventListener("pointerup", end);
    this.canvas.addEventListener("pointercancel", end);
    const clear = button("Clear", `Clear the ${label}`, () => {
      this.clear();
      this.onStroke?.();
    });
    this.root = el("div", { class: "sketch-pad" }, this.canvas, el("div", { class: "sketch-actions" }, clear, ...actions));
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * PAD_SIZE, y: ((e.clientY - r.top) / r.height) * PAD_SIZE };
  }

  private line(a: { x: number; y: number }, b: { x: number; y: number }): void {
    const ctx = this.ctx;
    ctx.strokeStyle = "#111";
    ctx.lineWidth = PAD_SIZE / 16;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
    this.dirty = true;
  }

  /** White again. */
  clear(): void {
    this.ctx.fillStyle = "#fff";
    this.ctx.fillRect(0, 0, PAD_SIZE, PAD_SIZE);
    this.dirty = false;
  }

  /** The drawing as a sample (IMAGE_SIZE² RGBA). */
  sample(): Uint8ClampedArray {
    return toSample(this.canvas, PAD_SIZE, PAD_SIZE);
  }
}
