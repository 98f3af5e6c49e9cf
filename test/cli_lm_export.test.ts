import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as ort from "onnxruntime-web";
import { tg } from "./helpers.ts";

// Imported after the library (./helpers.ts) has loaded, as the CLI's entry point orders modules.
const { main } = await import("../src/cli/main.ts");
const { loadCheckpoint } = await import("../src/node/checkpoint.ts");
const { lmFromCheckpoint } = await import("../src/cli/lm_export.ts");
const { lmPytorchCode } = await import("../src/cli/lm_pytorch.ts");
ort.env.wasm.numThreads = 1; // no worker threads in the test process

/** Runs the CLI in this process, capturing what it prints. */
async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const [log, error] = [console.log, console.error];
  console.log = (...a: unknown[]) => out.push(a.join(" "));
  console.error = (...a: unknown[]) => err.push(a.join(" "));
  try {
    const code = await main(args);
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

const text = Array.from({ length: 30 }, (_, i) => `the cat sat on the mat ${i % 2 === 0 ? "again" : "today"}.\n\n`).join("");
const dir = mkdtempSync(join(tmpdir(), "tg-lm-export-"));
const corpus = join(dir, "cat.txt");
writeFileSync(corpus, text);

/** A short language-model run of `kind` (small sizes, one epoch, dropout on so eval mode matters). */
async function trainRun(kind: string): Promise<string> {
  const out = join(dir, kind);
  // The MLP language model trains on the bundled names (the CLI reads a text file with word2vec or a sequence model).
  const data = kind === "mlp" ? ["--dataset", "names", "--context", "3", "--batch-size", "512"] : ["--dataset", `text:${corpus}`];
  const own = kind === "transformer" ? ["--heads", "2", "--layers", "2"] : kind === "mlp" ? [] : ["--layers", "2"];
  const sizes = [...(kind === "mlp" ? [] : ["--block-size", "8"]), "--embed", "8", "--hidden", "12", "--dropout", "0.1"];
  const r = await run("train", ...data, "--model", kind, ...own, ...sizes, "--epochs", "1", "--samples", "0", "--out", out, "--quiet");
  assert.equal(r.code, 0, r.err);
  return out;
}

async function runOnnx(bytes: Uint8Array, x: tg.Tensor): Promise<{ data: number[]; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ input: new ort.Tensor("int32", x.toArray() as Int32Array, x.shape) });
  return { data: Array.from(result.output.data as Float32Array), dims: [...result.output.dims] };
}

describe("tensorgrad export of language-model runs", () => {
  for (const kind of ["mlp", "lstm", "gru", "transformer"]) {
    it(`${kind}: safetensors with the model's PyTorch keys, a model.py, and ONNX that onnxruntime runs with our logits`, async () => {
      const run_ = await trainRun(kind);
      for (const format of ["safetensors", "pytorch", "onnx"]) {
        const r = await run("export", "--checkpoint", run_, "--format", format);
        assert.equal(r.code, 0, r.err);
      }
      const ckpt = await loadCheckpoint(join(run_, "checkpoint.safetensors"));
      const { model, cfg } = lmFromCheckpoint(ckpt, run_);
      assert.equal(cfg.kind, kind);
      assert.equal(model.training, false);

      // Weights only: every tensor of the model under its key, nothing else (no optimizer state).
      const { tensors } = tg.io.decodeSafetensors(new Uint8Array(readFileSync(join(run_, "model.safetensors"))));
      const state = model.stateDict();
      assert.deepEqual(Object.keys(tensors).sort(), Object.keys(state).sort());
      for (const [k, t] of Object.entries(tensors)) assert.equal(t.sub(state[k]).abs().max().item(), 0, k);

      // model.py: the class with the run's sizes, and a check file holding our logits for two rows of tokens.
      const code = readFileSync(join(run_, "pytorch", "model.py"), "utf8");
      assert.equal(code, lmPytorchCode(cfg));
      const check = tg.io.decodeSafetensors(new Uint8Array(readFileSync(join(run_, "pytorch", "check.safetensors")))).tensors;
      assert.deepEqual(check.input.shape, [2, cfg.blockSize]);
      assert.equal(
        check.output
          .sub(tg.noGrad(() => model(check.input)))
          .abs()
          .max()
          .item(),
        0,
      );

      // ONNX: a free batch axis, int32 tokens [batch, blockSize]; onnxruntime gives our logits on new tokens.
      const bytes = new Uint8Array(readFileSync(join(run_, "model.onnx")));
      const x = tg.randint(0, cfg.vocabSize, [3, cfg.blockSize], { dtype: "int32" });
      const want = tg.noGrad(() => model(x));
      const got = await runOnnx(bytes, x);
      assert.deepEqual(got.dims, [3, cfg.blockSize, cfg.vocabSize]);
      const w = want.toArray();
      const scale = Math.max(1, ...Array.from(w, Math.abs));
      const err = Math.max(...got.data.map((v, i) => Math.abs(v - w[i])));
      assert.ok(err <= 1e-5 * scale, `max abs error ${err}`);
      // The logits depend on the tokens (not a constant baked in at export): another input, other logits.
      const other = await runOnnx(bytes, tg.randint(0, cfg.vocabSize, x.shape, { dtype: "int32" }));
      assert.ok(other.data.some((v, i) => Math.abs(v - got.data[i]) > 1e-3));
    });
  }

  it("refuses flags that don't apply to a language model, in one line", async () => {
    const r = await run("export", "--checkpoint", join(dir, "lstm"), "--format", "onnx", "--input-shape", "1,8");
    assert.equal(r.code, 2);
    assert.match(r.err, /--input-shape doesn't apply to a language model/);
    assert.doesNotMatch(r.err, /\n\s+at /);
    // A checkpoint whose config claims a huge model is refused before anything is built.
    const file = join(dir, "lstm", "checkpoint.safetensors");
    const decoded = tg.io.decodeSafetensors(new Uint8Array(readFileSync(file)));
    const meta = { ...decoded.metadata };
    const config = JSON.parse(meta["tensorgrad.config"] ?? "null");
    config.model.hidden = 16_000;
    meta["tensorgrad.config"] = JSON.stringify(config);
    const hostile = join(dir, "hostile.safetensors");
    writeFileSync(hostile, tg.io.encodeSafetensors(decoded.tensors, meta));
    const h = await run("export", "--checkpoint", hostile, "--format", "safetensors", "--out", join(dir, "hostile-out.safetensors"));
    assert.equal(h.code, 1);
    assert.match(h.err, /config\.model describes \d+ weights, over the limit/);
  });
});

describe("onnx.export refuses what it would bake in", () => {
  it("an integer input passed through tg.cat (no autograd history) is an error, not a constant graph", () => {
    class PadThenEmbed extends tg.nn.Module<[tg.Tensor], tg.Tensor> {
      emb = new tg.nn.Embedding(5, 3);
      forward(x: tg.Tensor): tg.Tensor {
        return this.emb(tg.cat([tg.zeros([x.shape[0], 1], { dtype: "int32" }), x], 1));
      }
    }
    const x = tg.tensor([[1, 2, 3]], { dtype: "int32" });
    assert.throws(() => tg.onnx.export(new PadThenEmbed(), x), /does not use input "input".*integer tensors have no autograd history/);
  });
});
