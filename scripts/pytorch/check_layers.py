"""Runs the model.py that tensorgrad wrote for each layer in one process: for each folder under ROOT (holding
model.py, model.safetensors and check.safetensors), build_model(), load_state_dict(strict=True) and compare the
output on the saved inputs ("input", "input_1", ...) with tensorgrad's. Prints one line per layer, "ok" or "FAIL", and exits 1 on any failure.
Run: python check_layers.py ROOT
"""
import importlib.util
import os
import sys

import torch


def check(folder):
    spec = importlib.util.spec_from_file_location(f"model_{os.path.basename(folder)}", os.path.join(folder, "model.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build_model()
    state = module.load_safetensors(os.path.join(folder, "model.safetensors"))
    model.load_state_dict(state, strict=True)
    model.eval()
    data = module.load_safetensors(os.path.join(folder, "check.safetensors"))
    names = ["input"] + sorted((k for k in data if k.startswith("input_")), key=lambda k: int(k[6:]))
    xs = [x.float() if x.is_floating_point() else x.long() for x in (data[k] for k in names)]
    with torch.no_grad():
        y = model(*xs)
    while isinstance(y, (tuple, list)):  # RNN: (output, h_n); LSTMCell: (h, c)
        y = y[0]
    expected = data["output"]
    if tuple(y.shape) != tuple(expected.shape):
        return False, f"shape {tuple(y.shape)}, tensorgrad's {tuple(expected.shape)}"
    err = (y - expected).abs().max().item() if y.numel() else 0.0
    return err <= 1e-4 * max(1.0, expected.abs().max().item()), f"{len(state)} tensors (strict), max abs difference {err:.3g}"


def main(root):
    failed = 0
    for name in sorted(os.listdir(root)):
        try:
            ok, detail = check(os.path.join(root, name))
        except Exception as e:  # noqa: BLE001 (a layer PyTorch can't build is a failure to report, not a crash)
            ok, detail = False, f"{type(e).__name__}: {e}"
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1])
