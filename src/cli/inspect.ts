import { noGrad } from "../autograd/grad_mode.js";
import { loadModelState } from "../io/checkpoint.js";
import { softmax } from "../nn/functional/activation.js";
import { tensor } from "../ops/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { confusionMatrix, precisionRecallF1 } from "../utils/metrics.js";
import { type FlagSpec, helpText, parseFlags, UsageError } from "./args.js";
import { DEVICE_FLAG, openDevice } from "./device.js";
import { evaluate, predictAll } from "./evaluate.js";
import { buildModel } from "./models.js";
import { datasetFor, loadRunData, openRun } from "./resume.js";
import { textTable } from "./table.js";

/**
 * Rebuilds the model a checkpoint was trained as, with its weights, and reloads its dataset: every field checked first,
 * the model built only once the file's weights are known to fit it, a CSV read only from `--dataset`.
 */
async function restore(where: string, dataset: string | undefined, deviceFlag: string) {
  const { path, checkpoint, run } = await openRun(where);
  const name = datasetFor(run, dataset, path);
  const { device } = await openDevice(deviceFlag);
  // Weights load on the CPU, then the model moves to the device the command asked for.
  const model = buildModel(run.model);
  loadModelState(model, checkpoint);
  if (device !== "cpu") model.to(device);
  model.eval();
  // The same seed reproduces the same train/test split for the generated and CSV datasets.
  const data = await loadRunData(run, name);
  return { model, run, data, path, device };
}

const CHECKPOINT: FlagSpec = { type: "string", description: "A run folder or its checkpoint.safetensors", default: "runs/mnist-mlp" };
const DATASET: FlagSpec = { type: "string", description: "The run's CSV file, as csv:<path>, for a run trained on one" };
const EVAL_FLAGS: Record<string, FlagSpec> = { checkpoint: CHECKPOINT, dataset: DATASET, device: DEVICE_FLAG };

/** `tensorgrad eval`: loss, accuracy, per-class precision/recall and the confusion matrix on the test split. */
export async function evalCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(helpText("tensorgrad eval [options]", "Evaluate a trained checkpoint on its dataset's test split.", EVAL_FLAGS));
    return;
  }
  const flags = parseFlags(argv, EVAL_FLAGS);
  const { model, run, data, path, device } = await restore(
    String(flags.checkpoint),
    flags.dataset as string | undefined,
    String(flags.device),
  );
  const test = device === "cpu" ? data.test : { x: data.test.x.to(device), y: data.test.y.to(device) };
  const m = await evaluate(model, test, run.task);
  console.log(`${path}: ${run.model.kind} on ${run.dataset}, ${data.test.x.shape[0]} test examples`);
  if (run.task === "regression") {
    console.log(`test loss (MSE) ${m.loss.toFixed(4)}`);
    return;
  }
  console.log(`test loss ${m.loss.toFixed(4)}, accuracy ${(m.accuracy * 100).toFixed(2)}%\n`);
  // The per-class tables are computed on the CPU from the predicted classes.
  const preds = await predictAll(model, test.x).argmax(1).toAsync("cpu");
  const k = run.model.outputs;
  const prf = precisionRecallF1(preds, data.test.y, k);
  const cm = confusionMatrix(preds, data.test.y, k).tolist() as number[][];
  const classes = Array.from({ length: k }, (_, i) => String(i));
  const pc = prf.perClass;
  console.log(
    textTable(
      ["class", "precision", "recall", "f1", "support"],
      [
        ...classes.map((c, i) => [c, pc.precision[i].toFixed(3), pc.recall[i].toFixed(3), pc.f1[i].toFixed(3), String(pc.support[i])]),
        ["macro", prf.precision.toFixed(3), prf.recall.toFixed(3), prf.f1.toFixed(3), String(data.test.y.shape[0])],
      ],
    ),
  );
  console.log(`\nconfusion matrix (rows: true class, columns: predicted)\n`);
  console.log(
    textTable(
      ["", ...classes],
      cm.map((row, i) => [classes[i], ...row.map(String)]),
    ),
  );
}

const PREDICT_FLAGS: Record<string, FlagSpec> = {
  checkpoint: CHECKPOINT,
  dataset: DATASET,
  indices: { type: "string", description: "Comma-separated indices into the test split", default: "0,1,2,3,4" },
  input: { type: "string", description: 'Inputs to predict instead, rows separated by ";" (e.g. "0.5,-1;1,2")' },
  device: DEVICE_FLAG,
};

const SHADES = " .:-=+*#%@";

/** A 28×28 image as 14 lines of text, two pixel rows per line. */
function asciiImage(img: Tensor): string[] {
  const [h, w] = img.shape.slice(-2);
  const px = img.reshape([h, w]).toArray();
  const lines: string[] = [];
  for (let r = 0; r < h; r += 2) {
    let line = "";
    for (let c = 0; c < w; c++)
      line += SHADES[Math.min(SHADES.length - 1, Math.floor(Math.max(px[r * w + c], px[Math.min(h - 1, r + 1) * w + c]) * SHADES.length))];
    lines.push(line);
  }
  return lines;
}

/** `tensorgrad predict`: predictions (with top probabilities) for test examples or inputs given on the command line. */
export async function predictCommand(argv: readonly string[]): Promise<void> {
  if (argv.includes("--help")) {
    console.log(helpText("tensorgrad predict [options]", "Show a trained checkpoint's predictions.", PREDICT_FLAGS));
    return;
  }
  const flags = parseFlags(argv, PREDICT_FLAGS);
  const { model, run, data, device } = await restore(String(flags.checkpoint), flags.dataset as string | undefined, String(flags.device));
  let x: Tensor;
  let truth: number[] | null = null;
  if (flags.input !== undefined) {
    const rows = String(flags.input)
      .split(";")
      .map((r) => r.split(",").map((v) => Number(v.trim())));
    const width = run.model.inputShape.reduce((a, b) => a * b, 1);
    if (rows.some((r) => r.length !== width || r.some((v) => !Number.isFinite(v)))) {
      throw new UsageError(`--input needs rows of ${width} numbers separated by commas, rows separated by ";"`);
    }
    x = tensor(rows).reshape([rows.length, ...run.model.inputShape]);
  } else {
    const idx = String(flags.indices)
      .split(",")
      .map((v) => Number(v.trim()));
    const n = data.test.x.shape[0];
    if (idx.some((i) => !Number.isInteger(i) || i < 0 || i >= n))
      throw new UsageError(`--indices must be integers in [0, ${n}), got "${flags.indices}"`);
    const sel = tensor(idx, { dtype: "int32" });
    x = data.test.x.indexSelect(0, sel);
    truth = Array.from(data.test.y.indexSelect(0, sel).toArray());
  }
  // Computed on the command's device, shown from the CPU.
  const out = await noGrad(() => model(device === "cpu" ? x : x.to(device))).toAsync("cpu");
  if (run.task === "regression") {
    const ys = out.reshape([-1]).toArray();
    ys.forEach((y, i) => {
      console.log(`#${i}: predicted ${y.toFixed(4)}${truth ? `, true ${truth[i].toFixed(4)}` : ""}`);
    });
    return;
  }
  const probs = noGrad(() => softmax(out, 1));
  for (let i = 0; i < x.shape[0]; i++) {
    const p = Array.from(probs.get(i).toArray());
    const top = p
      .map((v, c) => [c, v] as const)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3);
    const line = `predicted ${top[0][0]}${truth ? ` (true ${truth[i]})` : ""}   top: ${top.map(([c, v]) => `${c} ${(v * 100).toFixed(1)}%`).join(", ")}`;
    if (run.model.inputShape.length === 3) console.log(`${asciiImage(x.get(i)).join("\n")}\n${line}\n`);
    else console.log(`input [${Array.from(x.get(i).toArray(), (v) => v.toFixed(3)).join(", ")}]: ${line}`);
  }
}
