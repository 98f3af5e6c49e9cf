/**
 * The teach page's classifier: a small CNN of built-in `tg.nn` layers only, so `tg.io.describeModule` records it as
 * data, `tg.nn.loadModel` / `tg.io.buildModule` rebuild it and `tg.onnx.export` translates it layer by layer.
 */
import * as tg from "tensorgrad";
import { CHANNELS } from "./image.ts";

const { nn } = tg;

/**
 * Three conv blocks (16, 32, 64 channels; 3×3, padding 1), batch norm and max pooling after the first two, global
 * average pooling, dropout and one linear layer to `numClasses` logits. About 25k parameters; input [N, 3, 32, 32].
 *
 * @example const model = buildClassifier(3); model.eval(); model(x) // [N, 3] logits
 */
export function buildClassifier(numClasses: number): tg.nn.Sequential {
  if (!Number.isInteger(numClasses) || numClasses < 2)
    throw new RangeError(`buildClassifier: numClasses must be an integer ≥ 2, got ${numClasses}`);
  return new nn.Sequential(
    new nn.Conv2d(CHANNELS, 16, 3, { padding: 1 }),
    new nn.BatchNorm2d(16),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(16, 32, 3, { padding: 1 }),
    new nn.BatchNorm2d(32),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1 }),
    new nn.ReLU(),
    new nn.AdaptiveAvgPool2d(1),
    new nn.Flatten(),
    new nn.Dropout(0.25),
    new nn.Linear(64, numClasses),
  );
}
