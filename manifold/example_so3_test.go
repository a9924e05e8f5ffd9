package manifold_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/manifold"
)

// A quarter turn about the z axis: the Lie-group step ExpBody, the geodesic
// distance (rotation angle) and the body-frame logarithm.
func ExampleSO3() {
	var g manifold.SO3
	id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
	r := make([]float64, 9)
	g.ExpBody(r, id, []float64{0, 0, math.Pi / 2})

	v := make([]float64, 3)
	g.Apply(v, r, []float64{1, 0, 0})
	fmt.Printf("R e_x = (%.3f, %.3f, %.3f)\n", v[0], v[1], v[2])
	fmt.Printf("dist(I, R) = %.4f\n", g.Dist(id, r))
	w := make([]float64, 3)
	g.LogBody(w, id, r)
	fmt.Printf("log = (%.4f, %.4f, %.4f)\n", w[0], w[1], w[2])
	fmt.Printf("Vol(SO(3)) = %.4f = 8π²\n", math.Exp(g.LogVolume()))
	// Output:
	// R e_x = (0.000, 1.000, 0.000)
	// dist(I, R) = 1.5708
	// log = (0.0000, 0.0000, 1.5708)
	// Vol(SO(3)) = 78.9568 = 8π²
}

// IGSO(3) at time t: sample, and compare the Monte Carlo mean of
// tr(R₀ᵀR) with its exact value 3e^{−t}.
func ExampleIGSO3() {
	id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
	d, err := manifold.NewIGSO3(id, 0.5)
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	r := make([]float64, 9)
	n := 20000
	var tr float64
	for i := 0; i < n; i++ {
		d.Rand(r, rng)
		tr += r[0] + r[4] + r[8]
	}
	fmt.Printf("E tr R ≈ %.2f (exact %.2f)\n", tr/float64(n), 3*math.Exp(-0.5))
	fmt.Printf("log p(R₀) = %.4f\n", d.LogProb(id))
	_, err = manifold.NewIGSO3(id, 0)
	fmt.Println(err)
	// Output:
	// E tr R ≈ 1.82 (exact 1.82)
	// log p(R₀) = -1.6546
	// manifold: NewIGSO3: t = 0: manifold: parameter out of range
}
