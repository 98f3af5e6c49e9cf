/**
 * Shared by the playground's browser tests: build the playground into a temporary folder, serve it with
 * `tensorgrad playground --port 0 --dir ...`, and drive Debian's headless Chromium with playwright-core (never a
 * downloaded browser). `skipReason` is false where Chromium is installed (and under CI, where it must be).
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import type { PlaygroundData } from "../../playground/src/datasets.ts";
import type { DeviceReport } from "../../playground/src/device.ts";
import type { PlaygroundState } from "../../playground/src/state.ts";
import type { LossPoint, Snapshot } from "../../playground/src/trainer.ts";
import { buildPlayground } from "../../scripts/build-playground.ts";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const ARTIFACTS = join(ROOT, "test-artifacts");
export const CHROMIUM = process.env.TENSORGRAD_CHROMIUM ?? "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** What `window.tensorgradPlayground` exposes (see playground/src/main.ts). */
export interface PlaygroundApi {
  state(): PlaygroundState;
  snapshot(): Snapshot | null;
  history(): LossPoint[];
  playing(): boolean;
  data(): PlaygroundData | null;
  devices(): DeviceReport | null;
}
export type PlaygroundWindow = Window & { tensorgradPlayground: PlaygroundApi };

const haveChromium = existsSync(CHROMIUM);
/** Why the browser tests are skipped (false: they run; under CI a missing browser fails instead). */
export const skipReason: string | false =
  haveChromium || process.env.CI === "true"
    ? false
    : `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) to run the playground's browser tests`;

/** A served playground build and a browser on it; `close()` ends both and removes the temporary folders. */
export interface PlaygroundBrowser {
  base: string;
  context: BrowserContext;
  close(): Promise<void>;
}

/** Starts `tensorgrad playground` on a free port and resolves to the URL it prints (the teach tests use it too). */
export function startServer(dir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", "scripts/cli.ts", "playground", "--port", "0", "--dir", dir],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tensorgrad playground printed no URL: ${out}`)), 30_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1], child });
      }
    });
    child.stderr?.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.once("exit", (code) => reject(new Error(`tensorgrad playground exited with ${code}: ${out}`)));
  });
}

/** Builds the playground, serves it, and opens Chromium (desktop viewport unless told). */
export async function launchPlayground(viewport = { width: 1440, height: 900 }): Promise<PlaygroundBrowser> {
  if (!haveChromium) assert.fail(`${CHROMIUM} is missing: run "apt-get install -y chromium" and retry`);
  mkdirSync(ARTIFACTS, { recursive: true });
  const buildDir = mkdtempSync(join(tmpdir(), "tg-playground-defects-"));
  await buildPlayground(buildDir);
  const { url, child } = await startServer(buildDir);
  const { chromium } = await import("playwright-core");
  const profileDir = mkdtempSync(join(tmpdir(), "tg-chromium-profile-"));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: CHROMIUM_ARGS,
    viewport,
    acceptDownloads: true,
  });
  return {
    base: url,
    context,
    async close() {
      await context.close();
      child.kill("SIGTERM");
      for (const d of [buildDir, profileDir]) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** A new tab on the playground (after its first snapshot), with page errors, console errors and off-site requests collected. */
export async function openPage(
  pb: PlaygroundBrowser,
  hash = "",
  options: { viewport?: { width: number; height: number } } = {},
): Promise<{ page: Page; problems: string[] }> {
  const page = await pb.context.newPage();
  if (options.viewport) await page.setViewportSize(options.viewport);
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(pb.base) && !url.startsWith("data:") && !url.startsWith("blob:")) problems.push(`network request: ${url}`);
  });
  await page.goto(`${pb.base}${hash}`);
  await page.waitForFunction(() => {
    const api = (window as unknown as Partial<PlaygroundWindow>).tensorgradPlayground;
    return api !== undefined && api.snapshot() !== null && api.data() !== null;
  });
  return { page, problems };
}

/** Runs `fn` on the page's `window.tensorgradPlayground` (as a string: the page lacks the test's compiled helpers). */
export const api = <T>(page: Page, fn: (api: PlaygroundApi) => T): Promise<T> =>
  page.evaluate(`(${fn.toString()})(window.tensorgradPlayground)`) as Promise<T>;

/** Sets a range input as a user drag would (an input event). */
export const setRange = (page: Page, selector: string, value: number) =>
  page.locator(selector).evaluate((el, v) => {
    (el as HTMLInputElement).value = String(v);
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, value);
