package draw

import (
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/manifold"
)

// gaussian is the heat kernel of ½Δ on R^n from the origin at time t:
// N(0, t I), log p(x) = −|x|²/(2t) − (n/2) log(2πt), score −x/t.
type gaussian struct {
	m manifold.Euclidean
	t float64
}

func (g gaussian) Space() manifold.Manifold { return g.m }

func (g gaussian) LogProb(x []float64) float64 {
	return -dotv(x, x)/(2*g.t) - float64(len(x))/2*math.Log(2*math.Pi*g.t)
}

func (g gaussian) Score(dst, x []float64) {
	for i := range dst {
		dst[i] = -x[i] / g.t
	}
}

func (g gaussian) Rand(dst []float64, rng *rand.Rand) {
	s := math.Sqrt(g.t)
	for i := range dst {
		dst[i] = s * rng.NormFloat64()
	}
}
