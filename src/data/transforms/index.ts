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
export { Transform } from "./transform.js";
