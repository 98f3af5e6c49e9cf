import { ValueError } from "../errors.js";
import { tensor } from "../ops/creation.js";
import { stack } from "../ops/join.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * What `defaultCollate` makes of a batch of `T`s: tensors are stacked into one with a new leading batch
 * dimension, numbers and booleans become a 1-d tensor, strings stay an array, and arrays (tuples) and
 * plain objects are collated field by field.
 */
export type Collated<T> = T extends Tensor
  ? Tensor
  : T extends number | boolean
    ? Tensor
    : T extends string
      ? string[]
      : T extends readonly unknown[]
        ? { -readonly [K in keyof T]: Collated<T[K]> }
        : T extends object
          ? { -readonly [K in keyof T]: Collated<T[K]> }
          : never;

/** A function that turns a list of dataset items into one batch. */
export type CollateFn<T, B> = (items: T[]) => B;

const describe = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);

function collate(items: readonly unknown[], path: string): unknown {
  const first = items[0];
  const where = path ? ` (field ${path})` : "";
  const same = (check: (v: unknown) => boolean, what: string): void => {
    items.forEach((v, i) => {
      if (!check(v)) throw new ValueError(`defaultCollate: item 0${where} is ${what} but item ${i} is ${describe(v)}`);
    });
  };
  if (first instanceof Tensor) {
    same((v) => v instanceof Tensor, "a tensor");
    return stack(items as Tensor[], 0);
  }
  if (typeof first === "number") {
    same((v) => typeof v === "number", "a number");
    const nums = items as number[];
    // Integers become int32 (class labels), anything else float32.
    const integral = nums.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);
    return tensor(nums, { dtype: integral ? "int32" : "float32" });
  }
  if (typeof first === "boolean") {
    same((v) => typeof v === "boolean", "a boolean");
    return tensor(items as boolean[], { dtype: "bool" });
  }
  if (typeof first === "string") {
    same((v) => typeof v === "string", "a string");
    return [...(items as string[])];
  }
  if (Array.isArray(first)) {
    same((v) => Array.isArray(v), "an array");
    const rows = items as unknown[][];
    rows.forEach((r, i) => {
      if (r.length !== first.length) {
        throw new ValueError(
          `defaultCollate: each element in the batch should be of equal size${where}: item 0 has ${first.length} fields, item ${i} has ${r.length}`,
        );
      }
    });
    return first.map((_, k) =>
      collate(
        rows.map((r) => r[k]),
        path ? `${path}[${k}]` : `[${k}]`,
      ),
    );
  }
  if (typeof first === "object" && first !== null && Object.getPrototypeOf(first) === Object.prototype) {
    same((v) => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Tensor), "an object");
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) {
      out[key] = collate(
        items.map((v, i) => {
          const rec = v as Record<string, unknown>;
          if (!(key in rec)) throw new ValueError(`defaultCollate: item ${i}${where} has no key "${key}" (item 0 has it)`);
          return rec[key];
        }),
        path ? `${path}.${key}` : key,
      );
    }
    return out;
  }
  throw new ValueError(
    `defaultCollate: batch items${where} must be tensors, numbers, booleans, strings, arrays or plain objects; found ${describe(first)}`,
  );
}

/**
 * Merges a list of dataset items into a batch, as PyTorch's `default_collate`: tensors are stacked along a
 * new first dimension, numbers become an `int32` tensor when all are integers (else `float32`), booleans a
 * `bool` tensor, strings stay a list, and arrays/tuples and plain objects are collated field by field.
 *
 * @example
 * tg.data.defaultCollate([[tg.zeros([2]), 1], [tg.ones([2]), 0]]); // [Tensor [2, 2], Tensor [2] int32]
 */
export function defaultCollate<T>(items: readonly T[]): Collated<T> {
  if (items.length === 0) throw new ValueError("defaultCollate: cannot collate an empty batch");
  return collate(items, "") as Collated<T>;
}
