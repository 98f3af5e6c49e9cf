/**
 * `npm run test:pytorch`: models moved both ways between tensorgrad and PyTorch, checked by PyTorch itself.
 * - PyTorch → tensorgrad: make_fixture.py builds an MLP, a CNN with BatchNorm, an Embedding + LayerNorm model, an
 *   Embedding → 2-layer LSTM (and GRU) → Linear model and an Embedding → TransformerEncoderLayer → Linear model in
 *   PyTorch; tensorgrad loads each state dict with strict and must give PyTorch's outputs.
 * - tensorgrad → PyTorch: the same architectures built in tensorgrad (one training step, so BatchNorm's statistics
 *   move) and a CLI run are written as model.py + weights (`tensorgrad export --format pytorch`); `python model.py`
 *   loads them with strict=True and compares with tensorgrad's outputs; so does every layer the
 *   module-tree spec describes (layer_cases.ts, check_layers.py). The recurrent models have a custom forward,
 *   so check_model.py builds them from make_fixture.py's class instead of a generated model.py. The CLI's four
 *   language models go the same way (their model.py defines the PyTorch classes, src/cli/lm_pytorch.ts).
 * Skips with a message (exit status 0) when no Python with torch is found ($PYTHON, python3, /usr/bin/python3).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { main as cli } from "../../src/cli/main.js";
import * as tg from "../../src/index.js";
import { fixtureModels } from "./fixture_models.js";
import { LAYER_CASES } from "./layer_cases.js";

const here = dirname(fileURLToPath(import.meta.url));

function findPython(): string | null {
  for (const py of [process.env.PYTHON, "python3", "/usr/bin/python3"]) {
    if (!py) continue;
    const r = spawnSync(py, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
    if (r.status === 0) {
      console.log(`using ${py} (torch ${r.stdout.trim()})`);
      return py;
    }
  }
  return null;
}

const failures: string[] = [];
function check(name: string, ok: boolean, detail: string): void {
  console.log(`${ok ? "ok  " : "FAIL"} ${name}: ${detail}`);
  if (!ok) failures.push(name);
}

const tokens = () => tg.randint(0, 12, [2, 5], { dtype: "int32" });

const NAMES = ["mlp", "cnn", "emb", "lstm", "gru", "attn"] as const;
/** The models make_fixture.py's check_model.py rebuilds (a custom forward: no generated model.py). */
const CUSTOM = new Set<string>(["lstm", "gru"]);
const inputs = {
  mlp: () => tg.randn([3, 4]),
  cnn: () => tg.randn([2, 1, 6, 6]),
  emb: () =>
    tg.tensor(
      [
        [1, 2, 3],
        [4, 5, 9],
      ],
      { dtype: "int32" },
    ),
  lstm: tokens,
  gru: tokens,
  attn: tokens,
};

function fromPytorch(python: string, dir: string): void {
  const file = join(dir, "from_pytorch.safetensors");
  const r = spawnSync(python, [join(here, "make_fixture.py"), file], { encoding: "utf8" });
  if (r.status !== 0) {
    check("PyTorch writes its models", false, r.stderr.trim());
    return;
  }
  const { tensors } = tg.io.decodeSafetensors(new Uint8Array(readFileSync(file)));
  for (const name of NAMES) {
    const state: tg.nn.StateDict = {};
    for (const [k, t] of Object.entries(tensors)) if (k.startsWith(`${name}.`)) state[k.slice(name.length + 1)] = t;
    const model = fixtureModels[name]();
    model.loadStateDict(state);
    model.eval();
    const err = tg
      .noGrad(() => model(tensors[`${name}:input`]))
      .sub(tensors[`${name}:output`])
      .abs()
      .max()
      .item();
    check(`PyTorch ${name} → tensorgrad (strict)`, err <= 1e-5, `max abs difference ${err.toExponential(2)}`);
  }
}

function runModelPy(python: string, name: string, folder: string, script = [join(folder, "model.py")]): void {
  const r = spawnSync(python, script, { encoding: "utf8" });
  const out = `${r.stdout}${r.stderr}`.trim().split("\n").at(-1) ?? "";
  check(name, r.status === 0 && out.includes("OK"), out);
}

function toPytorch(python: string, dir: string): void {
  tg.manualSeed(0);
  for (const name of NAMES) {
    const model = fixtureModels[name]();
    const opt = new tg.optim.SGD(model.parameters(), { lr: 0.1 });
    model(inputs[name]()).square().mean().backward();
    opt.step();
    model.eval();
    const x = inputs[name]();
    const folder = join(dir, name);
    mkdirSync(folder, { recursive: true });
    if (!CUSTOM.has(name)) writeFileSync(join(folder, "model.py"), tg.io.pytorchCode(tg.io.describeModule(model)));
    writeFileSync(join(folder, "model.safetensors"), tg.io.encodeSafetensors(model.stateDict(), { format: "pt" }, { int64: true }));
    writeFileSync(join(folder, "check.safetensors"), tg.io.encodeSafetensors({ input: x, output: tg.noGrad(() => model(x)) }));
    const script = CUSTOM.has(name) ? [join(here, "check_model.py"), name, folder] : undefined;
    runModelPy(python, `tensorgrad ${name} → PyTorch (strict)`, folder, script);
  }
}

async function cliToPytorch(python: string, dir: string): Promise<void> {
  const run = join(dir, "cli-run");
  const quiet = console.log;
  console.log = () => {};
  let status: number;
  try {
    status = await cli(["train", "--dataset", "spiral", "--hidden", "16,16", "--norm", "batch", "--epochs", "2", "--out", run]);
    if (status === 0) status = await cli(["export", "--checkpoint", run, "--format", "pytorch"]);
  } finally {
    console.log = quiet;
  }
  if (status !== 0) {
    check("tensorgrad train + export", false, `exit status ${status}`);
    return;
  }
  runModelPy(python, "CLI checkpoint → tensorgrad export --format pytorch → python model.py", join(run, "pytorch"));
}

/** The CLI's four language models (small, one epoch), each exported with --format pytorch and run by `python model.py`. */
async function cliLanguageModelsToPytorch(python: string, dir: string): Promise<void> {
  const corpus = join(dir, "cat.txt");
  writeFileSync(corpus, "the cat sat on the mat again.\n\n".repeat(30));
  for (const kind of ["mlp", "lstm", "gru", "transformer"]) {
    const run = join(dir, `lm-${kind}`);
    const data = kind === "mlp" ? ["--dataset", "names", "--batch-size", "512"] : ["--dataset", `text:${corpus}`, "--block-size", "8"];
    const own = kind === "transformer" ? ["--heads", "2", "--layers", "2"] : kind === "mlp" ? [] : ["--layers", "2"];
    const sizes = ["--embed", "8", "--hidden", "12", "--dropout", "0.1", "--epochs", "1", "--samples", "0", "--quiet"];
    const quiet = console.log;
    console.log = () => {};
    let status: number;
    try {
      status = await cli(["train", ...data, "--model", kind, ...own, ...sizes, "--out", run]);
      if (status === 0) status = await cli(["export", "--checkpoint", run, "--format", "pytorch"]);
    } finally {
      console.log = quiet;
    }
    if (status !== 0) check(`tensorgrad train --model ${kind} + export`, false, `exit status ${status}`);
    else runModelPy(python, `CLI ${kind} language model → export --format pytorch → python model.py`, join(run, "pytorch"));
  }
}

/**
 * Every layer the module-tree spec describes (scripts/pytorch/layer_cases.ts; inputs "input", "input_1", ...): its model.py,
 * weights (after a training-mode forward, so running statistics move) and output, run by check_layers.py in one
 * Python process.
 */
function layersToPytorch(python: string, dir: string): void {
  const root = join(dir, "layers");
  tg.manualSeed(0);
  for (const [name, c] of Object.entries(LAYER_CASES)) {
    const xs = c.inputs?.();
    if (!xs || !(tg.io.SPEC_TYPES as readonly string[]).includes(name)) continue;
    const model = c.make() as unknown as (...inputs: tg.Tensor[]) => unknown;
    const module = model as unknown as tg.nn.Module;
    module.train();
    tg.noGrad(() => model(...xs));
    module.eval();
    let y: unknown = tg.noGrad(() => model(...xs));
    while (Array.isArray(y)) y = y[0];
    const folder = join(root, name);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "model.py"), tg.io.pytorchCode(tg.io.describeModule(module)));
    writeFileSync(join(folder, "model.safetensors"), tg.io.encodeSafetensors(module.stateDict(), { format: "pt" }, { int64: true }));
    const inputs = Object.fromEntries(xs.map((x, i) => [i === 0 ? "input" : `input_${i}`, x]));
    writeFileSync(join(folder, "check.safetensors"), tg.io.encodeSafetensors({ ...inputs, output: y as tg.Tensor }));
  }
  const r = spawnSync(python, [join(here, "check_layers.py"), root], { encoding: "utf8" });
  for (const line of r.stdout.trim().split("\n")) {
    const m = /^(ok {2}|FAIL) (\w+): (.*)$/.exec(line);
    if (m) check(`tensorgrad ${m[2]} → model.py → PyTorch`, m[1] !== "FAIL", m[3]);
  }
  if (r.status !== 0 && !r.stdout.includes("FAIL")) check("check_layers.py", false, r.stderr.trim());
}

const python = findPython();
if (!python) {
  console.log(
    "test:pytorch skipped: no Python with torch found ($PYTHON, python3, /usr/bin/python3); on Debian: apt install python3-torch",
  );
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "tg-pytorch-"));
fromPytorch(python, dir);
toPytorch(python, dir);
layersToPytorch(python, dir);
await cliToPytorch(python, dir);
await cliLanguageModelsToPytorch(python, dir);
console.log(failures.length ? `${failures.length} failed` : "all round trips passed");
process.exit(failures.length ? 1 : 0);
