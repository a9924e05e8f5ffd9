#!/usr/bin/python3
"""Time RDKit's MolFromSmiles + AddHs (+ ring count) per molecule on the
same file as geosoc's BenchmarkSMILES (graph/bench_test.go), for a side by
side ratio.

  /usr/bin/python3 bench/graph/rdkit_smiles.py [graph/testdata/molecules.smi] [repeats]

MolFromSmiles sanitises: valence check, kekulisation, aromaticity, ring
perception, stereo; AddHs adds explicit hydrogens; RingInfo.NumRings reads
the perceived rings. Prints microseconds per molecule (best of 5 runs).
"""
import os
import sys
import time

from rdkit import Chem, RDLogger, rdBase

RDLogger.DisableLog("rdApp.*")
here = os.path.dirname(os.path.abspath(__file__))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "graph", "testdata", "molecules.smi")
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 20
smiles = []
with open(path) as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            smiles.append(line.split()[0])


def run():
    n = 0
    for s in smiles:
        m = Chem.MolFromSmiles(s)
        mh = Chem.AddHs(m)
        n += mh.GetRingInfo().NumRings()
    return n


best = float("inf")
for _ in range(5):
    t0 = time.perf_counter()
    for _ in range(repeats):
        run()
    dt = (time.perf_counter() - t0) / (repeats * len(smiles))
    best = min(best, dt)
print("RDKit %s: MolFromSmiles + AddHs + NumRings: %.2f us/mol over %d molecules (best of 5 x %d passes)"
      % (rdBase.rdkitVersion, best * 1e6, len(smiles), repeats))
