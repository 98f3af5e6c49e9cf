"""Writes test/fixtures/pytorch_models.safetensors: small PyTorch models' state dicts (strict PyTorch keys),
an input and PyTorch's output for each, so the tests can check without Python that tensorgrad loads PyTorch's
weights with strict=True and gives PyTorch's numbers. Without an argument it also writes pytorch_cnn.onnx (a CNN
from torch.onnx.export) and pytorch_cnn_io.safetensors (its input and output), for tg.onnx.load. Run: /usr/bin/python3 scripts/pytorch/make_fixture.py [OUT]
"""
import json
import os
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import save_file  # noqa: E402


def models():
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    cnn = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(36, 5)
    )
    emb = nn.Sequential(nn.Embedding(10, 6), nn.LayerNorm(6), nn.Linear(6, 2))
    cnn.train()
    with torch.no_grad():
        for _ in range(3):  # running statistics away from their defaults
            cnn(torch.randn(8, 1, 6, 6) * 2 + 0.5)
    return {
        "mlp": (mlp, torch.randn(3, 4)),
        "cnn": (cnn, torch.randn(2, 1, 6, 6)),
        "emb": (emb, torch.tensor([[1, 2, 3], [4, 5, 9]])),
    }


class Recurrent(nn.Module):
    """Embedding -> 2-layer batch-first LSTM or GRU -> Linear on every position's output (the CLI's recurrent LM)."""

    def __init__(self, kind):
        super().__init__()
        self.emb = nn.Embedding(12, 6)
        self.rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(6, 8, num_layers=2, batch_first=True)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(self.rnn(self.emb(x))[0])


SEQUENCE_ARCHITECTURES = {
    "lstm": lambda: Recurrent("lstm"),
    "gru": lambda: Recurrent("gru"),
    "attn": lambda: nn.Sequential(
        nn.Embedding(12, 8), nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, batch_first=True), nn.Linear(8, 3)
    ),
}


def sequence_models():
    """Drawn after models(), from their own seed, so the earlier models' tensors stay as they were."""
    torch.manual_seed(2)
    out = {}
    for name, build in SEQUENCE_ARCHITECTURES.items():
        out[name] = (build(), torch.randint(0, 12, (2, 5)))
    return out


def main():
    out = {}
    for name, (model, x) in {**models(), **sequence_models()}.items():
        model.eval()
        with torch.no_grad():
            y = model(x)
        for k, v in model.state_dict().items():
            out[f"{name}.{k}"] = v
        out[f"{name}:input"] = x
        out[f"{name}:output"] = y
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "..", "test", "fixtures", "pytorch_models.safetensors")
    path = sys.argv[1] if len(sys.argv) > 1 else default
    save_file(out, path, {"torch": torch.__version__})
    print(f"wrote {os.path.normpath(path)} ({len(out)} tensors, torch {torch.__version__})")
    if len(sys.argv) == 1:
        onnx_model(os.path.dirname(default))


def onnx_model(folder):
    torch.manual_seed(1)
    m = nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(36, 5), nn.LayerNorm(5), nn.GELU(), nn.Linear(5, 3), nn.LogSoftmax(1),
    )
    with torch.no_grad():
        for _ in range(3):
            m(torch.randn(8, 1, 6, 6) * 2 + 0.5)
    m.eval()
    x = torch.randn(2, 1, 6, 6)
    path = os.path.join(folder, "pytorch_cnn.onnx")
    torch.onnx.export(m, x, path, opset_version=17, input_names=["input"], output_names=["output"],
                      dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
    with torch.no_grad():
        save_file({"input": x, "output": m(x)}, os.path.join(folder, "pytorch_cnn_io.safetensors"))
    print(f"wrote {os.path.normpath(path)} and its input/output")


if __name__ == "__main__":
    main()
