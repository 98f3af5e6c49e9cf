/**
 * `tensorgrad export` of a language-model run: the model rebuilt from the checkpoint's checked config, written as
 * weights-only safetensors (PyTorch's keys), a PyTorch model.py (lm_pytorch.ts) with the weights, or ONNX.
 */
import { join } from "node:path";
import { noGrad } from "../autograd/grad_mode.js";
import type { Checkpoint } from "../io/checkpoint.js";
import { encodeSafetensors } from "../io/safetensors.js";
import { Module } from "../nn/module.js";
import type { Dropout } from "../nn/modules/dropout.js";
import type { Embedding } from "../nn/modules/embedding.js";
import type { Linear } from "../nn/modules/linear.js";
import { exportOnnx } from "../onnx/export.js";
import { cat } from "../ops/join.js";
import { Generator, randint } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { buildLm, type LanguageModel, type LmConfig } from "./lm_models.js";
import { lmPytorchCode } from "./lm_pytorch.js";
import { parseLmRunConfig } from "./lm_schema.js";

type Write = (file: string, bytes: Uint8Array | string) => Promise<void>;

export interface LmExportOptions {
  format: "safetensors" | "pytorch" | "onnx";
  /** The run folder: default outputs go there. */
  folder: string;
  out?: string;
  floatDType?: "float16" | "bfloat16";
  opset: number;
}

/** The language model a checkpoint's config describes, with its weights, in eval mode. */
export function lmFromCheckpoint(ckpt: Checkpoint, path: string): { model: LanguageModel; cfg: LmConfig } {
  const cfg = parseLmRunConfig(ckpt.config, path).model;
  const model = buildLm(cfg);
  model.loadStateDict(ckpt.modelState);
  model.eval();
  return { model, cfg };
}

/**
 * The MLP language model's forward in a form the ONNX tracer follows. Its own forward left-pads the int32 tokens
 * with a `tg.cat`, which integer tensors (no autograd history) hide from the tracer; here the padding is the
 * embedding of token 0 added after the embedding, so every op is a traced layer, method or float `cat`: the same
 * numbers (emb(0) is a row of the weight).
 */
class TraceableMlpLm extends Module<[Tensor], Tensor> {
  constructor(
    readonly lm: LanguageModel,
    readonly context: number,
  ) {
    super();
  }

  forward(x: Tensor): Tensor {
    const { emb, hidden, drop, out } = this.lm as unknown as { emb: Embedding; hidden: Linear; drop: Dropout; out: Linear };
    const t = x.shape[1];
    const c = this.context;
    const e = emb(x); // [B, T, E]
    const row0 = noGrad(() => emb.weight.narrow(0, 0, 1).clone()); // [1, E]: token 0's embedding, a constant
    const pad = e.narrow(1, 0, 1).mul(0).add(row0); // [B, 1, E], computed from the input so the batch axis stays free
    const padded = c > 1 ? cat([...Array.from({ length: c - 1 }, () => pad), e], 1) : e;
    const windows = cat(
      Array.from({ length: c }, (_, j) => padded.narrow(1, j, t)),
      2,
    );
    return out(drop(hidden(windows).tanh()));
  }
}

/** `tensorgrad export` for a language-model checkpoint. */
export async function exportLanguageModel(ckpt: Checkpoint, path: string, o: LmExportOptions, write: Write): Promise<void> {
  const { model, cfg } = lmFromCheckpoint(ckpt, path);
  const weights = () => ({ ...model.stateDict() });
  // Token indices [rows, blockSize], the same on every run.
  const tokens = (rows: number) => randint(0, cfg.vocabSize, [rows, cfg.blockSize], { generator: new Generator(0) });
  switch (o.format) {
    case "safetensors": {
      const file = o.out ?? join(o.folder, "model.safetensors");
      await write(file, encodeSafetensors(weights(), { format: "pt" }, { int64: true, floatDType: o.floatDType }));
      return;
    }
    case "pytorch": {
      const dir = o.out ?? join(o.folder, "pytorch");
      const x = tokens(2);
      const y = noGrad(() => model(x));
      await write(join(dir, "model.py"), lmPytorchCode(cfg));
      await write(join(dir, "model.safetensors"), encodeSafetensors(weights(), { format: "pt" }, { int64: true }));
      await write(join(dir, "check.safetensors"), encodeSafetensors({ input: x, output: y }, { format: "pt" }));
      console.log(`run: python ${join(dir, "model.py")}   (needs torch; loads the weights with strict=True and compares outputs)`);
      return;
    }
    case "onnx": {
      const file = o.out ?? join(o.folder, "model.onnx");
      const traced = cfg.kind === "mlp" ? new TraceableMlpLm(model, cfg.context) : model;
      const bytes = exportOnnx(traced as unknown as Module<never, unknown>, tokens(1), {
        opsetVersion: o.opset,
        dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } },
      });
      await write(file, bytes);
      console.log(
        `input "input" int32 [batch, ${cfg.blockSize}] (token indices; position t sees tokens 0..t, so pad a shorter prompt on the right), output "output" [batch, ${cfg.blockSize}, ${cfg.vocabSize}] logits`,
      );
      return;
    }
  }
}
