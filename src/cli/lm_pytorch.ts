/**
 * The CLI's four language models (lm_models.ts) as PyTorch classes, for `tensorgrad export --format pytorch` of a
 * language-model run: the same submodule names, so the state dict loads with strict=True, and the same forward.
 */
import { pytorchScript } from "../io/pytorch_code.js";
import type { LmConfig } from "./lm_models.js";

const CLASSES = `
class MlpLm(nn.Module):
    """Bengio et al. (2003) at every position: the last \`context\` tokens' embeddings (left-padded with token 0)."""

    def __init__(self, vocab_size, embed, hidden, context, dropout):
        super().__init__()
        self.context = context
        self.emb = nn.Embedding(vocab_size, embed)
        self.hidden = nn.Linear(context * embed, hidden)
        self.drop = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, x):
        b, t = x.shape
        c = self.context
        if c > 1:
            x = torch.cat([x.new_zeros(b, c - 1), x], 1)
        e = self.emb(x)
        windows = torch.cat([e[:, j:j + t] for j in range(c)], 2)
        return self.out(self.drop(torch.tanh(self.hidden(windows))))


class RecurrentLm(nn.Module):
    """Embedding -> stacked LSTM or GRU (batch first) -> dropout -> linear logits."""

    def __init__(self, kind, vocab_size, embed, hidden, layers, dropout):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, embed)
        rnn = nn.LSTM if kind == "lstm" else nn.GRU
        self.rnn = rnn(embed, hidden, num_layers=layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.drop = nn.Dropout(dropout)
        self.head = nn.Linear(hidden, vocab_size)

    def forward(self, x):
        out, _ = self.rnn(self.drop(self.emb(x)))
        return self.head(self.drop(out))


class TransformerLm(nn.Module):
    """A small GPT: token + learned position embeddings, pre-norm encoder layers with a causal mask, GELU."""

    def __init__(self, vocab_size, block_size, embed, hidden, layers, heads, dropout):
        super().__init__()
        self.block_size = block_size
        self.tokEmb = nn.Embedding(vocab_size, embed)
        self.posEmb = nn.Embedding(block_size, embed)
        self.drop = nn.Dropout(dropout)
        layer = nn.TransformerEncoderLayer(embed, heads, dim_feedforward=hidden, dropout=dropout, activation="gelu",
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(embed)
        self.head = nn.Linear(embed, vocab_size)

    def forward(self, x):
        t = x.shape[1]
        if t > self.block_size:
            raise ValueError(f"the transformer reads at most {self.block_size} tokens, got {t}")
        h = self.drop(self.tokEmb(x) + self.posEmb(torch.arange(t, device=x.device)))
        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)  # True: may not attend (a later token)
        return self.head(self.norm(self.blocks(h, mask=mask)))
`;

const f = (v: number) => (Number.isInteger(v) ? `${v}.0` : String(v));

/** The constructor call for `cfg`'s model. */
function construct(cfg: LmConfig): string {
  const { vocabSize: v, blockSize, embed, hidden, layers, heads, context, dropout } = cfg;
  switch (cfg.kind) {
    case "mlp":
      return `MlpLm(vocab_size=${v}, embed=${embed}, hidden=${hidden}, context=${context}, dropout=${f(dropout)})`;
    case "lstm":
    case "gru":
      return `RecurrentLm("${cfg.kind}", vocab_size=${v}, embed=${embed}, hidden=${hidden}, layers=${layers}, dropout=${f(dropout)})`;
    case "transformer":
      return `TransformerLm(vocab_size=${v}, block_size=${blockSize}, embed=${embed}, hidden=${hidden}, layers=${layers}, heads=${heads}, dropout=${f(dropout)})`;
  }
}

/** A runnable `model.py` for a language model: `build_model()` returns it (token indices [B, T] → logits [B, T, V]). */
export function lmPytorchCode(cfg: LmConfig): string {
  return pytorchScript(CLASSES, `return ${construct(cfg)}`);
}
