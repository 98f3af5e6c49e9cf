/**
 * End-to-end tests of the browser playground (issue 6) in headless Chromium: Debian's `chromium` driven by
 * `playwright-core` (never a downloaded browser). The playground is built into a temporary folder and served by
 * `tensorgrad playground --port 0 --dir ...`; screenshots go to test-artifacts/.
 *
 * Without /usr/bin/chromium the file is skipped with a message, so `npm test` works on a fresh machine; under CI
 * (CI=true) a missing browser is a failure instead, since .ci/run installs it.
 *
 * The WebGPU switch is tested in a second browser launched with WebGPU on (`--enable-unsafe-webgpu`; the adapter is
 * SwiftShader without a GPU). Where that browser offers no adapter, the test fails under CI and skips elsewhere.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it, type TestContext } from "node:test";
import { pathToFileURL } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { gridPoints } from "../playground/src/features.ts";
import { GRID_RES } from "../playground/src/trainer.ts";
import {
  ARTIFACTS,
  api,
  CHROMIUM,
  CHROMIUM_ARGS,
  launchPlayground,
  openPage as openPlayground,
  type PlaygroundBrowser,
  type PlaygroundWindow,
  setRange,
  skipReason as skip,
} from "./helpers/playground_browser.ts";

/** The WebGPU browser: the flags above, with the GPU process on (no `--disable-gpu`) and WebGPU enabled. */
const WEBGPU_ARGS = [...CHROMIUM_ARGS.filter((a) => a !== "--disable-gpu"), "--enable-unsafe-webgpu", "--disable-gpu-sandbox"];

if (skip) console.log(`# playground e2e skipped: ${skip}`);

/** The served build and the browser (test/helpers/playground_browser.ts). */
let pb: PlaygroundBrowser | null = null;
let base = "";

/** A new tab on the playground, in the suite's browser or in `browser` (the WebGPU one). */
function openPage(hash = "", browser?: BrowserContext | null): Promise<{ page: Page; problems: string[] }> {
  assert.ok(pb, "the suite started the server and the browser");
  return openPlayground(browser ? { ...pb, context: browser } : pb, hash);
}

/**
 * Counts animation frames for 3 s on the page, with the epochs trained meanwhile. (A string, not a function: the
 * test's TypeScript is compiled with helpers the page doesn't have.)
 */
const MEASURE_FPS = `new Promise((resolve) => {
  const api = window.tensorgradPlayground;
  const epoch0 = api.snapshot()?.epoch ?? 0;
  let frames = 0, longest = 0;
  const t0 = performance.now();
  let last = t0;
  const tick = (t) => {
    frames++;
    longest = Math.max(longest, t - last);
    last = t;
    if (t - t0 < 3000) requestAnimationFrame(tick);
    else {
      const seconds = (performance.now() - t0) / 1000;
      resolve({ fps: frames / seconds, longestFrameMs: longest, epochs: (api.snapshot()?.epoch ?? 0) - epoch0, seconds });
    }
  };
  requestAnimationFrame(tick);
})`;

const shot = (page: Page, name: string, selector?: string) =>
  selector
    ? page.locator(selector).screenshot({ path: join(ARTIFACTS, name) })
    : page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });

interface Reached {
  epoch: number;
  testLoss: number;
  trainLoss: number;
  /** The epoch shown after pausing (training runs on a little until the pause arrives). */
  finalEpoch: number;
}

/** Plays until the test loss falls below `testLossBelow` or `maxEpochs` pass, then pauses; returns the snapshot that did it. */
async function trainUntil(page: Page, testLossBelow: number, maxEpochs: number, timeoutMs: number): Promise<Reached> {
  await page.click("#play");
  const handle = await page.waitForFunction(
    ({ below, max }) => {
      const s = (window as unknown as PlaygroundWindow).tensorgradPlayground.snapshot();
      return s !== null && (s.testLoss < below || s.epoch >= max) ? { epoch: s.epoch, testLoss: s.testLoss, trainLoss: s.trainLoss } : null;
    },
    { below: testLossBelow, max: maxEpochs },
    { timeout: timeoutMs, polling: 50 },
  );
  await page.click("#pause");
  await page.waitForFunction(() => !(window as unknown as PlaygroundWindow).tensorgradPlayground.playing());
  const reached = (await handle.jsonValue()) as Omit<Reached, "finalEpoch">;
  return { ...reached, finalEpoch: await api(page, (a) => a.snapshot()?.epoch ?? 0) };
}

describe("playground end to end (headless Chromium)", { skip }, () => {
  before(async () => {
    pb = await launchPlayground({ width: 1400, height: 1000 });
    base = pb.base;
  });

  after(async () => {
    await pb?.close();
  });

  it("picks a dataset and a network, plays, and the test loss falls below 0.1 within 400 epochs", async () => {
    const { page, problems } = await openPage();
    // The spiral, with sin features and two hidden layers of 8 (from 4 and 2), all through the page's controls.
    await page.click("#dataset-spiral");
    await page.click("#feature-sinx1");
    await page.click("#feature-sinx2");
    for (let i = 0; i < 4; i++) await page.click("#add-neuron-0");
    for (let i = 0; i < 6; i++) await page.click("#add-neuron-1");
    const s = await api(page, (a) => a.state());
    assert.equal(s.dataset, "spiral");
    assert.deepEqual(s.features, ["x1", "x2", "sinx1", "sinx2"]);
    assert.deepEqual(s.layers, [8, 8]);
    // Each click rebuilt the network: wait for the worker's snapshot of the last one (a loaded machine is slow).
    await page.waitForFunction(() => (window as unknown as PlaygroundWindow).tensorgradPlayground.snapshot() !== null);
    assert.equal(await api(page, (a) => a.snapshot()?.epoch), 0);
    assert.ok((await api(page, (a) => a.snapshot()?.testLoss ?? 0)) > 0.2);
    const started = Date.now();
    const r = await trainUntil(page, 0.1, 400, 30_000);
    console.log(
      `# spiral (x1, x2, sin x1, sin x2; ${s.layers.join("-")} tanh; lr ${s.learningRate}): test loss ${r.testLoss.toFixed(4)} at epoch ${r.epoch} in ${Date.now() - started} ms`,
    );
    assert.ok(r.testLoss < 0.1, `test loss ${r.testLoss} after ${r.epoch} epochs`);
    assert.ok(r.epoch <= 400);
    // The page shows it too.
    await page.waitForFunction((e) => document.getElementById("epoch")?.textContent === String(e), r.finalEpoch);
    await shot(page, "playground-spiral-trained.png");
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("draws at 30 frames per second or more while training the default network on the default dataset", async () => {
    const { page, problems } = await openPage();
    const s = await api(page, (a) => a.state());
    assert.equal(s.dataset, "circle");
    assert.deepEqual(s.layers, [4, 2]);
    await page.click("#play");
    await page.waitForFunction(() => ((window as unknown as PlaygroundWindow).tensorgradPlayground.snapshot()?.epoch ?? 0) > 0);
    const m = (await page.evaluate(MEASURE_FPS)) as { fps: number; longestFrameMs: number; epochs: number; seconds: number };
    await page.click("#pause");
    console.log(
      `# default network on circle: ${m.fps.toFixed(1)} fps, longest frame ${m.longestFrameMs.toFixed(0)} ms, ` +
        `${m.epochs} epochs in ${m.seconds.toFixed(1)} s (${(m.epochs / m.seconds).toFixed(0)} epochs/s)`,
    );
    assert.ok(m.fps >= 30, `${m.fps.toFixed(1)} frames per second`);
    assert.ok(m.epochs > 0, "training advanced while measuring");
    await shot(page, "playground-default-training.png");
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("keeps every setting in the URL: a reloaded link shows the same setup", async () => {
    const { page, problems } = await openPage();
    await page.selectOption("#problem", "regression");
    await page.click("#dataset-gaussian");
    await page.selectOption("#activation", "relu");
    await page.selectOption("#optimizer", "adam");
    await page.selectOption("#learning-rate", "0.01");
    await page.selectOption("#regularization", "l2");
    await page.selectOption("#reg-rate", "0.001");
    await page.click("#add-layer");
    await page.click("#feature-sinx1");
    await setRange(page, "#noise", 20);
    await setRange(page, "#batch-size", 5);

    await page.check("#show-test");
    await page.click(".extras summary"); // "Beyond the original playground" starts closed
    await page.check("#batch-norm");
    await page.click(".classroom summary");
    await page.check("#hide-extras");
    await page.click("#regenerate");
    const s1 = await api(page, (a) => a.state());
    assert.equal(s1.problem, "regression");
    assert.equal(s1.dataset, "gaussian");
    assert.equal(s1.optimizer, "adam");
    assert.equal(s1.noise, 20);
    assert.equal(s1.batchSize, 5);
    assert.ok(s1.features.includes("sinx1"));
    assert.ok(s1.activations.every((a) => a === "relu"));
    assert.equal(s1.layers.length, 3);
    assert.notEqual(s1.seed, 1);
    assert.deepEqual(s1.hide, ["extras"]);
    const url = page.url();
    assert.match(url, /#problem=regression&dataset=gaussian/);
    await page.close();

    const again = await openPage(url.slice(base.length));
    assert.deepEqual(await api(again.page, (a) => a.state()), s1);
    // The controls show the restored settings.
    assert.equal(await again.page.inputValue("#problem"), "regression");
    assert.equal(await again.page.inputValue("#optimizer"), "adam");
    assert.equal(await again.page.inputValue("#learning-rate"), "0.01");
    assert.equal(await again.page.inputValue("#noise"), "20");
    assert.ok(await again.page.isChecked("#batch-norm"));
    assert.ok(await again.page.isHidden(".extras"), "the hidden controls stay hidden");
    assert.equal(await again.page.getAttribute("#dataset-gaussian", "aria-pressed"), "true");
    await shot(again.page, "playground-url-restored.png");
    assert.deepEqual([...problems, ...again.problems], []);
    await again.page.close();
  });

  it("trains on an uploaded CSV, and shows a bad CSV's error", async () => {
    const { page, problems } = await openPage();
    // Two separable clusters: label 1 where x1 + x2 > 0.
    const rows = ["x1,x2,label"];
    let seed = 7;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (let i = 0; i < 200; i++) {
      const cls = i % 2;
      const cx = cls ? 2 : -2;
      rows.push(`${(cx + rand() * 2 - 1).toFixed(3)},${(cx + rand() * 2 - 1).toFixed(3)},${cls}`);
    }
    await page.setInputFiles("#csv-file", { name: "clusters.csv", mimeType: "text/csv", buffer: Buffer.from(rows.join("\n")) });
    await page.waitForFunction(() => {
      const api = (window as unknown as PlaygroundWindow).tensorgradPlayground;
      return api.state().dataset === "csv" && api.data()?.labels.length === 200;
    });
    assert.equal(await page.isHidden("#csv-error"), true);
    assert.match((await page.textContent("#csv-info")) ?? "", /clusters\.csv: 200 points/);
    const before = await api(page, (a) => a.snapshot()?.testLoss ?? Number.NaN);
    const r = await trainUntil(page, 0.05, 300, 20_000);
    console.log(`# uploaded CSV (200 points): test loss ${before.toFixed(3)} → ${r.testLoss.toFixed(4)} at epoch ${r.epoch}`);
    assert.ok(r.testLoss < 0.05 && r.testLoss < before, `test loss ${before} → ${r.testLoss} after ${r.epoch} epochs`);
    await shot(page, "playground-csv-trained.png");

    await page.setInputFiles("#csv-file", {
      name: "bad.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("x1,x2,label\n1,2,0\n3,oops,1\n4,5,0\n6,7,1\n"),
    });
    await page.waitForSelector("#csv-error:not([hidden])");
    const message = (await page.textContent("#csv-error")) ?? "";
    assert.match(message, /bad\.csv: line 3, column 2 \(x2\): "?oops"? is not a number/);
    // The bad file changed nothing: still the uploaded data.
    assert.equal(await api(page, (a) => a.data()?.labels.length), 200);
    await shot(page, "playground-csv-error.png", ".data-column");
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("the graph view steps through the lecture's backward pass to the gradients 3, 3, 9, −1", async () => {
    const { page, problems } = await openPage();
    await page.fill("#graph-expr", "(x1 + x2) * x3 - x4");
    await page.press("#graph-expr", "Enter");
    for (const [v, x] of Object.entries({ x1: "5", x2: "4", x3: "3", x4: "2" })) await page.fill(`#graph-value-${v}`, x);
    const readGrads = () =>
      page.$$eval("#graph-svg [data-node]", (els) =>
        Object.fromEntries(els.map((e) => [e.getAttribute("data-node"), e.getAttribute("data-grad")])),
      );
    const readValues = () =>
      page.$$eval("#graph-svg [data-node]", (els) =>
        Object.fromEntries(els.map((e) => [e.getAttribute("data-node"), e.getAttribute("data-value")])),
      );
    // The forward pass: values, no gradients yet.
    assert.deepEqual(await readValues(), { x1: "5", x2: "4", n0: "9", x3: "3", n1: "27", x4: "2", n2: "25" });
    assert.ok(Object.values(await readGrads()).every((g) => g === ""));
    assert.ok(await page.isDisabled("#graph-step-prev"));
    // Node names come from tensorgrad's gradFn graph.
    assert.deepEqual(await page.$$eval("#graph-svg [data-kind=op]", (els) => els.map((e) => e.getAttribute("data-gradfn"))), [
      "AddBackward0",
      "MulBackward0",
      "SubBackward0",
    ]);
    await page.locator("#graph-view").screenshot({ path: join(ARTIFACTS, "graph-view-forward.png") });
    const explained: string[] = [];
    let steps = 0;
    while (await page.isEnabled("#graph-step-next")) {
      await page.click("#graph-step-next");
      steps++;
      explained.push((await page.textContent("#graph-explain")) ?? "");
      assert.ok(steps <= 10);
    }
    assert.equal(steps, 4);
    assert.match(explained[0], /∂f\/∂f = 1/);
    assert.match(explained[2], /upstream 1 × local 3 = 3/);
    assert.match(explained[2], /upstream 1 × local 9 = 9/);
    const grads = await readGrads();
    assert.deepEqual(
      ["x1", "x2", "x3", "x4"].map((v) => Number(grads[v])),
      [3, 3, 9, -1],
    );
    assert.deepEqual(await page.$$eval("#graph-grads [data-grad-of]", (els) => els.map((e) => e.textContent)), [
      "∂f/∂x1 = 3",
      "∂f/∂x2 = 3",
      "∂f/∂x3 = 9",
      "∂f/∂x4 = −1",
    ]);
    assert.equal(await page.textContent('#graph-svg [data-node="x4"] .graph-gradient'), "−1");
    await page.locator("#graph-view").screenshot({ path: join(ARTIFACTS, "graph-view-backward.png") });
    // Prev undoes a step; Reset goes back to the forward pass.
    await page.click("#graph-step-prev");
    assert.equal((await readGrads()).x1, "");
    await page.click("#graph-reset");
    assert.ok(Object.values(await readGrads()).every((g) => g === ""));
    // Editing a value recomputes; a bad expression says why.
    await page.fill("#graph-value-x3", "-4");
    await page.click("#graph-step-all");
    assert.equal((await readGrads()).x1, "-4");
    await page.fill("#graph-expr", "(x1 + x2 * x3");
    await page.press("#graph-expr", "Enter");
    assert.match((await page.textContent("#graph-error")) ?? "", /missing "\)"/);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it("an exported model loads back in Node with tensorgrad and predicts what the page shows", async () => {
    const { page, problems } = await openPage();
    await trainUntil(page, 0.2, 60, 20_000);
    const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export")]);
    const dir = join(ARTIFACTS, "export");
    mkdirSync(dir, { recursive: true });
    const fileName = download.suggestedFilename();
    assert.match(fileName, /\.safetensors$/);
    await download.saveAs(join(dir, fileName));
    await page.waitForSelector("#export-panel:not([hidden])");
    const code = await page.inputValue("#export-code");
    assert.match(code, new RegExp(fileName.replace(".", "\\.")));
    // The exported TypeScript, as the user would run it: it resolves "tensorgrad" to this package.
    const script = join(dir, "predict.ts");
    writeFileSync(script, code);
    const { snapshot, data } = await api(page, (a) => ({ snapshot: a.snapshot(), data: a.data() }));
    assert.ok(snapshot && data);
    const mod = (await import(pathToFileURL(script).href)) as { predict(points: [number, number][]): { toArray(): unknown } };
    const grid = gridPoints(GRID_RES, data.domain);
    const points: [number, number][] = [];
    for (let i = 0; i < grid.length; i += 2) points.push([grid[i], grid[i + 1]]);
    const probs = mod.predict(points).toArray() as number[];
    const pageOut = snapshot.grids[snapshot.grids.length - 1][0];
    assert.equal(probs.length, pageOut.length);
    let worst = 0;
    // Binary classification: the page draws 2p − 1.
    for (let i = 0; i < probs.length; i++) worst = Math.max(worst, Math.abs(2 * probs[i] - 1 - pageOut[i]));
    console.log(`# export: ${fileName}, ${probs.length} grid predictions, largest difference from the page ${worst.toExponential(2)}`);
    assert.ok(worst < 1e-4, `predictions differ by ${worst}`);
    await shot(page, "playground-exported.png");
    assert.deepEqual(problems, []);
    await page.close();
  });

  describe("on WebGPU (a second browser with --enable-unsafe-webgpu)", () => {
    let gpuContext: BrowserContext | null = null;
    let gpuProfile = "";

    before(async () => {
      // The outer suite built the playground and started the server; this one only needs its own browser.
      const { chromium } = await import("playwright-core");
      gpuProfile = mkdtempSync(join(tmpdir(), "tg-chromium-webgpu-"));
      gpuContext = await chromium.launchPersistentContext(gpuProfile, {
        executablePath: CHROMIUM,
        headless: true,
        chromiumSandbox: false,
        args: WEBGPU_ARGS,
        viewport: { width: 1400, height: 1000 },
      });
    });

    after(async () => {
      await gpuContext?.close();
      if (gpuProfile) rmSync(gpuProfile, { recursive: true, force: true });
    });

    it("switches to WebGPU, names the adapter, and trains in the worker until the test loss falls below 0.1", async (t: TestContext) => {
      assert.ok(base, "the server was started by the outer suite");
      // The circle with squared features: a few epochs suffice, which keeps a software adapter quick.
      const { page, problems } = await openPage("#features=x1,x2,x1sq,x2sq&lr=0.3&batchSize=30", gpuContext);
      const report = await api(page, (a) => a.devices());
      assert.ok(report, "the worker answered the device probe");
      if (!report.webgpu) {
        const why = `Chromium (${WEBGPU_ARGS.join(" ")}) offers no WebGPU adapter: ${report.reason}`;
        if (process.env.CI) assert.fail(`CI is set but ${why}; .ci/run installs chromium and libvulkan1 (SwiftShader)`);
        await page.close();
        t.skip(`${why}; install Debian's chromium and libvulkan1 to run it`);
        return;
      }
      assert.equal(await page.isDisabled("#device"), false);
      assert.equal(await page.isDisabled('#device option[value="webgpu"]'), false);
      const label = (await page.textContent("#device-info")) ?? "";
      assert.equal(label, report.adapter);
      assert.ok(label.length > 0);
      if (report.software) assert.match(label, /, software \(slow\)$/);
      if (/swiftshader/i.test(label)) assert.ok(report.software, `SwiftShader is labelled as software: ${label}`);
      console.log(`# WebGPU adapter in Chromium: ${label}`);
      assert.equal(await api(page, (a) => a.snapshot()?.device), "cpu");

      const started = Date.now();
      await page.selectOption("#device", "webgpu");
      // Switching rebuilds the trainer on the device (a reset): wait for its first snapshot.
      await page.waitForFunction(() => (window as unknown as PlaygroundWindow).tensorgradPlayground.snapshot()?.device === "webgpu", null, {
        timeout: 120_000,
      });
      assert.match(page.url(), /&device=webgpu/);
      const first = await api(page, (a) => a.snapshot());
      assert.ok(first && first.epoch === 0 && first.testLoss > 0.3, `a fresh network: ${first?.testLoss}`);
      const r = await trainUntil(page, 0.1, 60, 240_000);
      console.log(
        `# WebGPU (${label}): circle test loss ${first.testLoss.toFixed(3)} → ${r.testLoss.toFixed(4)} at epoch ${r.epoch}, ${Date.now() - started} ms`,
      );
      assert.ok(r.testLoss < 0.1, `test loss ${r.testLoss} after ${r.epoch} epochs`);
      // A chunk in flight when pause was pressed may still post an epoch or a few: wait for the page to settle.
      await page.waitForFunction(
        () => {
          const a = (window as unknown as PlaygroundWindow).tensorgradPlayground;
          const last = a.snapshot();
          return !a.playing() && last !== null && document.getElementById("epoch")?.textContent === String(last.epoch);
        },
        null,
        { timeout: 60_000 },
      );
      const s = await api(page, (a) => a.snapshot());
      assert.equal(s?.device, "webgpu");
      assert.ok(s && s.epoch >= r.epoch && s.history.every((p) => p.gradNorms.every(Number.isFinite)));
      await shot(page, "playground-webgpu-trained.png");

      // And back to the CPU: a new network there.
      await page.selectOption("#device", "cpu");
      await page.waitForFunction(() => (window as unknown as PlaygroundWindow).tensorgradPlayground.snapshot()?.device === "cpu");
      assert.equal(await api(page, (a) => a.snapshot()?.epoch), 0);
      assert.deepEqual(problems, []);
      await page.close();
    });
  });
});
