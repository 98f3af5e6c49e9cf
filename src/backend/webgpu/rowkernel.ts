import type { View } from "../backend.js";
import { coalesce } from "../cpu/strided.js";
import { PRELUDE } from "./wgsl.js";

/**
 * Shared pieces of the row kernels (reductions, arg-reductions, scans, log-softmax): the split of a view into kept and
 * reduced dims, the WGSL that turns a reduced element's index into its offset, and a kernel head for kernels that work a
 * workgroup at a time.
 */

/** The kept dims of `x` (a view in the output's order, merged where the input allows) and the reduced dims. */
export interface RowLayout {
  kept: { shape: number[]; strides: number[]; offset: number };
  red: { shape: number[]; strides: number[] };
}

/**
 * Splits `x` into kept and reduced dims. Kept dims keep their order (the output is row-major in them); `reorder` lets the
 * reduced dims be walked in any order (a sum's elements may be added in any order), largest stride first, so that a
 * transposed or permuted input is still read as contiguous runs where memory allows.
 */
export function splitAxes(x: View, axes: readonly number[], reorder: boolean): RowLayout {
  const keptShape: number[] = [];
  const keptStrides: number[] = [];
  const red: [number, number][] = [];
  for (let d = 0; d < x.shape.length; d++) {
    if (axes.includes(d)) red.push([x.shape[d], x.strides[d]]);
    else {
      keptShape.push(x.shape[d]);
      keptStrides.push(x.strides[d]);
    }
  }
  if (reorder) red.sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const kept = coalesce(keptShape, keptStrides);
  return {
    kept: { ...kept, offset: x.offset },
    red: coalesce(
      red.map((r) => r[0]),
      red.map((r) => r[1]),
    ),
  };
}

/** Parameters for `keptOffset` (at `prm[1]`, after the count at `prm[0]`): [kept shape..., offset, kept strides...]. */
export function keptMeta(kept: RowLayout["kept"]): number[] {
  return [...kept.shape, kept.offset, ...kept.strides];
}

/** Index of the first parameter after `keptMeta` of a kept rank. */
export const afterKept = (rank: number): number => 1 + 2 * rank + 1;

/** WGSL function `name(row)`: the offset of row `row` from a `keptMeta` block of a kept rank at `prm[base]`. */
export function keptOffsetFn(rank: number, name = "kept_off", base = 1): string {
  const lines = [`fn ${name}(row: i32) -> i32 {`, "  var rem = row;", `  var off = prm[${base + rank}];`];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  { let s = prm[${base + d}]; off = off + (rem % s) * prm[${base + rank + 1 + d}]; rem = rem / s; }`);
  }
  lines.push("  return off;", "}");
  return lines.join("\n");
}

/** WGSL function `red_off(k)`: the offset of reduced element `k` from the reduced dims' sizes and strides at `prm[at...]`. */
export function reducedOffsetFn(rank: number, at: number): string {
  if (rank === 1) return `fn red_off(k: i32) -> i32 { return k * prm[${at + 1}]; }`;
  const lines = ["fn red_off(k: i32) -> i32 {", "  var rem = k;", "  var off = 0;"];
  for (let d = rank - 1; d >= 0; d--) {
    lines.push(`  { let s = prm[${at + d}]; off = off + (rem % s) * prm[${at + rank + d}]; rem = rem / s; }`);
  }
  lines.push("  return off;", "}");
  return lines.join("\n");
}

const sources = new Map<string, string>();
/** The WGSL of a kernel, built once per `key` (which names everything the source depends on). */
export function cachedSource(key: string, build: () => string): string {
  let s = sources.get(key);
  if (s === undefined) {
    s = build();
    sources.set(key, s);
  }
  return s;
}

/**
 * A kernel of workgroups of `wg` threads: `g` is the workgroup's linear index (workgroups past `prm[0]` return at once,
 * uniformly, before any barrier), `lid` the thread's index in it, and `tid = g * wg + lid` the global thread index.
 */
export function groupKernel(wg: number, bindings: readonly string[], body: string, functions: string): string {
  const decls = bindings.map((b, k) => `@group(0) @binding(${k + 1}) ${b};`).join("\n");
  return `${PRELUDE}
@group(0) @binding(0) var<storage, read> prm: array<i32>;
${decls}
${functions}
@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lidu: u32) {
  let g = i32(wid.x + wid.y * nwg.x);
  let lid = i32(lidu);
  let tid = g * ${wg} + lid;
  ${body}
}
`;
}

/** WGSL of a tree reduction of `sh[0..wg)` into `sh[0]` with `comb` (ends with a barrier, so every thread may read `sh[0]`). */
export function treeReduce(wg: number, comb: (a: string, b: string) => string): string {
  return `workgroupBarrier();
  for (var s = ${wg / 2}; s > 0; s = s >> 1u) {
    if (lid < s) { sh[lid] = ${comb("sh[lid]", "sh[lid + s]")}; }
    workgroupBarrier();
  }`;
}
