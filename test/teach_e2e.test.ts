/**
 * End-to-end tests of the Teachable Machine page (issue 15) in headless Chromium (Debian's, driven by playwright-core).
 * The page is built into a temporary folder and served by the CLI's server; the camera is Chromium's fake device
 * playing .y4m videos the test writes (two visibly different synthetic scenes). Chromium opens the video file each
 * time the camera starts, so the test switches scenes by releasing the camera (closing the card's webcam box),
 * writing the other scene's video over the file, and opening the camera again.
 *
 * Without /usr/bin/chromium the file is skipped with a message (under CI a missing browser fails instead).
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import type { BrowserContext, Download, Page } from "playwright-core";
import { IMAGE_SIZE } from "../playground/teach/src/core/image.ts";
import { loadTeachModel } from "../playground/teach/src/core/import.ts";
import type { TeachApi } from "../playground/teach/src/page/main.ts";
import { DEFAULT_SETTINGS } from "../playground/teach/src/protocol.ts";
import { buildPlayground } from "../scripts/build-playground.ts";
import { ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, skipReason as skip, startServer } from "./helpers/playground_browser.ts";
import { encodePng, type Frame, scene, writeY4m } from "./helpers/teach_media.ts";

if (skip) console.log(`# teach e2e skipped: ${skip}`);

/** The fake camera's frame size and the scenes' videos: training runs (seed 1) and held-out runs (seed 2). */
const CAM_W = 160;
const CAM_H = 120;
const FRAMES = 30;

let buildDir = "";
let work = "";
let server: ChildProcess | null = null;
let base = "";
const contexts: BrowserContext[] = [];

const video = (kind: "a" | "b", seed: number) => join(work, `${kind}${seed}.y4m`);
/** The file Chromium's fake camera plays: a copy of one of the videos above. */
const camFile = () => join(work, "camera.y4m");
const useScene = (kind: "a" | "b", seed: number) => copyFileSync(video(kind, seed), camFile());

/**
 * Chromium with the fake camera (`camera`: "file" plays camFile(), "denied" refuses permission, "none" has no camera,
 * "webgpu": no camera, WebGPU on, the GPU process too: SwiftShader's software adapter where there is no GPU).
 */
async function launch(camera: "file" | "denied" | "none" | "webgpu"): Promise<BrowserContext> {
  const { chromium } = await import("playwright-core");
  const media =
    camera === "file"
      ? ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${camFile()}`]
      : camera === "denied"
        ? ["--use-fake-device-for-media-stream", "--deny-permission-prompts"]
        : [];
  const context = await chromium.launchPersistentContext(mkdtempSync(join(work, "profile-")), {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args:
      camera === "webgpu"
        ? [...CHROMIUM_ARGS.filter((a) => a !== "--disable-gpu"), "--enable-unsafe-webgpu", "--disable-gpu-sandbox"]
        : [...CHROMIUM_ARGS, ...media],
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
  });
  contexts.push(context);
  return context;
}

/** The teach page on the CPU path, once the worker is ready; page errors, console errors and off-site requests are collected. */
async function open(context: BrowserContext, query = "?device=cpu"): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(base) && !url.startsWith("data:") && !url.startsWith("blob:")) problems.push(`network request: ${url}`);
  });
  await page.goto(`${base}teach.html${query}`);
  await page.waitForFunction(() => (window as unknown as { tensorgradTeach?: TeachApi }).tensorgradTeach?.phase() === "idle");
  return { page, problems };
}

/** Runs `fn` on the page's `window.tensorgradTeach` (as a string: the page lacks the test's compiled helpers). */
const api = <T>(page: Page, fn: (a: TeachApi) => T): Promise<T> =>
  page.evaluate(`(${fn.toString()})(window.tensorgradTeach)`) as Promise<T>;

const card = (page: Page, i: number) => page.locator(".class-card").nth(i);

/**
 * Opens class `i`'s webcam box, holds "Hold to record" for `ms` (the mouse button, or the space bar on the focused
 * button), and closes the box (the camera turns off).
 */
async function record(page: Page, i: number, ms: number, via: "mouse" | "keyboard" = "mouse"): Promise<void> {
  await card(page, i).locator(".webcam-toggle").click();
  await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.camera().kind === "live");
  const button = card(page, i).locator("button.record");
  if (via === "mouse") {
    await button.hover();
    await page.mouse.down();
    await page.waitForTimeout(ms);
    await page.mouse.up();
  } else {
    await button.focus();
    await page.keyboard.down(" ");
    await page.waitForTimeout(ms);
    await page.keyboard.up(" ");
  }
  assert.equal(await button.textContent(), "Hold to record");
  await card(page, i).locator(".webcam-toggle").click();
  await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.camera().kind === "off");
}

/** Sets the epochs in the advanced settings and trains; resolves to the final report. */
async function train(page: Page, epochs: number): Promise<NonNullable<ReturnType<TeachApi["result"]>>> {
  if (!(await page.locator("#epochs").isVisible())) await page.click("#advanced summary");
  await page.fill("#epochs", String(epochs));
  await page.click("#train-button");
  await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.phase() === "trained", null, {
    timeout: 240_000,
  });
  const result = await api(page, (a) => a.result());
  assert.ok(result, "a report after training");
  return result;
}

/**
 * Collects the class the preview picks for the next `n` webcam predictions (after skipping `skip`, which may still be
 * of the previous scene), and the preview's predictions per second meanwhile.
 */
const COLLECT = `(async ({ n, skip }) => {
  const api = window.tensorgradTeach;
  const picks = [];
  let seen = api.predictionCount();
  const t0 = performance.now();
  while (picks.length < n) {
    await new Promise((r) => requestAnimationFrame(r));
    const count = api.predictionCount();
    if (count === seen) {
      if (performance.now() - t0 > 60000) break;
      continue;
    }
    seen = count;
    if (skip > 0) { skip--; continue; }
    const p = api.predictions();
    picks.push(p.indexOf(Math.max(...p)));
  }
  return { picks, fps: api.fps() };
})`;

async function collect(page: Page, n: number, skipFirst: number): Promise<{ picks: number[]; fps: number }> {
  return page.evaluate(`${COLLECT}(${JSON.stringify({ n, skip: skipFirst })})`) as Promise<{ picks: number[]; fps: number }>;
}

/** Raw bytes of a served file with Accept-Encoding: gzip (Node's fetch would decompress silently). */
function getGzip(url: string): Promise<{ status: number; encoding: string | undefined; type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { "Accept-Encoding": "gzip" } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          encoding: res.headers["content-encoding"],
          type: res.headers["content-type"],
          body: Buffer.concat(parts),
        }),
      );
    }).on("error", reject);
  });
}

const argmax = (p: readonly number[]) => p.indexOf(Math.max(...p));

/** Waits (up to 20 s) until `ok()` holds in the test's process. */
async function expectSoon(ok: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > 20_000) assert.fail(`not within 20 s: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("teach page end to end (headless Chromium)", { skip }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    work = mkdtempSync(join(tmpdir(), "tg-teach-e2e-"));
    buildDir = join(work, "build");
    await buildPlayground(buildDir);
    for (const kind of ["a", "b"] as const) {
      for (const seed of [1, 2])
        writeY4m(
          video(kind, seed),
          Array.from({ length: FRAMES }, (_, i) => scene(kind, CAM_W, CAM_H, i, seed)),
        );
    }
    useScene("a", 1);
    const started = await startServer(buildDir);
    server = started.child;
    base = started.url;
  });

  after(async () => {
    for (const c of contexts) await c.close();
    server?.kill("SIGTERM");
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("serves teach.html, teach.css, teach.js and teach_worker.js from the build, gzip-compressed", async () => {
    for (const [file, type] of [
      ["teach.html", /^text\/html/],
      ["teach.css", /^text\/css/],
      ["teach.js", /^text\/javascript/],
      ["teach_worker.js", /^text\/javascript/],
    ] as const) {
      const r = await getGzip(`${base}${file}`);
      assert.equal(r.status, 200, file);
      assert.match(r.type ?? "", type, file);
      assert.equal(r.encoding, "gzip", file);
      assert.deepEqual(gunzipSync(r.body), readFileSync(join(buildDir, file)), file);
    }
  });

  it("is linked from the playground, and links back to it", async () => {
    const context = await launch("none");
    const { page, problems } = await open(context);
    await page.click("#playground-link");
    await page.waitForURL(`${base}index.html`);
    await page.click(".teach-link a");
    await page.waitForURL(`${base}teach.html`);
    await page.waitForFunction(() => (window as unknown as { tensorgradTeach?: TeachApi }).tensorgradTeach?.phase() === "idle");
    assert.deepEqual(problems, []);
  });

  it("records two webcam scenes, trains, and the live preview tells held-out frames of each apart (≥ 90%)", async () => {
    useScene("a", 1);
    const context = await launch("file");
    const { page, problems } = await open(context);
    assert.deepEqual(await api(page, (a) => a.classes()), [
      { name: "Class 1", samples: 0 },
      { name: "Class 2", samples: 0 },
    ]);
    assert.equal(await page.inputValue("#device"), "cpu");
    assert.equal(await page.locator("#device-badge").textContent(), "WASM");
    await record(page, 0, 2500);
    useScene("b", 1);
    await record(page, 1, 2500, "keyboard");
    const counts = await api(page, (a) => a.classes().map((c) => c.samples));
    // About 10 frames a second while held.
    for (const n of counts) assert.ok(n >= 12 && n <= 35, `samples recorded in 2.5 s: ${counts}`);
    // The file switch took: class 1's thumbnails are the warm scene, class 2's the cool one.
    const tint = await page.evaluate(() =>
      Array.from(document.querySelectorAll(".class-card")).map((c) => {
        const d = (c.querySelector("canvas.thumb-image") as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 32, 32).data;
        let red = 0;
        let blue = 0;
        for (let i = 0; i < d.length; i += 4) {
          red += d[i];
          blue += d[i + 2];
        }
        return red - blue;
      }),
    );
    assert.ok(tint[0] > 0 && tint[1] < 0, `red minus blue of the first thumbnails: ${tint}`);

    const result = await train(page, 20);
    const valTotal = result.perClass.reduce((s, c) => s + c.total, 0);
    assert.equal(
      result.confusion.flat().reduce((s, v) => s + v, 0),
      valTotal,
    );
    assert.equal(await page.locator("#confusion tr").count(), 3);
    assert.equal(await page.locator("#per-class tr").count(), 3);
    assert.equal(await page.locator(".chart").first().getAttribute("data-empty"), "false");

    // Held-out frames (another run of each scene): the preview's webcam input.
    const accuracy: number[] = [];
    let fps = 0;
    for (const [kind, label] of [
      ["a", 0],
      ["b", 1],
    ] as const) {
      await page.check('input[name="preview-source"][value="sketch"]');
      await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.camera().kind === "off");
      useScene(kind, 2);
      await page.check('input[name="preview-source"][value="webcam"]');
      const got = await collect(page, 40, 5);
      assert.equal(got.picks.length, 40, "40 webcam predictions within a minute");
      accuracy.push(got.picks.filter((p) => p === label).length / got.picks.length);
      fps = got.fps;
    }
    console.log(
      `# teach e2e: held-out webcam accuracy per scene ${accuracy.map((a) => a.toFixed(2))}, preview ${fps.toFixed(1)} predictions/s`,
    );
    for (const a of accuracy) assert.ok(a >= 0.9, `held-out webcam frames right: ${accuracy}`);
    const bars = await page.locator("#bars .bar-row").count();
    assert.equal(bars, 2);
    // The sketch pad as the input: each stroke is classified.
    await page.check('input[name="preview-source"][value="sketch"]');
    const before = await api(page, (a) => a.predictionCount());
    const pad = page.locator("#preview-sketch-box canvas.sketch");
    const box = await pad.boundingBox();
    assert.ok(box);
    await page.mouse.move(box.x + 30, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + 150, box.y + 120, { steps: 6 });
    await page.mouse.up();
    await page.waitForFunction((n) => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.predictionCount() > n, before);
    const sketchProbs = await api(page, (a) => a.predictions());
    assert.equal(sketchProbs.length, 2);
    assert.ok(Math.abs(sketchProbs[0] + sketchProbs[1] - 1) < 1e-5);
    await page.screenshot({ path: join(ARTIFACTS, "teach_webcam.png"), fullPage: true });
    assert.deepEqual(problems, []);
  });

  it("uploads PNGs, trains, classifies held-out images; export → Node's loader gives the page's probabilities; import restores", async () => {
    const context = await launch("none");
    const { page, problems } = await open(context);
    // Rename the classes in place; add a third class and delete it again.
    for (const [i, name] of ["warm", "cool"].entries()) {
      await card(page, i).locator(".class-name").fill(name);
      await card(page, i).locator(".class-name").press("Enter");
    }
    await page.click("#add-class");
    assert.equal(await page.locator(".class-card").count(), 3);
    await card(page, 2).locator(".delete-class").click();
    assert.deepEqual(
      (await api(page, (a) => a.classes())).map((c) => c.name),
      ["warm", "cool"],
    );
    // Training images of odd sizes (the page center-crops and scales them); held-out ones at the model's size.
    const png = (f: Frame, name: string) => ({ name, mimeType: "image/png", buffer: encodePng(f) });
    for (const [i, kind] of (["a", "b"] as const).entries()) {
      const files = Array.from({ length: 16 }, (_, k) => png(scene(kind, 64, 48, k, 3), `${kind}${k}.png`));
      await card(page, i).locator('input[type="file"]').setInputFiles(files);
    }
    await page.waitForFunction(() =>
      (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.classes().every((c) => c.samples === 16),
    );
    // Delete one thumbnail of "cool": 15 left.
    await card(page, 1).locator(".thumb").first().hover();
    await card(page, 1).locator(".delete-sample").first().click();
    assert.deepEqual(
      (await api(page, (a) => a.classes())).map((c) => c.samples),
      [16, 15],
    );
    // A bad setting is named and nothing trains; Reset defaults restores them.
    await page.click("#advanced summary");
    await page.fill("#epochs", "0");
    await page.click("#train-button");
    assert.match((await page.locator("#train-message").textContent()) ?? "", /Epochs must be a whole number from 1 to 500, got "0"/);
    assert.equal(await api(page, (a) => a.phase()), "idle");
    await page.fill("#learning-rate", "5");
    await page.click("#reset-defaults");
    assert.equal(await page.inputValue("#epochs"), String(DEFAULT_SETTINGS.epochs));
    assert.equal(await page.inputValue("#learning-rate"), String(DEFAULT_SETTINGS.learningRate));
    // Stop: training ends after the current batch, and the model so far is reported.
    await page.fill("#epochs", "500");
    await page.click("#train-button");
    await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.progress() !== null);
    assert.ok(await page.locator("#train-button").isDisabled());
    await page.click("#stop-button");
    await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.phase() === "trained");
    assert.equal((await api(page, (a) => a.result()))?.stopped, true);
    assert.ok(((await api(page, (a) => a.progress()))?.epoch ?? 500) < 500);
    assert.match((await page.locator("#train-status").textContent()) ?? "", /^Stopped in/);
    assert.ok(await page.locator("#stop-button").isHidden());
    await train(page, 20);
    assert.equal(await page.locator("#train-message").textContent(), "");

    await page.check('input[name="preview-source"][value="file"]');
    const heldOut = (["a", "b"] as const).flatMap((kind, label) =>
      Array.from({ length: 5 }, (_, k) => ({ label, frame: scene(kind, IMAGE_SIZE, IMAGE_SIZE, k, 4) })),
    );
    const pageProbs: number[][] = [];
    for (const [k, h] of heldOut.entries()) {
      const before = await api(page, (a) => a.predictionCount());
      await page.locator("#preview-file-input").setInputFiles(png(h.frame, `held${k}.png`));
      await page.waitForFunction((n) => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.predictionCount() > n, before);
      pageProbs.push(await api(page, (a) => a.predictions()));
    }
    const right = heldOut.filter((h, k) => argmax(pageProbs[k]) === h.label).length;
    assert.ok(right >= 9, `held-out PNGs right: ${right} of 10`);

    // Export: each button downloads its files.
    await page.check("#export-samples");
    await page.click("#export-button");
    // The buttons, or the worker's error on the note line.
    await page.waitForFunction(
      () =>
        document.querySelector("#export-files button") !== null ||
        /fail|error|can't|cannot/i.test(document.getElementById("note")?.textContent ?? ""),
    );
    assert.equal(await api(page, (a) => a.note()), "");
    const saved = new Map<string, Uint8Array>();
    const downloads: Download[] = [];
    page.on("download", (d) => downloads.push(d));
    for (const button of await page.locator("#export-files button").all()) {
      const names = ((await button.getAttribute("data-files")) ?? "").split(",");
      const start = downloads.length;
      await button.click();
      await expectSoon(() => downloads.length >= start + names.length, `${names} downloaded`);
      for (const dl of downloads.slice(start)) {
        const path = join(work, `download-${dl.suggestedFilename()}`);
        await dl.saveAs(path);
        saved.set(dl.suggestedFilename(), new Uint8Array(readFileSync(path)));
      }
      assert.deepEqual(
        downloads
          .slice(start)
          .map((d) => d.suggestedFilename())
          .sort(),
        names.slice().sort(),
      );
    }
    assert.deepEqual([...saved.keys()].sort(), [
      "check.safetensors",
      "classify.ts",
      "model.json",
      "model.onnx",
      "model.py",
      "model.safetensors",
      "project.json",
    ]);
    assert.match(await page.locator("#export-code").inputValue(), /tensorgrad/);

    // The downloaded model in Node: the same probabilities as the page for the same images.
    const classifier = loadTeachModel(["model.json", "model.safetensors"].map((name) => ({ name, bytes: saved.get(name) as Uint8Array })));
    assert.deepEqual(classifier.classes, ["warm", "cool"]);
    for (const [k, h] of heldOut.entries()) {
      const node = await classifier.predict(h.frame.rgba);
      for (let c = 0; c < 2; c++) assert.ok(Math.abs(node[c] - pageProbs[k][c]) < 1e-4, `image ${k}: Node ${node}, page ${pageProbs[k]}`);
    }

    // Import every exported file into a fresh page (the worker skips those it doesn't read): classes, samples and the
    // model come back.
    const fresh = await open(context);
    await fresh.page
      .locator("#import-input")
      .setInputFiles([...saved].map(([name, bytes]) => ({ name, mimeType: "application/octet-stream", buffer: Buffer.from(bytes) })));
    await fresh.page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.phase() === "trained");
    // The project's settings are back in the advanced fields.
    assert.equal(await fresh.page.inputValue("#epochs"), "20");
    assert.deepEqual(await api(fresh.page, (a) => a.classes()), [
      { name: "warm", samples: 16 },
      { name: "cool", samples: 15 },
    ]);
    await fresh.page.check('input[name="preview-source"][value="file"]');
    await fresh.page.locator("#preview-file-input").setInputFiles(png(heldOut[0].frame, "held0.png"));
    await fresh.page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.predictionCount() > 0);
    const again = await api(fresh.page, (a) => a.predictions());
    for (let c = 0; c < 2; c++) assert.ok(Math.abs(again[c] - pageProbs[0][c]) < 1e-4, `imported ${again}, before ${pageProbs[0]}`);
    // project.json alone: the classes and samples, no model (train to get one).
    const bare = await open(context);
    await bare.page
      .locator("#import-input")
      .setInputFiles({ name: "project.json", mimeType: "application/json", buffer: Buffer.from(saved.get("project.json") as Uint8Array) });
    await bare.page.waitForFunction(() => /Imported/.test((window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.note()));
    assert.equal(await api(bare.page, (a) => a.phase()), "idle");
    assert.deepEqual(
      (await api(bare.page, (a) => a.classes())).map((c) => c.samples),
      [16, 15],
    );
    assert.match(await api(bare.page, (a) => a.note()), /train to get a model/);
    assert.match((await bare.page.locator("#preview-status").textContent()) ?? "", /without a model/);
    // A file that is not an export is refused with the worker's reason, and nothing changes.
    await bare.page
      .locator("#import-input")
      .setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from('{"format":"x"}') });
    await bare.page.waitForFunction(() =>
      /neither a model\.json nor a project\.json/.test((window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.note()),
    );
    assert.equal((await api(bare.page, (a) => a.classes())).length, 2);
    await page.screenshot({ path: join(ARTIFACTS, "teach_upload.png"), fullPage: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(fresh.problems, []);
    assert.deepEqual(bare.problems, []);
  });

  it("opens WebGPU by default where there is an adapter, and falls back to the CPU (saying so) when it is a software one", async (t) => {
    const context = await launch("webgpu");
    const { page, problems } = await open(context, "");
    const device = await api(page, (a) => a.device());
    assert.ok(device);
    const note = await api(page, (a) => a.note());
    if (device.device === "cpu" && !/software adapter/.test(note)) {
      t.skip(`this browser opened no WebGPU adapter (${device.reason || "no navigator.gpu"})`);
      return;
    }
    if (/software adapter/.test(note)) {
      assert.equal(device.device, "cpu");
      assert.equal(await page.inputValue("#device"), "cpu");
      assert.match(note, /slower than the CPU: training on the CPU/);
      // Asked for by name, WebGPU is used even so.
      await page.selectOption("#device", "webgpu");
      await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.device()?.device === "webgpu");
      assert.match((await page.locator("#device-badge").textContent()) ?? "", /software/);
    } else assert.equal(device.device, "webgpu");
    assert.deepEqual(problems, []);
  });

  it("without a camera, or with permission denied, says so; upload and the sketch pad still add samples", async () => {
    for (const [camera, message] of [
      ["none", /No camera was found/],
      ["denied", /Camera access was denied/],
    ] as const) {
      const context = await launch(camera);
      const { page, problems } = await open(context);
      await card(page, 0).locator(".webcam-toggle").click();
      await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.camera().kind === "failed");
      assert.match((await page.locator("#camera-note").textContent()) ?? "", message);
      assert.match((await page.locator("#camera-note").textContent()) ?? "", /Upload and Draw/);
      assert.ok(await page.locator("#camera-note").isVisible());
      assert.ok(await card(page, 0).locator("button.record").isDisabled());
      // Upload still works…
      await card(page, 0)
        .locator('input[type="file"]')
        .setInputFiles({ name: "a.png", mimeType: "image/png", buffer: encodePng(scene("a", 40, 40, 0, 5)) });
      await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.classes()[0].samples === 1);
      // …and dropping files on a card…
      const dropped = await page.evaluateHandle(
        (b64) => {
          const dt = new DataTransfer();
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          for (const name of ["d1.png", "d2.png"]) dt.items.add(new File([bytes], name, { type: "image/png" }));
          return dt;
        },
        encodePng(scene("b", 40, 40, 1, 5)).toString("base64"),
      );
      await card(page, 0).dispatchEvent("dragover", { dataTransfer: dropped });
      await card(page, 0).dispatchEvent("drop", { dataTransfer: dropped });
      await page.waitForFunction(() => (window as unknown as { tensorgradTeach: TeachApi }).tensorgradTeach.classes()[0].samples === 3);
      // …and so does drawing: a stroke on class 2's pad, then "Add sample".
      await card(page, 1).locator(".draw-toggle").click();
      const pad = card(page, 1).locator("canvas.sketch");
      const box = await pad.boundingBox();
      assert.ok(box);
      await page.mouse.move(box.x + 20, box.y + 20);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width - 20, box.y + box.height - 20, { steps: 8 });
      await page.mouse.up();
      await card(page, 1).getByRole("button", { name: "Add the drawing as a sample" }).click();
      assert.deepEqual(
        (await api(page, (a) => a.classes())).map((c) => c.samples),
        [3, 1],
      );
      // Two classes with one sample each: training asks for more.
      await page.click("#train-button");
      assert.match((await page.locator("#train-message").textContent()) ?? "", /"Class 2" needs at least 2 samples/);
      if (camera === "denied") await page.screenshot({ path: join(ARTIFACTS, "teach_camera_denied.png"), fullPage: true });
      assert.deepEqual(problems, []);
    }
  });
});
