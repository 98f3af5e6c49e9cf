/**
 * tg.data.transforms: image transforms shaped like torchvision.transforms, each a callable object
 * (`new Normalize(mean, std)(x)`), with torchvision's argument names and defaults; random ones draw from an optional
 * `generator` (the default generator, seeded by `tg.manualSeed`, otherwise).
 */
export { Compose, Lambda, type TransformFn } from "./compose.js";
export { CenterCrop, type CropSize, RandomCrop, type RandomCropOptions } from "./crop.js";
export { type RandomFlipOptions, RandomHorizontalFlip, RandomVerticalFlip } from "./flip.js";
export { Normalize } from "./normalize.js";
export type { Padding, PaddingMode } from "./pad.js";
export { type ImageBytes, type NDArrayLike, type PicLike, ToTensor } from "./to_tensor.js";

import { withConstructorForm } from "../../arity.js";
import type { Tensor } from "../../tensor/tensor.js";
import * as T from "./transform.js";

/** The base class of transforms (subclass it and implement `forward`); it takes no arguments. */
export const Transform = withConstructorForm("Transform", T.Transform, "");
export type Transform<In = Tensor, Out = Tensor> = T.Transform<In, Out>;
