/**
 * What attention looks at. A one-layer, one-head transformer learns to reverse a 6-letter string: it reads
 * "tensor|" and must continue "rosnet", one letter at a time, with a causal mask (a position sees only itself and
 * the positions before it). To write the j-th letter of the reversal, the position that predicts it has to look
 * back at the mirrored input letter, and nothing in the input says where that is but the learned position
 * embeddings. nn.MultiheadAttention with `needWeights: true` returns the softmax weights, row by row (queries)
 * over the keys, and the trained weights show the rule as an anti-diagonal:
 *
 *   x = token + position embeddings → x + MultiheadAttention(x, x, x, causal) → x + MLP(x) → logits
 *
 * The weights of one input are drawn as a heatmap SVG (rows: queries, columns: keys, a colour scale), written to
 * runs/attention.svg or the path given as the first argument, and shaded in the terminal.
 *
 * Run: npx tsx --conditions=source examples/attention_heatmap.ts [out.svg]   (TG_QUICK=1 for a short run)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import * as tg from "tensorgrad";

const { nn } = tg;
const F = tg.nn.functional;

const quick = process.env.TG_QUICK === "1";
const steps = quick ? 200 : 600;
const outPath = resolve(process.argv[2] ?? "runs/attention.svg");

const letters = "abcdefghijklmnopqrstuvwxyz";
const vocab = [...letters, "|"]; // "|" separates the input from its reversal
const SEP = vocab.length - 1;
const n = 6; // letters to reverse
const T = 2 * n; // the model reads "tensor|rosne" and predicts "ensor|rosnet"

/** One attention layer and a small MLP, each added to the residual stream, as in a transformer block. */
class TinyTransformer extends nn.Module<[tg.Tensor], [tg.Tensor, tg.Tensor]> {
  tokEmb = new nn.Embedding(vocab.length, 32);
  posEmb = new nn.Embedding(T, 32);
  attn = new nn.MultiheadAttention(32, 1, { batchFirst: true });
  mlp = new nn.Sequential(new nn.LayerNorm(32), new nn.Linear(32, 64), new nn.ReLU(), new nn.Linear(64, 32));
  head = new nn.Linear(32, vocab.length);

  /** `x` [batch, T] int32 → logits [batch, T, vocab] and the attention weights [batch, T (queries), T (keys)]. */
  forward(x: tg.Tensor): [tg.Tensor, tg.Tensor] {
    const t = x.shape[1];
    const h = this.tokEmb(x).add(this.posEmb(tg.arange(t, { dtype: "int32" })));
    const causal = nn.Transformer.generateSquareSubsequentMask(t); // −inf above the diagonal: no peeking ahead
    const [a, weights] = this.attn(h, h, h, { attnMask: causal, needWeights: true });
    const h2 = h.add(a);
    return [this.head(h2.add(this.mlp(h2))), weights as tg.Tensor];
  }
}

/** Random strings and their reversals: x = "abcdef|fedcb", y = the next tokens, −1 (not scored) before "|". */
function batch(size: number, generator: tg.Generator): [tg.Tensor, tg.Tensor] {
  const s = tg.randint(0, letters.length, [size, n], { generator, dtype: "int32" });
  const x = tg.cat([s, tg.full([size, 1], SEP, { dtype: "int32" }), s.flip(1).narrow(1, 0, n - 1)], 1);
  const y = tg.cat([tg.full([size, n - 1], -1, { dtype: "int32" }), tg.full([size, 1], SEP, { dtype: "int32" }), s.flip(1)], 1);
  return [x, y];
}

// 1. Training: Adam on fresh random strings every step (26^6 of them: nothing to memorize).
tg.manualSeed(0);
const g = new tg.Generator(0);
const model = new TinyTransformer();
const opt = new tg.optim.Adam(model.parameters(), { lr: 3e-3 });
for (let step = 1; step <= steps; step++) {
  const [x, y] = batch(64, g);
  const loss = F.crossEntropy(model(x)[0].reshape([-1, vocab.length]), y.reshape([-1]), { ignoreIndex: -1 });
  opt.zeroGrad();
  loss.backward();
  opt.step();
  if (step % 100 === 0 || step === steps) console.log(`step ${step}  loss ${loss.item().toFixed(4)}`);
}

// 2. How well it reverses new strings, and where the predicting positions look. The position that reads
//    token n + j (j = 0 for "|") predicts the reversal's letter j, which sits at input position n − 1 − j.
model.eval();
const [xTest, yTest] = batch(500, new tg.Generator(1));
const [logits, weights] = tg.noGrad(() => model(xTest));
const right = logits
  .argmax(-1)
  .eq(yTest)
  .narrow(1, n - 1, n + 1)
  .all(1); // all n letters, and the "|"
console.log(`\nreversed correctly: ${right.sum().item()}/500 new strings`);
const w = weights.mean(0); // [T, T], averaged over the test strings
let onMirror = 0;
for (let j = 0; j < n; j++) onMirror += w.get(n + j, n - 1 - j).item();
console.log(`attention on the mirrored letter: ${(onMirror / n).toFixed(3)} on average (of 1)\n`);

// 3. One input's weights: in the terminal, then as an SVG heatmap.
const word = "tensor";
const ids = [...word].map((c) => letters.indexOf(c));
const input = [...ids, SEP, ...[...ids].reverse().slice(0, n - 1)];
const [out, att] = tg.noGrad(() => model(tg.tensor([input], { dtype: "int32" })));
const labels = input.map((i) => vocab[i]);
const A = att.get(0).tolist() as number[][]; // A[query][key]
const predicted = (out.get(0).argmax(-1).toArray() as Int32Array).slice(n - 1);
console.log(
  `"${word}|" continues as "${Array.from(predicted, (i) => vocab[i])
    .join("")
    .slice(1)}"`,
);
const shades = " ░▒▓█";
console.log(`query ↓ key → ${labels.join(" ")}`);
for (const [q, row] of A.entries())
  console.log(`${labels[q].padStart(13)} ${row.map((a) => shades[Math.min(4, Math.round(a * 4))]).join(" ")}`);

/** Viridis at t in [0, 1] (five stops, linearly interpolated): dark purple for 0, yellow for 1. */
function viridis(t: number): string {
  const stops = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((v, k) => Math.round(v + f * (stops[i + 1][k] - v)));
  return `rgb(${c.join(",")})`;
}

/** The heatmap: a cell per (query, key), token labels on both axes, a colour bar from 0 to 1. */
function heatmapSvg(weights: number[][], rowLabels: string[], colLabels: string[], title: string, notes: string[]): string {
  const cell = 32;
  const left = 110;
  const top = 90;
  const gridW = colLabels.length * cell;
  const gridH = rowLabels.length * cell;
  const width = left + gridW + 110;
  const height = top + gridH + 30 + 18 * notes.length;
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="14">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${left}" y="24" font-size="16" font-weight="bold">${esc(title)}</text>`,
    `<text x="${left + gridW / 2}" y="${top - 30}" text-anchor="middle" fill="#555">key (the position looked at)</text>`,
    `<text transform="translate(24 ${top + gridH / 2}) rotate(-90)" text-anchor="middle" fill="#555">query (the position predicting)</text>`,
  ];
  for (const [q, row] of weights.entries())
    for (const [k, a] of row.entries()) {
      const x = left + k * cell;
      const y = top + q * cell;
      parts.push(
        `<rect class="cell" x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${viridis(a)}"><title>query ${q} ${esc(rowLabels[q])} → key ${k} ${esc(colLabels[k])}: ${a.toFixed(3)}</title></rect>`,
      );
      if (a >= 0.1)
        parts.push(
          `<text x="${x + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" font-size="10" fill="${a > 0.6 ? "black" : "white"}">${a >= 0.995 ? "1" : a.toFixed(2).slice(1)}</text>`,
        );
    }
  for (const [k, c] of colLabels.entries())
    parts.push(`<text x="${left + k * cell + cell / 2}" y="${top - 8}" text-anchor="middle" font-family="monospace">${esc(c)}</text>`);
  for (const [q, r] of rowLabels.entries())
    parts.push(`<text x="${left - 8}" y="${top + q * cell + cell / 2 + 5}" text-anchor="end" font-family="monospace">${esc(r)}</text>`);
  // The colour bar: 0 at the bottom, 1 at the top.
  const barX = left + gridW + 30;
  const stops = Array.from({ length: 11 }, (_, i) => `<stop offset="${i / 10}" stop-color="${viridis(1 - i / 10)}"/>`);
  parts.push(`<defs><linearGradient id="scale" x1="0" y1="0" x2="0" y2="1">${stops.join("")}</linearGradient></defs>`);
  parts.push(`<rect x="${barX}" y="${top}" width="16" height="${gridH}" fill="url(#scale)"/>`);
  for (const v of [0, 0.5, 1]) parts.push(`<text x="${barX + 22}" y="${top + gridH - v * gridH + 5}">${v}</text>`);
  for (const [i, note] of notes.entries())
    parts.push(`<text x="${left}" y="${top + gridH + 26 + 18 * i}" fill="#555" font-size="12">${esc(note)}</text>`);
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

const svg = heatmapSvg(A, labels, labels, `attention weights reversing "${word}" (1 layer, 1 head)`, [
  "Each row sums to 1 (a softmax over the keys); above the diagonal is masked (causal).",
  'Rows from "|" on predict the reversal; the rows above predict random letters (untrained).',
]);
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, svg);
console.log(`\nwrote the heatmap to ${outPath}`);
