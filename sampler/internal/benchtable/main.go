// Command benchtable prints the baseline benchmark table of
// BENCHMARKS.md: every baseline on mw5, twomodes, manymodes,
// gmm40, funnel10 and vmf-s2 at about 10⁶ energy evaluations each, with
// |log Ẑ − log Z|, ESS/N, mode coverage, energy distance to exact samples
// and wall time.
//
//	go run ./sampler/internal/benchtable [-seed 1] [-targets mw5,twomodes]
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strings"

	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/sampler"
)

// refSigma is the reference / initial σ per target: wide enough to cover
// the target's support (GMM-40 means span [−40, 40]², ManyModes means
// [−16, 16)^8).
var refSigma = map[string]float64{"gmm40": 25, "manymodes": 10, "funnel10": 3}

// methods returns the baselines at a budget of about 10⁶ energy
// evaluations each (exact for MALA, AIS, PT, Föllmer; SMC's stage count is
// adaptive, so its MoveSteps is calibrated by calibrateSMC and its actual
// count is reported).
func methods(s float64) []struct {
	n int
	m sampler.Method
} {
	return []struct {
		n int
		m sampler.Method
	}{
		{1000, sampler.MALA{Steps: 999, RefSigma: s}},                     // 1000·1000
		{1000, sampler.AIS{Temps: 188, MoveSteps: 5, RefSigma: s}},        // 1064·941
		{2000, sampler.SMC{MoveSteps: 20, RefSigma: s}},                   // adaptive
		{100, sampler.PT{Temps: 10, Steps: 999, RefSigma: s}},             // 100·10·1000
		{1000, sampler.Follmer{Steps: 50, K: 20, Sigma: math.Min(s, 10)}}, // 1000·50·20 + 1000
	}
}

// budget is the target number of energy evaluations per row.
const budget = 1e6

// calibrateSMC sets SMC's MoveSteps so that its budget N·(1 + S·M) is
// about 10⁶: a first run with the given M counts the stages S (its own
// evaluations are not in the table), then M = round((10⁶/N − 1)/S).
func calibrateSMC(tg sampler.Target, sm sampler.SMC, n int, seed uint64) sampler.SMC {
	_, r, err := sampler.Run(tg, sampler.Options{N: n, Seed: seed, ExactSamples: -1}, sm)
	if err != nil {
		return sm
	}
	stages := (float64(r.EnergyEvals)/float64(n) - 1) / float64(sm.MoveSteps)
	sm.MoveSteps = max(1, int(math.Round((budget/float64(n)-1)/stages)))
	return sm
}

func f(v float64, prec int) string {
	if math.IsNaN(v) {
		return "—"
	}
	return fmt.Sprintf("%.*f", prec, v)
}

func main() {
	seed := flag.Uint64("seed", 1, "seed")
	targets := flag.String("targets", "mw5,twomodes,manymodes,gmm40,funnel10,vmf-s2", "comma-separated targets")
	flag.Parse()
	fmt.Println("| target | method | σ_ref | N | energy evals | \\|log Ẑ − log Z\\| | ESS/N | mode coverage | mode-weight TV | energy dist. | wall s |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, name := range strings.Split(*targets, ",") {
		tg, err := datasets.Lookup(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		s := refSigma[name]
		if s == 0 {
			s = 1
		}
		for _, mm := range methods(s) {
			if sm, ok := mm.m.(sampler.SMC); ok {
				mm.m = calibrateSMC(tg, sm, mm.n, *seed)
			}
			_, r, err := sampler.Run(tg, sampler.Options{N: mm.n, Seed: *seed}, mm.m)
			if err != nil {
				fmt.Printf("| %s | %s | %g | %d | — | n/a: %v | | | | | |\n", name, mm.m.Name(), s, mm.n, err)
				continue
			}
			fmt.Printf("| %s | %s | %g | %d | %d | %s | %s | %s | %s | %s | %.1f |\n",
				name, r.Method, s, r.N, r.EnergyEvals, f(math.Abs(r.LogZ-r.ExactLogZ), 3), f(r.ESSFraction, 3),
				f(r.ModeCoverage, 3), f(r.ModeWeightError, 3), f(r.EnergyDistance, 4), r.SampleSeconds)
			os.Stdout.Sync()
		}
	}
}
