/**
 * The tiled float32 GEMM of the WebGPU backend: the tile sizes, the choice among them from the device's limits, and the
 * WGSL template they fill in. A workgroup computes a BM×BN tile of one batch's output; it walks k in steps of BK,
 * staging a BM×BK tile of A and a BK×BN tile of B in workgroup memory (both stored k-major, as vec4s along m and n),
 * and each invocation accumulates a TM×TN block of outputs in registers. Loads of the last (partial) tiles are guarded
 * and read zeros past the edges, so one kernel covers every size.
 */

/** Tile sizes of one GEMM configuration (all multiples of 4). */
export interface GemmTile {
  readonly name: string;
  /** Output rows and columns of a workgroup's tile. */
  readonly BM: number;
  readonly BN: number;
  /** The k step: the depth of the tiles staged in workgroup memory. */
  readonly BK: number;
  /** Output rows and columns of one invocation (register blocking). */
  readonly TM: number;
  readonly TN: number;
}

/** 128×128 tiles, 8×8 outputs an invocation (256 invocations, 8 KiB of workgroup memory): the big products. */
export const TILE_LARGE: GemmTile = { name: "large", BM: 128, BN: 128, BK: 8, TM: 8, TN: 8 };
/** 64×64 tiles, 4×4 outputs an invocation (256 invocations, 8 KiB). */
export const TILE_MEDIUM: GemmTile = { name: "medium", BM: 64, BN: 64, BK: 16, TM: 4, TN: 4 };
/** 32×32 tiles, 4×4 outputs an invocation (64 invocations, 4 KiB): small products, and devices below WebGPU's defaults. */
export const TILE_SMALL: GemmTile = { name: "small", BM: 32, BN: 32, BK: 16, TM: 4, TN: 4 };

const TILES = [TILE_LARGE, TILE_MEDIUM, TILE_SMALL] as const;

/** A larger tile is taken only when the product still gives this many workgroups (enough to fill a GPU's ~100 cores). */
const TARGET_WORKGROUPS = 128;

export const threadsOf = (t: GemmTile): number => (t.BM / t.TM) * (t.BN / t.TN);
const storageOf = (t: GemmTile): number => 4 * t.BK * (t.BM + t.BN);

/** The limits of a device that decide which tiles it can run. */
export interface GemmLimits {
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
}

/** The tiles that fit `limits` (workgroup memory and invocations per workgroup), largest first. */
export function tilesFor(limits: GemmLimits): GemmTile[] {
  return TILES.filter(
    (t) =>
      storageOf(t) <= limits.maxComputeWorkgroupStorageSize &&
      threadsOf(t) <= limits.maxComputeInvocationsPerWorkgroup &&
      threadsOf(t) <= limits.maxComputeWorkgroupSizeX,
  );
}

/** The tile for a `batch`×`m`×`n` output: the largest one that still yields `TARGET_WORKGROUPS`, else the smallest. */
export function chooseTile(tiles: readonly GemmTile[], batch: number, m: number, n: number): GemmTile | null {
  for (const t of tiles) if (batch * Math.ceil(m / t.BM) * Math.ceil(n / t.BN) >= TARGET_WORKGROUPS) return t;
  return tiles.length > 0 ? tiles[tiles.length - 1] : null;
}

/**
 * How an operand's tile is read from global memory. `vecOther`/`vecK`: vec4 loads along m (n for B) or along k, where the
 * operand is contiguous along that dim with offsets and strides multiples of 4; `other`/`k`: scalar loads with
 * consecutive invocations walking that dim (the one of smaller stride, for coalescing).
 */
export type TileLoad = "vecOther" | "vecK" | "other" | "k";

/** One compiled form of the kernel. */
export interface GemmVariant {
  readonly a: TileLoad;
  readonly b: TileLoad;
  /** Output stored as vec4s (n a multiple of 4). */
  readonly out4: boolean;
  /** A bias of [n] added in the epilogue (addmm). */
  readonly bias: boolean;
}

/** Positions in the parameter array (`prm`) of the kernel. Batch dims follow at `BATCH_DIMS`, three words each. */
export const P = {
  M: 0,
  N: 1,
  K: 2,
  tilesM: 3,
  tilesN: 4,
  tiles: 5,
  aOff: 6,
  aRs: 7,
  aCs: 8,
  bOff: 9,
  bRs: 10,
  bCs: 11,
  biasOff: 12,
  biasStride: 13,
  nb: 14,
} as const;
/** Where the batch dims start in `prm`: size, A's stride and B's stride of each. */
export const BATCH_DIMS = 15;

const isVec = (l: TileLoad): boolean => l === "vecOther" || l === "vecK";

/**
 * WGSL that stages one operand's tile in workgroup memory `S` (k-major: element (kk, o) is `S[kk * D/4 + o/4][o % 4]`).
 * `D` is the tile's other dim (BM for A, BN for B), `o` its row (A) or column (B); `X` the operand, read at
 * `off + o * sO + k * sK`, and zero past `lim` rows/columns or past K.
 */
function loadTile(t: GemmTile, load: TileLoad, X: string, S: string, D: string, lim: string, off: string, sO: string, sK: string): string {
  const threads = threadsOf(t);
  const per = (D === "BM" ? t.BM : t.BN) * t.BK;
  const count = isVec(load) ? per / 4 / threads : per / threads;
  const head = `for (var l = 0; l < ${count}; l = l + 1) {
      let v = li + l * THREADS;`;
  switch (load) {
    case "vecOther":
      return `${head}
      let kk = v / (${D} / 4);
      let o = (v % (${D} / 4)) * 4;
      var x = vec4<f32>(0.0);
      if (${D === "BM" ? "m0" : "n0"} + o < ${lim} && k0 + kk < K) { x = ${X}[(${off} + ${D === "BM" ? "m0" : "n0"} + o + (k0 + kk) * ${sK}) / 4]; }
      ${S}[kk * (${D} / 4) + o / 4] = x;
    }`;
    case "vecK":
      return `${head}
      let o = v / (BK / 4);
      let kq = (v % (BK / 4)) * 4;
      let go = ${D === "BM" ? "m0" : "n0"} + o;
      var x = vec4<f32>(0.0);
      if (go < ${lim} && k0 + kq < K) { x = ${X}[(${off} + go * ${sO} + k0 + kq) / 4]; }
      let s = kq * (${D} / 4) + o / 4;
      let c = o % 4;
      ${S}[s][c] = x.x;
      ${S}[s + ${D} / 4][c] = x.y;
      ${S}[s + 2 * (${D} / 4)][c] = x.z;
      ${S}[s + 3 * (${D} / 4)][c] = x.w;
    }`;
    default: {
      const [kk, o] = load === "other" ? [`v / ${D}`, `v % ${D}`] : [`v % BK`, `v / BK`];
      return `${head}
      let kk = ${kk};
      let o = ${o};
      let go = ${D === "BM" ? "m0" : "n0"} + o;
      var x = 0.0;
      if (go < ${lim} && k0 + kk < K) { x = ${X}[${off} + go * ${sO} + (k0 + kk) * ${sK}]; }
      ${S}[kk * (${D} / 4) + o / 4][o % 4] = x;
    }`;
    }
  }
}

const SWZ = ["x", "y", "z", "w"];

/** The WGSL source of the GEMM for tile `t` and variant `v` (bindings: prm, A, B, C, then the bias if any). */
export function gemmSource(t: GemmTile, v: GemmVariant): string {
  const a4 = t.TM / 4;
  const b4 = t.TN / 4;
  const acc: string[] = [];
  for (let r = 0; r < t.TM; r++) for (let j = 0; j < b4; j++) acc.push(`acc${r}_${j}`);
  const fma: string[] = [];
  for (let i = 0; i < a4; i++) fma.push(`let a${i} = As[kk * (BM / 4) + ty * (TM / 4) + ${i}];`);
  for (let j = 0; j < b4; j++) fma.push(`let b${j} = Bs[kk * (BN / 4) + tx * (TN / 4) + ${j}];`);
  for (let r = 0; r < t.TM; r++)
    for (let j = 0; j < b4; j++) fma.push(`acc${r}_${j} = fma(vec4<f32>(a${r >> 2}.${SWZ[r & 3]}), b${j}, acc${r}_${j});`);
  const epilogue: string[] = [];
  for (let j = 0; j < b4; j++) {
    const col = `col0 + ${4 * j}`;
    epilogue.push(
      v.bias
        ? `let bv${j} = vec4<f32>(bias_at(${col}, N), bias_at(${col} + 1, N), bias_at(${col} + 2, N), bias_at(${col} + 3, N));`
        : `let bv${j} = vec4<f32>(0.0);`,
    );
  }
  for (let r = 0; r < t.TM; r++) {
    epilogue.push(`if (row0 + ${r} < M) {`, `  let base = cBase + (row0 + ${r}) * N;`);
    for (let j = 0; j < b4; j++) {
      const col = `col0 + ${4 * j}`;
      const val = v.bias ? `acc${r}_${j} + bv${j}` : `acc${r}_${j}`;
      if (v.out4) epilogue.push(`  if (${col} < N) { C[(base + ${col}) / 4] = ${val}; }`);
      else {
        epilogue.push(`  { let y = ${val};`);
        for (let c = 0; c < 4; c++) epilogue.push(`    if (${col} + ${c} < N) { C[base + ${col} + ${c}] = y.${SWZ[c]}; }`);
        epilogue.push("  }");
      }
    }
    epilogue.push("}");
  }
  const arr = (vec: boolean): string => (vec ? "array<vec4<f32>>" : "array<f32>");
  return /* wgsl */ `
const BM = ${t.BM};
const BN = ${t.BN};
const BK = ${t.BK};
const TM = ${t.TM};
const TN = ${t.TN};
const THREADS = ${threadsOf(t)};
@group(0) @binding(0) var<storage, read> prm: array<i32>;
@group(0) @binding(1) var<storage, read> A: ${arr(isVec(v.a))};
@group(0) @binding(2) var<storage, read> B: ${arr(isVec(v.b))};
@group(0) @binding(3) var<storage, read_write> C: ${arr(v.out4)};
${
  v.bias
    ? `@group(0) @binding(4) var<storage, read> bias: array<f32>;
fn bias_at(c: i32, n: i32) -> f32 {
  if (c < n) { return bias[prm[${P.biasOff}] + c * prm[${P.biasStride}]]; }
  return 0.0;
}`
    : ""
}
var<workgroup> As: array<vec4<f32>, ${(t.BK * t.BM) / 4}>;
var<workgroup> Bs: array<vec4<f32>, ${(t.BK * t.BN) / 4}>;

@compute @workgroup_size(${threadsOf(t)})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let tile = i32(wid.x + wid.y * nwg.x);
  if (tile >= prm[${P.tiles}]) { return; }
  let M = prm[${P.M}];
  let N = prm[${P.N}];
  let K = prm[${P.K}];
  let tilesN = prm[${P.tilesN}];
  let perBatch = prm[${P.tilesM}] * tilesN;
  let bi = tile / perBatch;
  let tb = tile % perBatch;
  let m0 = (tb / tilesN) * BM;
  let n0 = (tb % tilesN) * BN;
  // This batch's offsets into A and B (batch dims may be broadcast: stride 0).
  var aOff = prm[${P.aOff}];
  var bOff = prm[${P.bOff}];
  var rem = bi;
  for (var d = prm[${P.nb}] - 1; d >= 0; d = d - 1) {
    let at = ${BATCH_DIMS} + 3 * d;
    let s = prm[at];
    let c = rem % s;
    rem = rem / s;
    aOff = aOff + c * prm[at + 1];
    bOff = bOff + c * prm[at + 2];
  }
  let aRs = prm[${P.aRs}];
  let aCs = prm[${P.aCs}];
  let bRs = prm[${P.bRs}];
  let bCs = prm[${P.bCs}];
  let li = i32(lid);
  let tx = li % (BN / TN);
  let ty = li / (BN / TN);
  ${acc.map((x) => `var ${x} = vec4<f32>(0.0);`).join("\n  ")}
  for (var k0 = 0; k0 < K; k0 = k0 + BK) {
    ${loadTile(t, v.a, "A", "As", "BM", "M", "aOff", "aRs", "aCs")}
    ${loadTile(t, v.b, "B", "Bs", "BN", "N", "bOff", "bCs", "bRs")}
    workgroupBarrier();
    for (var kk = 0; kk < BK; kk = kk + 1) {
      ${fma.join("\n      ")}
    }
    workgroupBarrier();
  }
  let row0 = m0 + ty * TM;
  let col0 = n0 + tx * TN;
  let cBase = bi * M * N;
  ${epilogue.join("\n  ")}
}
`;
}
