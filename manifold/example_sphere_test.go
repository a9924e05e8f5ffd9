package manifold_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/manifold"
)

func ExampleVonMisesFisher() {
	mu := []float64{0, 0, 1}
	v, err := manifold.NewVonMisesFisher(mu, 10) // on S²
	if err != nil {
		panic(err)
	}
	// Density at the mode: κ/(2π(1 − e^{−2κ})).
	fmt.Printf("p(μ) = %.6f\n", math.Exp(v.LogProb(mu)))
	fmt.Printf("E⟨μ,X⟩ = coth κ − 1/κ = %.6f\n", v.MeanResultantLength())
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float64, 3)
	var mean float64
	const n = 100000
	for i := 0; i < n; i++ {
		v.Rand(x, rng)
		mean += x[2] / n
	}
	fmt.Printf("sample mean of ⟨μ,X⟩ ≈ %.2f\n", mean)
	// Output:
	// p(μ) = 1.591549
	// E⟨μ,X⟩ = coth κ − 1/κ = 0.900000
	// sample mean of ⟨μ,X⟩ ≈ 0.90
}

func ExampleSphereHeat() {
	x0 := []float64{1, 0, 0, 0} // Brownian motion on S³ from x0
	h, err := manifold.NewSphereHeat(x0, 0.5)
	if err != nil {
		panic(err)
	}
	// Zonal log density and its θ-derivative, as an SDE step would use them.
	lp, dl := manifold.SphereHeatZonal(4, 0.5, math.Pi/2)
	fmt.Printf("log p(π/2) = %.6f, ∂θ log p = %.6f\n", lp, dl)
	fmt.Printf("LogProb agrees: %v\n", math.Abs(h.LogProb([]float64{0, 1, 0, 0})-lp) < 1e-12)
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float64, 4)
	var mean float64
	const n = 100000
	for i := 0; i < n; i++ {
		h.Rand(x, rng)
		mean += x[0] / n
	}
	// E⟨x0, X_t⟩ = e^{−(d−1)t/2} = e^{−0.75} = 0.472.
	fmt.Printf("sample mean of ⟨x0,X⟩ ≈ %.2f (exact %.4f)\n", mean, math.Exp(-0.75))
	// Output:
	// log p(π/2) = -3.482913, ∂θ log p = -2.504973
	// LogProb agrees: true
	// sample mean of ⟨x0,X⟩ ≈ 0.47 (exact 0.4724)
}
