package controlsde_test

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/manifold"
)

// The exact Föllmer drift of a Gaussian target N(a, I) under standard
// Brownian motion from 0 on [0, 1] is the constant a: every path weight is
// then Z, here e^{0.5}, for the discrete chain as well.
func Example() {
	target, err := controlsde.NewGaussianMixture([]float64{1}, []float64{1, -2}, []float64{1}, 0.5)
	if err != nil {
		panic(err)
	}
	p := controlsde.Problem{
		Reference: controlsde.Reference{Space: manifold.NewEuclidean(2)},
		Control:   controlsde.NewFollmer(target, nil, 1),
		Target:    target,
	}
	r, err := controlsde.Simulate(p, &controlsde.Settings{Particles: 1000, Seed: 1}, nil)
	if err != nil {
		panic(err)
	}
	fmt.Printf("log Z = %.6f, ESS/N = %.6f\n", r.Estimates.LogZ, r.Estimates.ESS)
	fmt.Printf("weight spread below 1e-9: %v\n", math.Abs(r.LogWeight[0]-r.LogWeight[999]) < 1e-9)
	// Output:
	// log Z = 0.500000, ESS/N = 1.000000
	// weight spread below 1e-9: true
}

// Brownian motion on the sphere S² by geodesic Euler–Maruyama: the mean of
// ⟨x₀, X_t⟩ matches the exact e^{−t}.
func Example_sphere() {
	x0 := []float64{0, 0, 1}
	p := controlsde.Problem{Reference: controlsde.Reference{Space: manifold.NewSphere(3), Start: x0}}
	r, err := controlsde.Simulate(p, &controlsde.Settings{Grid: controlsde.UniformGrid(100, 0, 1), Particles: 5000, Seed: 3}, controlsde.EulerMaruyama{})
	if err != nil {
		panic(err)
	}
	var m float64
	for i := 0; i < r.N; i++ {
		m += r.X[3*i+2] / float64(r.N)
	}
	fmt.Printf("E<x0, X_1> = %.2f (exact %.2f)\n", m, math.Exp(-1))
	// Output:
	// E<x0, X_1> = 0.37 (exact 0.37)
}
