/**
 * The four normalization layers side by side, on one batch of shape [N, C, L] (N examples, C channels,
 * L positions). They all compute (x − mean) / √(var + ε), then a learned scale and shift (1 and 0 at the
 * start); they differ only in which entries share a mean and a variance:
 *
 *   BatchNorm     one mean/std per channel,              over the batch and positions (N, L)
 *   LayerNorm     one per example,                        over its channels and positions (C, L)
 *   GroupNorm     one per example and group of channels,  over the group's channels and positions
 *   InstanceNorm  one per example and channel,            over the positions (L) only
 *
 * For each layer's output we measure mean and standard deviation over each of these four groupings and
 * tick the ones that come out as mean 0, std 1.
 *
 * Run: npx tsx --conditions=source examples/normalization.ts
 */
import * as tg from "tensorgrad";

const { nn } = tg;
tg.manualSeed(0);

const [N, C, L, G] = [8, 4, 6, 2];
// A batch whose channels and examples have different offsets and scales, so nothing starts normalized.
const channelScale = tg.tensor([0.5, 1, 2, 4]).reshape([1, C, 1]);
const channelShift = tg.tensor([-3, 0, 2, 5]).reshape([1, C, 1]);
const exampleShift = tg.arange(N).float().reshape([N, 1, 1]);
const x = tg.randn([N, C, L]).mul(channelScale).add(channelShift).add(exampleShift);

/** A way of grouping entries: reshape the [N, C, L] tensor, then reduce over `dims`. */
interface Grouping {
  name: string;
  shape: number[];
  dims: number[];
}
const groupings: Grouping[] = [
  { name: "channel (N,L)", shape: [N, C, L], dims: [0, 2] },
  { name: "example (C,L)", shape: [N, C, L], dims: [1, 2] },
  { name: `example+group (C/${G},L)`, shape: [N, G, C / G, L], dims: [2, 3] },
  { name: "example+channel (L)", shape: [N, C, L], dims: [2] },
];

/** Largest |mean| and largest |std − 1| over the groups (population std, as the layers use). */
function stats(t: tg.Tensor, g: Grouping): { mean: number; std: number; unit: boolean } {
  const r = t.reshape(g.shape);
  const mean = r.mean(g.dims).abs().amax().item();
  const std = r.std(g.dims, { correction: 0 }).sub(1).abs().amax().item();
  return { mean, std, unit: mean < 1e-4 && std < 1e-2 };
}

const layers: [string, tg.nn.Module][] = [
  ["BatchNorm1d", new nn.BatchNorm1d(C)],
  ["LayerNorm", new nn.LayerNorm([C, L])],
  ["GroupNorm", new nn.GroupNorm(G, C)],
  ["InstanceNorm1d", new nn.InstanceNorm1d(C)],
];

console.log(`batch: [N, C, L] = [${N}, ${C}, ${L}], ${G} groups of ${C / G} channels for GroupNorm`);
console.log("each cell: max |mean| / max |std − 1| over the groups; ✓ = mean 0 and std 1\n");
const colWidth = 22;
console.log(`${"".padEnd(15)}| ${groupings.map((g) => g.name.padEnd(colWidth)).join("| ")}`);
console.log("-".repeat(15 + (colWidth + 2) * groupings.length));
const rows: [string, tg.Tensor][] = [["input", x], ...layers.map(([name, layer]): [string, tg.Tensor] => [name, layer(x)])];
const summary: string[] = [];
for (const [name, out] of rows) {
  const cells = groupings.map((g) => {
    const s = stats(out, g);
    return `${s.mean.toFixed(4)} / ${s.std.toFixed(4)} ${s.unit ? "✓" : " "}`.padEnd(colWidth);
  });
  console.log(`${name.padEnd(15)}| ${cells.join("| ")}`);
  const unitAxes = groupings.filter((g) => stats(out, g).unit).map((g) => g.name);
  summary.push(`${name}: ${unitAxes.length ? `mean 0, std 1 per ${unitAxes.join("; per ")}` : "not normalized over any grouping"}`);
}
console.log(`\n${summary.join("\n")}`);

// A grouping made of normalized pieces is itself normalized (every piece has mean 0 and mean square 1), so
// InstanceNorm's fine (example, channel) groups make every coarser column come out 0/1 too, and GroupNorm's
// groups make whole examples 0/1. BatchNorm is the odd one out: it mixes examples, which is why it keeps
// running averages for eval mode, where one example at a time must give the same answer.
console.log("\nInstanceNorm's groups are the finest, so every coarser grouping of its output is normalized too.");
console.log("BatchNorm is the only one that mixes examples: in eval mode it uses its running averages instead.");
