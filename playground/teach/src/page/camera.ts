/**
 * The webcam: one hidden <video> playing the camera's stream, shared by the class cards (hold to record) and the
 * preview. Visible views are canvases that copy the video's central square each animation frame, mirrored as a mirror
 * would show it (the samples themselves are not mirrored). Without a camera, or when permission is refused, `start`
 * resolves to a message for the user and the rest of the page keeps working.
 */
import { toSample } from "./capture.ts";

/** What the camera is doing: not asked yet, starting, live, or unavailable (with the reason shown to the user). */
export type CameraState = { kind: "off" } | { kind: "starting" } | { kind: "live" } | { kind: "failed"; message: string };

/** The user-facing sentence for a getUserMedia failure. */
export function cameraMessage(e: unknown): string {
  const name = e instanceof DOMException || e instanceof Error ? e.name : "";
  const tail = "You can still add samples with Upload and Draw.";
  switch (name) {
    case "NotAllowedError":
    case "SecurityError":
      return `Camera access was denied. Allow the camera for this page in the browser's site settings and reload. ${tail}`;
    case "NotFoundError":
    case "OverconstrainedError":
      return `No camera was found on this device. ${tail}`;
    case "NotReadableError":
    case "AbortError":
      return `The camera is in use by another program or could not start. Close it there and try again. ${tail}`;
    default:
      return `The camera could not start${e instanceof Error && e.message ? ` (${e.message})` : ""}. ${tail}`;
  }
}

export class Camera {
  private readonly video = document.createElement("video");
  private stream: MediaStream | null = null;
  private starting: Promise<CameraState> | null = null;
  private readonly views = new Set<HTMLCanvasElement>();
  private raf = 0;
  state: CameraState = { kind: "off" };

  constructor(private readonly onState: (s: CameraState) => void) {
    this.video.muted = true;
    this.video.playsInline = true;
    this.video.setAttribute("aria-hidden", "true");
    this.video.hidden = true;
    document.body.append(this.video);
  }

  /** Who uses the camera now (cards with their webcam box open, the preview): it stops when the last one releases it. */
  private readonly users = new Set<object>();

  /** Starts the camera for `user` (once: later calls share it); resolves to the state it reached. */
  start(user: object): Promise<CameraState> {
    this.users.add(user);
    if (this.state.kind === "live") return Promise.resolve(this.state);
    if (this.starting) return this.starting;
    this.starting = this.open().then((s) => {
      this.starting = null;
      this.set(s);
      return s;
    });
    return this.starting;
  }

  private async open(): Promise<CameraState> {
    this.set({ kind: "starting" });
    if (!navigator.mediaDevices?.getUserMedia) {
      return {
        kind: "failed",
        message: window.isSecureContext
          ? "This browser offers no camera access. You can still add samples with Upload and Draw."
          : "The camera needs a secure page (https or localhost). You can still add samples with Upload and Draw.",
      };
    }
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
      this.video.srcObject = this.stream;
      await this.video.play();
      if (this.video.videoWidth === 0) await new Promise((r) => this.video.addEventListener("loadeddata", r, { once: true }));
      if (this.users.size === 0) {
        // Everyone released it while it started.
        this.stop();
        return { kind: "off" };
      }
      return { kind: "live" };
    } catch (e) {
      this.stop();
      return { kind: "failed", message: cameraMessage(e) };
    }
  }

  private set(s: CameraState): void {
    this.state = s;
    this.onState(s);
  }

  /** The current frame as a sample, or null when the camera is not live. */
  grab(): Uint8ClampedArray | null {
    if (this.state.kind !== "live" || this.video.videoWidth === 0) return null;
    return toSample(this.video, this.video.videoWidth, this.video.videoHeight);
  }

  /** Shows the live image in `canvas` (mirrored) until `hide` is called with it. */
  show(canvas: HTMLCanvasElement): void {
    this.views.add(canvas);
    if (this.raf === 0) this.raf = requestAnimationFrame(() => this.paint());
  }

  hide(canvas: HTMLCanvasElement): void {
    this.views.delete(canvas);
  }

  private paint(): void {
    this.raf = 0;
    if (this.views.size === 0) return;
    const w = this.video.videoWidth;
    const h = this.video.videoHeight;
    if (this.state.kind === "live" && w > 0) {
      const side = Math.min(w, h);
      for (const c of this.views) {
        if (!c.isConnected) {
          this.views.delete(c);
          continue;
        }
        const ctx = c.getContext("2d");
        if (!ctx) continue;
        ctx.save();
        ctx.translate(c.width, 0);
        ctx.scale(-1, 1);
        ctx.drawImage(this.video, (w - side) / 2, (h - side) / 2, side, side, 0, 0, c.width, c.height);
        ctx.restore();
      }
    }
    this.raf = requestAnimationFrame(() => this.paint());
  }

  /** `user` no longer needs the camera; the last one to release it turns it off. */
  release(user: object): void {
    this.users.delete(user);
    if (this.users.size === 0 && !this.starting) this.stop();
  }

  /** Turns the camera off (the light goes off); a later `start` opens it again. */
  stop(): void {
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    this.stream = null;
    this.video.srcObject = null;
    if (this.state.kind === "live") this.set({ kind: "off" });
    this.users.clear();
  }
}
