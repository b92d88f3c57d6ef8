#!/usr/bin/env python3
"""Tiny NVFP4 checkpoints in the two dialects of ecosystem.md §2.2, written with NumPy + json + struct
(the safetensors package is not installed here; the format is 8-byte LE header length, JSON header,
data, ecosystem.md §2.1). Used by Nvfp4CheckpointTest, whose expected values are derived by hand.

Layer "model.layers.0.mlp.down_proj", weight 2 x 32 (out x in), so weight U8 [2, 16] and weight_scale
F8_E4M3 [2, 2]:
  row 0: element j has e2m1 code j % 16 (codes 0..15: 0, .5, 1, 1.5, 2, 3, 4, 6, -0, -.5, ..., -6)
  row 1: every element code 0x7 (+6)
  weight_scale bytes [[0x38, 0x40], [0x7E, 0x30]]  (e4m3: 1.0, 2.0, 448, 0.5)
  ModelOpt weight_scale_2 = 0.25 (shape []), input_scale = 0.125 (shape [1])
  compressed-tensors weight_global_scale = 4.0 (the multiplier 1/0.25), input_global_scale = 8.0
  "inverted": a compressed-tensors file whose weight_global_scale holds ModelOpt's 1/4096 decode value.
"""
import json
import struct
import sys

import numpy as np


def save(path, tensors, metadata=None):
    header = {}
    if metadata:
        header["__metadata__"] = metadata
    blobs, off = [], 0
    for name, (dtype, arr) in tensors.items():
        b = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def main(out):
    codes = np.zeros((2, 32), dtype=np.uint8)
    codes[0] = np.arange(32) % 16
    codes[1] = 7
    packed = (codes[:, 0::2] | (codes[:, 1::2] << 4)).astype(np.uint8)  # ModelOpt: element 2j low nibble
    scale = np.array([[0x38, 0x40], [0x7E, 0x30]], dtype=np.uint8)
    L = "model.layers.0.mlp.down_proj"
    save(out + "/modelopt_nvfp4.safetensors", {
        L + ".weight": ("U8", packed),
        L + ".weight_scale": ("F8_E4M3", scale),
        L + ".weight_scale_2": ("F32", np.array(0.25, dtype=np.float32)),
        L + ".input_scale": ("F32", np.array([0.125], dtype=np.float32)),
    }, {"format": "pt"})
    save(out + "/compressed_tensors_nvfp4.safetensors", {
        L + ".weight_packed": ("U8", packed),
        L + ".weight_scale": ("F8_E4M3", scale),
        L + ".weight_global_scale": ("F32", np.array([4.0], dtype=np.float32)),
        L + ".input_global_scale": ("F32", np.array([8.0], dtype=np.float32)),
    })
    save(out + "/inverted_nvfp4.safetensors", {
        L + ".weight_packed": ("U8", packed),
        L + ".weight_scale": ("F8_E4M3", scale),
        L + ".weight_global_scale": ("F32", np.array([1 / 4096], dtype=np.float32)),
    })


if __name__ == "__main__":
    main(sys.argv[1])
