package sampler_test

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/sampler"
)

// Annealed importance sampling on the two-mode Gaussian mixture of the
// LRDS paper (exact log Z = 0), with a counted budget.
func Example() {
	target := datasets.NewTwoModes()
	out, r, err := sampler.Sample(
		sampler.Problem{Target: target, Dim: target.Dim(), Name: target.Name()},
		&sampler.Settings{N: 500, Seed: 1},
		sampler.AIS{Temps: 50, MoveSteps: 5, Pilot: 50},
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("samples:", out.N, "of dimension", out.Dim)
	fmt.Println("gradient evaluations:", r.GradEvals) // (500 + 50)·(1 + 50·5)
	fmt.Println("|log Ẑ − log Z| < 4 SE:", math.Abs(r.LogZ-r.ExactLogZ) < 4*r.LogZStdErr)
	fmt.Println("warnings:", len(r.Warnings))
	// Output:
	// samples: 500 of dimension 5
	// gradient evaluations: 138050
	// |log Ẑ − log Z| < 4 SE: true
	// warnings: 0
}
