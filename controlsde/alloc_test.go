package controlsde

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/manifold"
)

func TestNoAllocationPerStep(t *testing.T) {
	// The allocations of a run must not grow with the number of steps: the
	// engine allocates the result, the streams and per-worker buffers once.
	// Compare 10 and 200 steps for every integrator, with a control and a
	// target where the method allows them.
	gm, err := NewGaussianMixture([]float64{0.3, 0.7}, []float64{-2, 1, 2, -1}, []float64{0.3, 0.5}, 0)
	require.NoError(t, err)
	r2 := Reference{Space: manifold.NewEuclidean(2)}
	cases := []struct {
		name string
		p    Problem
		m    Method
	}{
		{"em-r2-follmer", Problem{Reference: r2, Control: NewFollmer(gm, nil, 1), Target: gm}, EulerMaruyama{}},
		{"heun-r2-follmer", Problem{Reference: r2, Control: NewFollmer(gm, nil, 1), Target: gm}, Heun{}},
		{"exact-vp", Problem{Reference: Reference{Space: manifold.NewEuclidean(2), Sigma: LinearBeta{Min: 0.1, Max: 5}, OUVariance: 1}, Control: NewFollmer(gm, nil, 1)}, Exact{}},
		{"em-s2", Problem{Reference: Reference{Space: manifold.NewSphere(3), Start: []float64{0, 0, 1}}}, EulerMaruyama{}},
		{"projected-s2", Problem{Reference: Reference{Space: manifold.NewSphere(3), Start: []float64{0, 0, 1}}}, ProjectedEM{}},
		{"lie-so3", Problem{Reference: Reference{Space: manifold.NewSO3(), Start: identity3}}, LieEM{}},
		{"em-so3", Problem{Reference: Reference{Space: manifold.NewSO3(), Start: identity3}}, EulerMaruyama{}},
		{"exact-t3", Problem{Reference: Reference{Space: manifold.NewTorus(3), Start: []float64{0, 0, 0}}}, Exact{}},
		{"exact-s2", Problem{Reference: Reference{Space: manifold.NewSphere(3), Start: []float64{0, 0, 1}}}, Exact{}},
		{"projected-so3", Problem{Reference: Reference{Space: manifold.NewSO3(), Start: identity3}}, ProjectedEM{}},
		{"exact-so3", Problem{Reference: Reference{Space: manifold.NewSO3(), Start: identity3}}, Exact{}},
		{"em-r2-mcfollmer", Problem{Reference: r2, Control: NewMCFollmer(gm, 2, nil, 1, 8, newRand(1)), Target: gm}, EulerMaruyama{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			allocs := func(steps int) float64 {
				s := &Settings{Grid: UniformGrid(steps, 0, 1), Particles: 64, Seed: 1, Workers: 1}
				return testing.AllocsPerRun(5, func() {
					if _, err := Simulate(tc.p, s, tc.m); err != nil {
						t.Fatal(err)
					}
				})
			}
			// A per-step allocation would add at least 190; the runtime's
			// goroutine bookkeeping varies by one or two between runs.
			a10, a200 := allocs(10), allocs(200)
			assert.LessOrEqual(t, a200-a10, 2.0, "allocations: %v at 10 steps, %v at 200", a10, a200)
		})
	}
}
