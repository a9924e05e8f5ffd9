#!/usr/bin/env bash
# Runs every side-by-side benchmark of BENCHMARKS.md in one go, from the
# repository root, and writes the raw outputs to bench/out/. Baselines need
# Debian's python3-numpy, python3-rdkit and python3-torch:
#   apt-get update && apt-get install -y python3-numpy python3-rdkit python3-torch libopenblas0-pthread
# Run on an otherwise idle machine; each section prints its own command.
set -euo pipefail
cd "$(dirname "$0")/.."
out=bench/out
mkdir -p "$out"
run() { echo "\$ $*"; "$@"; }

{
  echo "## manifold: per-point maps and samplers"
  run go test ./manifold -run '^$' -bench 'Benchmark(Exp|Log|Rand)$' -benchtime 200000x -count 3
  run go test ./manifold -run '^$' -bench 'Benchmark(SO3|IGSO3|VMF|SphereHeat|WrappedNormal|Mixture)$' -benchtime 0.3s
} 2>&1 | tee "$out/manifold.txt"

{
  echo "## controlsde: engine vs raw Go loop vs NumPy (particle-steps/s)"
  run go test ./controlsde -run '^$' -bench 'GeodesicEM|LieEM|RawLoop' -benchtime 20x -count 3
  run /usr/bin/python3 bench/controlsde/numpy_step.py --repeat 5
} 2>&1 | tee "$out/controlsde.txt"

{
  echo "## graph: SMILES parse + H expansion + rings vs RDKit"
  run go test ./graph -run '^$' -bench 'BenchmarkSMILES$|BenchmarkSummarize$|BenchmarkBestRMSD' -benchtime 2s -cpu 1
  run /usr/bin/python3 bench/graph/rdkit_smiles.py
} 2>&1 | tee "$out/graph.txt"

{
  echo "## internal/nn: Adam step of an MLP 64-128-128-64, batch 256, vs PyTorch"
  run bench/nn/compare.sh 3
} 2>&1 | tee "$out/nn.txt"

{
  echo "## datasets: target gradients"
  run go test ./datasets -run '^$' -bench 'BenchmarkGradLogDensity' -benchtime 0.3s
} 2>&1 | tee "$out/datasets.txt"
