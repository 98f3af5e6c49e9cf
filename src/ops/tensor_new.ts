import { is, required, signature } from "../args.js";
import type { Tensor } from "../tensor/tensor.js";
import { type CreationOptions, full, type TensorData, tensor } from "./creation.js";
import { CREATION_OPTIONS, readSize, type SizeArgs } from "./size_args.js";

// Tensor.newZeros/newOnes/newEmpty/newFull/newTensor (PyTorch's `new_*`): creation ops whose dtype and device default
// to the tensor's own, and Tensor.typeAs.

const NEW_FULL_VALUE = signature("newFull", { fillValue: required(is.or(is.number, is.boolean)) });
const TYPE_AS = signature("typeAs", { other: required(is.tensor) });

const withDefaults = (self: Tensor, options: CreationOptions): CreationOptions => ({
  dtype: options.dtype ?? self.dtype,
  device: options.device ?? self.device,
  requiresGrad: options.requiresGrad ?? false,
});

function filledLike(self: Tensor, fn: string, value: number, args: readonly unknown[]): Tensor {
  const { shape, options } = readSize<CreationOptions>(fn, args, CREATION_OPTIONS);
  return full(shape, value, withDefaults(self, options));
}

/** A tensor of zeros of the given size with `self`'s dtype and device unless the options say otherwise. */
export const newZeros = (self: Tensor, ...args: SizeArgs<CreationOptions>): Tensor => filledLike(self, "newZeros", 0, args);
/** A tensor of ones of the given size with `self`'s dtype and device unless the options say otherwise. */
export const newOnes = (self: Tensor, ...args: SizeArgs<CreationOptions>): Tensor => filledLike(self, "newOnes", 1, args);
/** An uninitialised tensor (zeros here) of the given size with `self`'s dtype and device. */
export const newEmpty = (self: Tensor, ...args: SizeArgs<CreationOptions>): Tensor => filledLike(self, "newEmpty", 0, args);

/** A tensor of `size` filled with `fillValue`, with `self`'s dtype and device unless the options say otherwise. */
export function newFull(self: Tensor, size: readonly number[], fillValue: number | boolean, options: CreationOptions = {}): Tensor {
  const { shape, options: o } = readSize<CreationOptions>("newFull", [size, options], CREATION_OPTIONS);
  const { fillValue: v } = NEW_FULL_VALUE.parse([fillValue]);
  return full(shape, v, withDefaults(self, o));
}

/** A new tensor from `data`, with `self`'s dtype and device unless the options say otherwise (`Tensor.new_tensor`). */
export function newTensor(self: Tensor, data: TensorData, options: CreationOptions = {}): Tensor {
  readSize<CreationOptions>("newTensor", [options], CREATION_OPTIONS);
  return tensor(data, withDefaults(self, options));
}

/** `self` cast to `other`'s dtype (`Tensor.type_as`). */
export function typeAs(self: Tensor, ...args: [other: Tensor]): Tensor {
  const { other } = TYPE_AS.parse(args);
  return self.to(other.dtype);
}
