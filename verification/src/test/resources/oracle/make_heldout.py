#!/usr/bin/env python3
"""Held-out inputs for `fp4sim gemm`, written by NumPy (not by fp4sim).

For each FP4 golden-vector file of golden-vectors/ (expected values from an independent
exact-rational implementation of the tensor-core arithmetic, MMA-Sim, arXiv:2511.10909) and each
K present in it, the cases are embedded on the diagonal of an n x n GEMM: row i of A and row i of
B^T are case i's operands, C[i][i] is case i's C (0 elsewhere), so D[i][i] must equal case i's D.
Off-diagonal elements mix cases and have no independent expected value; they are not checked.

Written per group (heldout/<format>_k<K>/):
  a.npy       uint8 (n, K/2)  C order
  b.npy       uint8 (n, K/2)  Fortran order (exercises the reader's F-order path)
  sfa.npy, sfb.npy               uint8 (n, K/block) linear scales
  sfa_cublas.npy, sfb_cublas.npy uint8 1-D: cuBLAS/CUTLASS 128x4 tiled layout, built here with the
              reshape/transpose formulation of torchao's `to_blocked` (not the offset formula fp4sim uses)
  c.npy       float32 (n, n), big-endian ('>f4') for every other group (exercises byte swapping)
  expected_diag.npy  uint32 (n,): the golden D bits of the diagonal
  ids.txt     the golden case ids, one per line

Usage: python3 make_heldout.py GOLDEN_DIR OUT_DIR   (NumPy >= 1.20)
"""
import json
import os
import sys

import numpy as np

FILES = {
    "nvfp4": ("tcgen05_mxf4nvf4_ue4m3_block16.json", 16),
    "mxfp4": ("tcgen05_mxf4_ue8m0_block32.json", 32),
    "nvfp4-ue8m0": ("tcgen05_mxf4nvf4_ue8m0_block16.json", 16),
}
PER_CATEGORY = 40  # cases per golden category (uniform, cancel, nan_c, ...): 360 rows at K = 64, 3 row tiles


def to_blocked(sf):
    """(rows, kb) -> flat tiled buffer: pad rows to 128 and kb to 4, 128x4 atoms, K-tiles fastest."""
    rows, kb = sf.shape
    rp, kp = -(-rows // 128) * 128, -(-kb // 4) * 4
    padded = np.zeros((rp, kp), dtype=np.uint8)
    padded[:rows, :kb] = sf
    blocks = padded.reshape(rp // 128, 128, kp // 4, 4).transpose(0, 2, 1, 3)
    return blocks.reshape(-1, 4, 32, 4).transpose(0, 2, 1, 3).reshape(-1).copy()


def hexbytes(s):
    return np.frombuffer(bytes.fromhex(s), dtype=np.uint8)


def main(golden, out):
    flip = False
    for fmt, (name, block) in FILES.items():
        with open(os.path.join(golden, name)) as f:
            doc = json.load(f)
        assert doc["block_size"] == block, name
        by_k = {}
        for c in doc["cases"]:
            by_k.setdefault(c["k"], []).append(c)
        for k, cases in sorted(by_k.items()):
            taken = {}
            kept = []
            for c in cases:
                cat = c["id"].rsplit("-", 1)[0]
                if taken.get(cat, 0) < PER_CATEGORY:
                    taken[cat] = taken.get(cat, 0) + 1
                    kept.append(c)
            cases = kept
            n = len(cases)
            a = np.stack([hexbytes(c["a"]) for c in cases])
            b = np.stack([hexbytes(c["b"]) for c in cases])
            sfa = np.stack([hexbytes(c["sfa"]) for c in cases])
            sfb = np.stack([hexbytes(c["sfb"]) for c in cases])
            assert a.shape == (n, k // 2) and sfa.shape == (n, k // block)
            cbits = np.zeros((n, n), dtype=np.uint32)
            cbits[np.arange(n), np.arange(n)] = [int(c["c"], 16) for c in cases]
            cf = cbits.view(np.float32)
            flip = not flip
            if flip:
                cf = cf.astype(">f4")  # same values, big-endian bytes
            d = np.array([int(c["d"], 16) for c in cases], dtype=np.uint32)
            g = os.path.join(out, "%s_k%d" % (fmt, k))
            os.makedirs(g, exist_ok=True)
            np.save(os.path.join(g, "a.npy"), a)
            np.save(os.path.join(g, "b.npy"), np.asfortranarray(b))
            np.save(os.path.join(g, "sfa.npy"), sfa)
            np.save(os.path.join(g, "sfb.npy"), sfb)
            np.save(os.path.join(g, "sfa_cublas.npy"), to_blocked(sfa))
            np.save(os.path.join(g, "sfb_cublas.npy"), to_blocked(sfb))
            np.save(os.path.join(g, "c.npy"), cf)
            np.save(os.path.join(g, "expected_diag.npy"), d)
            with open(os.path.join(g, "ids.txt"), "w") as f:
                f.write("\n".join(c["id"] for c in cases) + "\n")


if __name__ == "__main__":
    # the worked example of isa.md §6: M = 128, 8 K-blocks: (row 5, kb 2) -> 82, (row 5, kb 5) -> 593
    probe = np.zeros((128, 8), dtype=np.uint8)
    probe[5, 2], probe[5, 5] = 1, 2
    t = to_blocked(probe)
    assert t[82] == 1 and t[593] == 2, "to_blocked disagrees with isa.md §6"
    main(sys.argv[1], sys.argv[2])
