import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { noGrad } from "../autograd/grad_mode.js";
import type { Checkpoint } from "../io/checkpoint.js";
import { buildModule, describeModule } from "../io/model_spec.js";
import { pytorchCode } from "../io/pytorch_code.js";
import { encodeSafetensors } from "../io/safetensors.js";
import type { AnyModule } from "../nn/module.js";
import { loadCheckpoint, writeFileAtomic } from "../node/checkpoint.js";
import { exportOnnx } from "../onnx/export.js";
import { Generator, rand } from "../ops/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { type FlagSpec, helpText, parseFlags, UsageError } from "./args.js";
import { exportLanguageModel } from "./lm_export.js";
import { isLmConfig } from "./lm_schema.js";
import { buildModel, type ModelConfig } from "./models.js";

const FLAGS: Record<string, FlagSpec> = {
  checkpoint: { type: "string", description: "A run folder or its checkpoint.safetensors", default: "runs/mnist-mlp" },
  format: { type: "string", description: "What to write", choices: ["safetensors", "pytorch", "onnx"] },
  out: {
    type: "string",
    description:
      "Where: a file (safetensors, onnx) or a folder (pytorch); default model.safetensors, pytorch/ or model.onnx in the run folder",
  },
  dtype: {
    type: "string",
    description: "Storage type of the weights (safetensors)",
    choices: ["float32", "float16", "bfloat16"],
    default: "float32",
  },
  opset: { type: "number", description: "ONNX opset version, 17-21", default: 17 },
  "input-shape": { type: "list", description: "One example's shape (e.g. 1,28,28), for checkpoints that don't record it" },
};

/** The model a checkpoint describes (its recorded architecture, or the CLI's config for older files), with its weights. */
function rebuild(ckpt: Checkpoint, path: string): AnyModule {
  const cfg = (ckpt.config as { model?: ModelConfig } | null)?.model;
  let model: AnyModule;
  if (ckpt.architecture) model = buildModule(ckpt.architecture);
  else if (cfg) model = buildModel(cfg) as unknown as AnyModule;
  else throw new UsageError(`${path} records no architecture and no tensorgrad run configuration, so the model can't be rebuilt`);
  model.loadStateDict(ckpt.modelState);
  model.eval();
  return model;
}

/** A batch of two example inputs, uniform in [0, 1), the same on every run. */
function exampleInput(ckpt: Checkpoint, given: number[] | undefined): Tensor {
  const shape = given ?? (ckpt.config as { model?: ModelConfig } | null)?.model?.inputShape;
  if (!shape) throw new UsageError("the checkpoint doesn't record its input shape: pass --input-shape (one example's shape, e.g. 1,28,28)");
  return rand([2, ...shape], { generator: new Generator(0) });
}

async function write(file: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes);
  console.log(`wrote ${file}`);
}

/** `tensorgrad export`: a checkpoint's model as PyTorch-keyed safetensors weights, a PyTorch model.py, or ONNX. */
export async function exportCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(
      helpText(
        "tensorgrad export --format safetensors|pytorch|onnx [options]",
        "Export a checkpoint's model (a classifier, regressor or language-model run): weights only under PyTorch's keys (load_state_dict(strict=True) takes them), a PyTorch model.py with the weights, or ONNX.",
        FLAGS,
      ),
    );
    return;
  }
  const flags = parseFlags(argv, FLAGS);
  const format = flags.format as "safetensors" | "pytorch" | "onnx" | undefined;
  if (!format) throw new UsageError("--format is required: safetensors, pytorch or onnx");
  if (flags.dtype !== "float32" && format !== "safetensors") throw new UsageError("--dtype applies to --format safetensors only");
  const where = String(flags.checkpoint);
  const path = where.endsWith(".safetensors") ? where : join(where, "checkpoint.safetensors");
  const folder = dirname(path);
  const ckpt = await loadCheckpoint(path);
  if (isLmConfig(ckpt.config)) {
    // A language model: token indices [batch, blockSize] in, logits out; its config says everything about the input.
    if (flags.inputShape !== undefined)
      throw new UsageError("--input-shape doesn't apply to a language model (its input is [batch, blockSize] tokens)");
    const floatDType = flags.dtype === "float32" ? undefined : (flags.dtype as "float16" | "bfloat16");
    const options = { format, folder, out: flags.out as string | undefined, floatDType, opset: flags.opset as number };
    await exportLanguageModel(ckpt, path, options, write);
    return;
  }
  const model = rebuild(ckpt, path);
  const weights = () => ({ ...model.stateDict() });
  switch (format) {
    case "safetensors": {
      const floatDType = flags.dtype === "float32" ? undefined : (flags.dtype as "float16" | "bfloat16");
      const out = (flags.out as string | undefined) ?? join(folder, "model.safetensors");
      await write(out, encodeSafetensors(weights(), { format: "pt" }, { int64: true, floatDType }));
      return;
    }
    case "pytorch": {
      const out = (flags.out as string | undefined) ?? join(folder, "pytorch");
      const x = exampleInput(ckpt, flags.inputShape as number[] | undefined);
      const y = noGrad(() => (model as unknown as (t: Tensor) => Tensor)(x));
      await write(join(out, "model.py"), pytorchCode(describeModule(model)));
      await write(join(out, "model.safetensors"), encodeSafetensors(weights(), { format: "pt" }, { int64: true }));
      await write(join(out, "check.safetensors"), encodeSafetensors({ input: x, output: y }, { format: "pt" }));
      console.log(`run: python ${join(out, "model.py")}   (needs torch; loads the weights with strict=True and compares outputs)`);
      return;
    }
    case "onnx": {
      const out = (flags.out as string | undefined) ?? join(folder, "model.onnx");
      const x = exampleInput(ckpt, flags.inputShape as number[] | undefined);
      const bytes = exportOnnx(model, x, {
        opsetVersion: flags.opset as number,
        dynamicAxes: { input: { 0: "batch" }, output: { 0: "batch" } },
      });
      await write(out, bytes);
      console.log(`input "input" [batch, ${x.shape.slice(1).join(", ")}], output "output"`);
      return;
    }
  }
}
