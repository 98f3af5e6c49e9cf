/** A trained (or imported) model with its class names: predicts class probabilities for one image, in eval mode. */
import * as tg from "tensorgrad";
import { CHANNELS, IMAGE_SIZE, type Rgba, toChw } from "./image.ts";

export class Classifier {
  /**
   * `model` maps [N, 3, IMAGE_SIZE, IMAGE_SIZE] normalized images to [N, classes.length] logits; it is put in eval mode.
   *
   * @example const probs = await new Classifier(model, ["cat", "dog"]).predict(rgba) // [0.9, 0.1]
   */
  constructor(
    readonly model: tg.nn.Module,
    readonly classes: readonly string[],
    readonly device: tg.DeviceType = "cpu",
  ) {
    model.eval();
  }

  /** Softmax probabilities of one IMAGE_SIZE² RGBA image, in the order of `classes` (one forward, no gradients). */
  async predict(rgba: Rgba): Promise<number[]> {
    return (await this.predictBatch([rgba]))[0];
  }

  /** Probabilities of several images in one forward pass. */
  async predictBatch(images: readonly Rgba[]): Promise<number[][]> {
    const per = CHANNELS * IMAGE_SIZE * IMAGE_SIZE;
    const buf = new Float32Array(images.length * per);
    images.forEach((rgba, i) => {
      toChw(rgba, IMAGE_SIZE, buf, i * per);
    });
    const k = this.classes.length;
    const probs = tg.noGrad(() =>
      this.model(tg.tensor(buf, { device: this.device }).reshape([images.length, CHANNELS, IMAGE_SIZE, IMAGE_SIZE])).softmax(1),
    );
    const flat = (await probs.toArrayAsync()) as Float32Array;
    return images.map((_, i) => Array.from(flat.subarray(i * k, (i + 1) * k)));
  }
}
