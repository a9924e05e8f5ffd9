package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
	"github.com/geosoc/geosoc/sampler"
)

// baselineN is the number of AIS and SMC particles.
const baselineN = 1000

// runBaselines runs AIS, SMC (sampler, MALA / random-walk Metropolis
// kernels, default settings otherwise) and, on a compact space, uniform
// importance sampling with about budget energy evaluations each, and
// prints |log Ẑ − log Z|, ESS/N, the evaluations actually used and the
// seconds.
//
// AIS uses exactly (N + Pilot)(1 + K·M) evaluations (sampler.AIS), so K =
// round((budget/(N + Pilot) − 1)/M) with M = 5, at least 1. SMC chooses
// its stages S adaptively: a first run with M = 20 counts them (not
// counted in the table), then M = round((budget/N − 1)/S), as in
// bench/table. Uniform IS draws budget points from the
// uniform law μ of the space and weighs them by γ(x)/μ(x).
func runBaselines(tg datasets.Target, budget int64, seed uint64) {
	b := float64(budget)
	ais := sampler.AIS{MoveSteps: 5}
	ais.Temps = max(1, int(math.Round((b/float64(baselineN+sampler.DefaultPilot)-1)/5)))
	report("ais", tg, ais, seed)
	smc := sampler.SMC{MoveSteps: 20}
	if _, r, err := sampler.Run(tg, sampler.Options{N: baselineN, Seed: seed, ExactSamples: -1}, smc); err == nil {
		stages := (float64(r.EnergyEvals)/baselineN - 1) / float64(smc.MoveSteps)
		smc.MoveSteps = max(1, int(math.Round((b/baselineN-1)/stages)))
	}
	report("smc", tg, smc, seed)
	if sp, ok := tg.(interface{ Space() manifold.Manifold }); ok {
		uniformIS(tg, sp.Space(), int(budget), seed)
	}
}

func report(name string, tg datasets.Target, m sampler.Method, seed uint64) {
	_, r, err := sampler.Run(tg, sampler.Options{N: baselineN, Seed: seed, ExactSamples: -1}, m)
	if err != nil {
		fmt.Printf("%s %s: %v\n", r.Target, name, err)
		return
	}
	fmt.Printf("%s %s (%+v): |dlogZ| = %.4f (log Z %.4f ± %.4f, exact %.4f), ESS/N %.3f, %.1f s, energy evals %d\n",
		r.Target, name, m, math.Abs(r.LogZ-r.ExactLogZ), r.LogZ, r.LogZStdErr, r.ExactLogZ, r.ESSFraction, r.SampleSeconds, r.EnergyEvals)
}

// uniformIS is importance sampling from the uniform law μ = 1/Vol(M):
// log w = log γ(x) + log Vol(M), Ẑ = mean(w) (controlsde.Estimate).
func uniformIS(tg datasets.Target, sp manifold.Manifold, n int, seed uint64) {
	start := time.Now()
	rng := rand.New(rand.NewPCG(seed, 0x1a))
	d := sp.AmbientDim()
	x := make([]float64, d)
	lw := make([]float64, n)
	lv := sp.LogVolume()
	for i := range lw {
		sp.Rand(x, rng)
		lw[i] = tg.LogDensity(x) + lv
	}
	e := controlsde.Estimate(lw)
	z, _ := tg.LogZ()
	fmt.Printf("%s uniform-IS: |dlogZ| = %.4f (log Z %.4f ± %.4f, exact %.4f), ESS/N %.3f, %.1f s, energy evals %d\n",
		tg.Name(), math.Abs(e.LogZ-z), e.LogZ, e.LogZStdErr, z, e.ESS, time.Since(start).Seconds(), n)
}
