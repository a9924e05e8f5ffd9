// Command soc-bench trains a soc control on a datasets target, samples with
// it and prints the sampler.Report as JSON together with |log Ẑ − log Z|.
// Manifold targets (vmf-s2, igso3-mix, vonmises-t4) train on their own
// space (the target's Space method). With -baselines it then runs AIS and
// SMC (package sampler) and uniform importance sampling (compact spaces)
// at the same number of energy evaluations as the learned sampler
// (training included) and prints one line each.
//
//	go run ./bench/soc -target mw5 -method logvar -steps 1000
//	go run ./bench/soc -target igso3-mix -method adjoint -ref brownian:1.5 -tsteps 20 -baselines
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/sampler"
	"github.com/geosoc/geosoc/soc"
)

func main() {
	target := flag.String("target", "mw5", "datasets target name")
	method := flag.String("method", "logvar", "adjoint, logvar or lrds")
	steps := flag.Int("steps", 500, "optimiser steps")
	batch := flag.Int("batch", 256, "batch size")
	hidden := flag.String("hidden", "64,64", "hidden widths")
	lr := flag.Float64("lr", 2e-3, "base learning rate (cosine schedule)")
	ref := flag.String("ref", "", "reference: brownian:<sigma>, geometric:<min>:<max>, vp:<variance>:<beta_min>:<beta_max> (empty: method default)")
	tsteps := flag.Int("tsteps", 50, "time steps of the reference grid")
	n := flag.Int("n", 10000, "samples")
	seed := flag.Uint64("seed", 1, "seed")
	save := flag.String("save", "", "write the model here")
	grad := flag.Bool("grad", false, "add the gated target-gradient term to the control")
	buffer := flag.Int("buffer", 0, "adjoint replay buffer size (0: default)")
	comps := flag.Int("components", 0, "lrds mixture components (0: default)")
	chains := flag.Int("chains", 0, "lrds annealed-MALA chains (0: default)")
	family := flag.String("family", "", "lrds reference family: auto (empty), isotropic, diagonal or product")
	refine := flag.Int("refine", 0, "lrds reference refinement rounds (tempered mixture PMC)")
	refineN := flag.Int("refine-samples", 0, "draws per refinement round (0: default)")
	baselines := flag.Bool("baselines", false, "also run AIS, SMC and uniform IS at the same energy-evaluation budget")
	flag.Parse()
	tg, err := datasets.Lookup(*target)
	if err != nil {
		fail(err)
	}
	s := &soc.Settings{Steps: *steps, Batch: *batch, Seed: *seed, GradTerm: *grad, BufferSize: *buffer, Components: *comps, Chains: *chains,
		Family: *family, RefineRounds: *refine, RefineSamples: *refineN}
	for _, w := range strings.Split(*hidden, ",") {
		v, err := strconv.Atoi(w)
		if err != nil {
			fail(err)
		}
		s.Hidden = append(s.Hidden, v)
	}
	if *lr != 2e-3 {
		s.LR.Kind, s.LR.Base, s.LR.Min, s.LR.Warmup, s.LR.Total = "cosine", *lr, *lr/100, *steps/20, *steps
	}
	if *ref != "" {
		f := strings.Split(*ref, ":")
		num := func(i int) float64 {
			if i >= len(f) {
				fail(fmt.Errorf("bad -ref %q", *ref))
			}
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				fail(err)
			}
			return v
		}
		switch f[0] {
		case "brownian":
			s.Reference = &soc.RefSpec{Kind: "brownian", Sigma: soc.ScheduleSpec{Kind: "constant", A: num(1)}, Steps: *tsteps}
		case "geometric":
			s.Reference = &soc.RefSpec{Kind: "brownian", Sigma: soc.ScheduleSpec{Kind: "geometric", A: num(1), B: num(2)}, Steps: *tsteps}
		case "vp":
			s.Reference = &soc.RefSpec{Kind: "vp", Variance: num(1), Sigma: soc.ScheduleSpec{Kind: "linear", A: num(2), B: num(3)}, Steps: *tsteps}
		default:
			fail(fmt.Errorf("bad -ref %q", *ref))
		}
	}
	m, _, err := soc.Train(*method, tg, s)
	if err != nil {
		fail(err)
	}
	if *save != "" {
		if err := soc.Save(*save, m); err != nil {
			fail(err)
		}
	}
	out, rep, err := soc.Sample(m, tg, *n, *seed+1000)
	if err != nil {
		fail(err)
	}
	sampler.Diagnose(&rep, tg, out, *seed+1000, 0)
	b, _ := json.Marshal(rep)
	fmt.Println(string(b))
	fmt.Printf("%s %s: |dlogZ| = %.4f (log Z %.4f ± %.4f, exact %.4f), ESS/N %.3f, modes %.3f, weight TV %.3f, energy dist %.4f, sinkhorn %.4f, train %.1f s, sample %.1f s, energy evals %d\n",
		*target, *method, math.Abs(rep.LogZ-rep.ExactLogZ), rep.LogZ, rep.LogZStdErr, rep.ExactLogZ, rep.ESSFraction,
		rep.ModeCoverage, rep.ModeWeightError, rep.EnergyDistance, rep.Sinkhorn, rep.TrainSeconds, rep.SampleSeconds, rep.EnergyEvals)
	if *baselines {
		runBaselines(tg, rep.EnergyEvals, *seed)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "soc-bench:", err)
	os.Exit(2)
}
