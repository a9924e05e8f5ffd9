#!/bin/bash
# Runs the Go benchmark BenchmarkAdamStep/MLP64-128-128-64_B256 and the
# PyTorch step (bench/nn/torch_step.py) alternately for ROUNDS rounds and
# prints, per configuration, the best and the median ms/step over all
# repetitions. Alternating and taking the best makes the comparison robust
# to other load on the machine.
#
#   bench/nn/compare.sh [ROUNDS]            (from the repository root)
#   GO_BINS="name=/path/to/nn.test ..." bench/nn/compare.sh   extra builds
set -euo pipefail
rounds=${1:-5}
out=$(mktemp -d)
go test -c -o "$out/head.test" ./internal/nn
bins="head=$out/head.test ${GO_BINS:-}"
for r in $(seq "$rounds"); do
  for nb in $bins; do
    name=${nb%%=*} bin=${nb#*=}
    "$bin" -test.run '^$' -test.bench 'AdamStep/MLP64-128-128-64_B256$' -test.benchtime 100x -test.count 3 |
      awk -v n="go-$name" '/^Benchmark/{print n, $3/1e6}' >>"$out/res"
  done
  # OpenMP busy-waits by default, which collapses under other load;
  # the passive wait policy is reported alongside.
  for cfg in "2 active" "2 passive" "1 passive"; do
    set -- $cfg
    OMP_WAIT_POLICY=$2 /usr/bin/python3 bench/nn/torch_step.py --steps 50 --repeats 3 --threads "$1" --raw |
      awk -v c="threads$1-$2" '{print "torch-" $1 "-" c, $2}' >>"$out/res"
  done
done
summarise() {
  sort -k1,1 -k2,2g "$1" | awk '
    { c[$1]++; v[$1, c[$1]] = $2 }
    END { for (k in c) { n = c[k]; printf "%-34s best %8.3f ms/step  median %8.3f ms/step  (%d runs)\n", k, v[k, 1], v[k, int((n+1)/2)], n } }' | sort
}
summarise "$out/res"
echo "raw results: $out/res"
