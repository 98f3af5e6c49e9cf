import type { View } from "../backend.js";
import { distinctElements } from "../cpu/strided.js";
import { gpu } from "./elementwise.js";
import type { Runtime } from "./runtime.js";
import { groupsFor, kernelHead, stridedMeta, stridedOffsets } from "./wgsl.js";

const sameView = (a: View, b: View): boolean =>
  a.offset === b.offset && a.shape.every((d, i) => d === b.shape[i]) && a.strides.every((s, i) => s === b.strides[i]);

/**
 * `dst += alpha·x` in place for float32 views of one shape (the optimizers' update, col2im's window adds): the product is
 * rounded to float32, then the sum, as `mul` then `add` would. False, having recorded nothing, for other dtypes, shapes,
 * a `dst` whose elements share memory, or an `x` in dst's buffer that is not the very same view.
 */
export function axpy(rt: Runtime, dst: View, x: View, alpha: number): boolean {
  if (dst.dtype !== "float32" || x.dtype !== "float32") return false;
  if (dst.shape.length !== x.shape.length || dst.shape.some((d, i) => d !== x.shape[i])) return false;
  if (!distinctElements(dst)) return false;
  const same = gpu(dst) === gpu(x);
  if (same && !sameView(dst, x)) return false;
  const { rank, meta } = stridedMeta(dst.shape, [dst, x]);
  if (meta[0] === 0) return true;
  meta.push(new Int32Array(new Float32Array([alpha]).buffer)[0]);
  const at = meta.length - 1;
  // The product goes through a bit cast so that compilers cannot contract it with the add into a fused multiply-add.
  const src = same ? "out[o0]" : "in0[o1]";
  const bindings = same
    ? ["var<storage, read_write> out: array<f32>"]
    : ["var<storage, read_write> out: array<f32>", "var<storage, read> in0: array<f32>"];
  const code = kernelHead(
    bindings,
    `${stridedOffsets(rank, 2)}
    let p = bitcast<f32>(bitcast<u32>(bitcast<f32>(prm[${at}]) * ${src}));
    out[o0] = out[o0] + p;`,
  );
  rt.dispatch(code, meta, same ? [gpu(dst)] : [gpu(dst), gpu(x)], groupsFor(meta[0]));
  return true;
}
