package soc_test

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/soc"
)

// gauss1 is N(1, 0.5) on R scaled by e^{0.3}, a soc.Target.
type gauss1 struct{ *controlsde.GaussianMixture }

func (gauss1) Name() string { return "gauss1" }

// Train a log-variance control for a 1-D Gaussian for a fraction of a
// second and estimate log Z by importance sampling with it.
func Example() {
	g, _ := controlsde.NewGaussianMixture([]float64{1}, []float64{1}, []float64{0.5}, 0.3)
	target := gauss1{g}
	model, _, err := soc.Train("logvar", target, &soc.Settings{
		Steps: 100, Batch: 64, Hidden: []int{16, 16}, Seed: 1,
		Reference: &soc.RefSpec{Kind: "brownian", Sigma: soc.ScheduleSpec{Kind: "constant", A: 1}, Steps: 10},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, rep, err := soc.Sample(model, target, 1000, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("samples:", out.N)
	fmt.Println("|log Z - exact| < 3 SE:", math.Abs(rep.LogZ-rep.ExactLogZ) < 3*rep.LogZStdErr)
	fmt.Println("ESS/N > 0.8:", rep.ESSFraction > 0.8)
	// Output:
	// samples: 1000
	// |log Z - exact| < 3 SE: true
	// ESS/N > 0.8: true
}

// Train lrds on the 16-mode IGSO(3) mixture on SO(3): its chain runs on
// R⁴ and the unit-quaternion map carries it to rotations, so the weights
// are exact and log Ẑ estimates the exact log Z = 0.
func Example_lrdsSO3() {
	target, err := datasets.Lookup("igso3-mix")
	if err != nil {
		fmt.Println(err)
		return
	}
	model, _, err := soc.Train("lrds", target, &soc.Settings{
		Steps: 10, Batch: 32, Hidden: []int{16}, Seed: 3, RefineRounds: 4, RefineSamples: 2048,
		Reference: &soc.RefSpec{Kind: "brownian", Sigma: soc.ScheduleSpec{Kind: "constant", A: 1}, Steps: 10},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, rep, err := soc.Sample(model, target, 2000, 5)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("rotations:", out.N, "of", out.Dim, "entries")
	fmt.Println("|log Z - exact| < 4 SE:", math.Abs(rep.LogZ-rep.ExactLogZ) < 4*rep.LogZStdErr)
	fmt.Println("ESS/N > 0.8:", rep.ESSFraction > 0.8)
	// Output:
	// rotations: 2000 of 9 entries
	// |log Z - exact| < 4 SE: true
	// ESS/N > 0.8: true
}
