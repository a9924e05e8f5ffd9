package soc

import (
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/controlsde"
)

// named gives a controlsde.GaussianMixture the Name of a Target.
type named struct {
	*controlsde.GaussianMixture
	name string
}

func (n named) Name() string { return n.name }

// Sample draws an exact sample (datasets.Sampler), enabling the EUBO.
func (n named) Sample(dst []float64, rng *rand.Rand) { n.Rand(dst, rng) }

// gaussian returns N(m, s² I) in R^d scaled by Z = e^{logZ}.
func gaussian(m []float64, s2, logZ float64) named {
	g, err := controlsde.NewGaussianMixture([]float64{1}, m, []float64{s2}, logZ)
	if err != nil {
		panic(err)
	}
	return named{g, "gauss"}
}

// twoModes1D returns (2/3) N(−2, 0.1) + (1/3) N(2, 0.1) on R (Z = 1).
func twoModes1D() named {
	g, err := controlsde.NewGaussianMixture([]float64{2, 1}, []float64{-2, 2}, []float64{0.1, 0.1}, 0)
	if err != nil {
		panic(err)
	}
	return named{g, "twomodes1d"}
}

// controlL2 returns the root-mean-square difference between two controls
// on the grid t ∈ {0.1, 0.3, 0.5, 0.7, 0.9} × x ∈ pts (rows of d values).
func controlL2(a, b controlsde.Control, pts []float64, d int) float64 {
	ua, ub := make([]float64, len(pts)), make([]float64, len(pts))
	var s float64
	n := 0
	for _, t := range []float64{0.1, 0.3, 0.5, 0.7, 0.9} {
		a.Control(ua, t, pts)
		b.Control(ub, t, pts)
		for i := range ua {
			e := ua[i] - ub[i]
			s += e * e
		}
		n += len(pts) / d
	}
	return math.Sqrt(s / float64(n))
}
