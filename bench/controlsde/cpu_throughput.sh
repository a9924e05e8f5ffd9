#!/bin/bash
# Particle-steps per CPU second (user + sys time) of single controlsde
# benchmarks, best of 3 runs each: on a shared machine CPU time is far less
# disturbed by other processes than wall-clock time. Run from the repository
# root: bench/controlsde/cpu_throughput.sh
set -euo pipefail
bin=$(mktemp)
trap 'rm -f "$bin"' EXIT
go test -c -o "$bin" ./controlsde
N=200                       # b.Loop iterations (plus one calibration run)
PS=$((4096 * 20))           # particle-steps per iteration (benchParticles × benchSteps)
for pat in 'BenchmarkGeodesicEM$/^S2$/^cores=1$/^check=1$' 'BenchmarkGeodesicEM$/^S2$/^cores=1$/^check=20$' 'BenchmarkRawLoop$/^S2$' \
           'BenchmarkLieEM$/^SO3$/^cores=1$/^check=1$' 'BenchmarkLieEM$/^SO3$/^cores=1$/^check=20$' 'BenchmarkRawLoop$/^SO3$' \
           'BenchmarkGeodesicEM$/^T4$/^cores=1$/^check=1$' 'BenchmarkGeodesicEM$/^T4$/^cores=1$/^check=20$' 'BenchmarkRawLoop$/^T4$'; do
  best=0
  for _ in 1 2 3; do
    cpu=$( { TIMEFORMAT='%U %S'; time "$bin" -test.run XXX -test.bench "^$pat" -test.benchtime ${N}x >/dev/null; } 2>&1 | awk '{print $1 + $2}')
    best=$(awk -v a="$best" -v c="$cpu" -v n=$N -v ps=$PS 'BEGIN { t = (n + 1) * ps / c; print (t > a) ? t : a }')
  done
  printf '%-50s %.4g particle-steps/cpu-s\n' "$pat" "$best"
done
