"""Loads tensorgrad's weights into one of make_fixture.py's sequence models with strict=True and compares its output
with tensorgrad's. Run: python check_model.py lstm|gru|attn FOLDER (FOLDER holds model.safetensors, check.safetensors).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixture import SEQUENCE_ARCHITECTURES  # noqa: E402
from safetensors_io import load_file  # noqa: E402


def main(name, folder):
    model = SEQUENCE_ARCHITECTURES[name]()
    state = load_file(os.path.join(folder, "model.safetensors"))
    model.load_state_dict(state, strict=True)
    model.eval()
    check = load_file(os.path.join(folder, "check.safetensors"))
    with torch.no_grad():
        y = model(check["input"].long())
    err = (y - check["output"]).abs().max().item()
    ok = err <= 1e-4 * max(1.0, check["output"].abs().max().item())
    print(f"{len(state)} tensors loaded with strict=True; max abs difference from tensorgrad's output: {err:.3g} "
          f"({'OK' if ok else 'MISMATCH'})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
