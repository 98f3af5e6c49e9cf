"""safetensors.torch's save_file/load_file when the package is installed, else a small reader/writer of the format."""
import json

import torch

_TO_FILE = {torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
            torch.int64: "I64", torch.int32: "I32", torch.uint8: "U8", torch.bool: "BOOL"}
_FROM_FILE = {v: k for k, v in _TO_FILE.items()}

try:
    from safetensors.torch import load_file, save_file  # noqa: F401
except ImportError:
    def save_file(tensors, path, metadata=None):
        header = {"__metadata__": metadata} if metadata else {}
        chunks, offset = [], 0
        for name in sorted(tensors):
            t = tensors[name].detach().contiguous()
            data = t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b""
            header[name] = {"dtype": _TO_FILE[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
            chunks.append(data)
            offset += len(data)
        text = json.dumps(header, separators=(",", ":")).encode()
        text += b" " * (-len(text) % 8)
        with open(path, "wb") as f:
            f.write(len(text).to_bytes(8, "little") + text + b"".join(chunks))

    def load_file(path):
        with open(path, "rb") as f:
            data = f.read()
        n = int.from_bytes(data[:8], "little")
        header = json.loads(data[8:8 + n])
        body = bytearray(data[8 + n:])
        out = {}
        for name, info in header.items():
            if name == "__metadata__":
                continue
            begin, end = info["data_offsets"]
            dtype = _FROM_FILE[info["dtype"]]
            flat = torch.frombuffer(body[begin:end], dtype=dtype) if end > begin else torch.zeros(0, dtype=dtype)
            out[name] = flat.reshape(info["shape"]).clone()
        return out
