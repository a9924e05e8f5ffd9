package controlsde

import (
	"fmt"
	"math"
	"testing"

	"github.com/geosoc/geosoc/manifold"
	"github.com/stretchr/testify/require"
)

// TestFastPathsBitIdentical: the fused loops (fastPaths) must reproduce
// the general path bit for bit — final states, trajectories and the
// divergence report — on S² and S⁴ (fused Brownian step and inlined
// residual) and SO(3) (inlined residual), with and without antithetic
// pairs, and with a tiny ResidualTol so that the check does report.
func TestFastPathsBitIdentical(t *testing.T) {
	type tc struct {
		name   string
		m      manifold.Manifold
		start  []float64
		method Method
		tol    float64
		anti   bool
	}
	s5 := []float64{0, 0, 0, 0.6, 0.8}
	cases := []tc{
		{"S2/EM", manifold.NewSphere(3), []float64{0, 0, 1}, EulerMaruyama{}, 0, false},
		{"S2/EM/antithetic", manifold.NewSphere(3), nil, EulerMaruyama{}, 0, true},
		{"S4/EM", manifold.NewSphere(5), s5, EulerMaruyama{}, 0, false},
		{"S2/ProjectedEM", manifold.NewSphere(3), []float64{0, 0, 1}, ProjectedEM{}, 0, false},
		{"S2/EM/tiny-tol", manifold.NewSphere(3), []float64{0, 0, 1}, EulerMaruyama{}, 1e-300, false},
		{"SO3/LieEM", manifold.NewSO3(), identity3, LieEM{}, 0, false},
		{"SO3/LieEM/tiny-tol", manifold.NewSO3(), identity3, LieEM{}, 1e-300, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Problem{Reference: Reference{Space: c.m, Start: c.start}}
			s := &Settings{Grid: UniformGrid(7, 0, 2), Particles: 64, Seed: 5, Workers: 2, Block: 16,
				RecordEvery: 2, Antithetic: c.anti, ResidualTol: c.tol}
			run := func(fast bool) (*Result, error) {
				defer func(old bool) { fastPaths = old }(fastPaths)
				fastPaths = fast
				return Simulate(p, s, c.method)
			}
			rf, ef := run(true)
			rg, eg := run(false)
			require.Equal(t, fmt.Sprint(eg), fmt.Sprint(ef), "divergence report")
			if c.tol == 0 {
				require.NoError(t, ef)
			} else {
				require.Error(t, ef, "a 1e-300 tolerance must trip the check")
			}
			for k := range rg.X {
				require.Equal(t, math.Float64bits(rg.X[k]), math.Float64bits(rf.X[k]), "X[%d]", k)
			}
			for k := range rg.Trajectory {
				require.Equal(t, math.Float64bits(rg.Trajectory[k]), math.Float64bits(rf.Trajectory[k]), "Trajectory[%d]", k)
			}
		})
	}
}

// blowUp is a drift that is +Inf in the first coordinate of points with
// x₀ > 0.5 from time 0.5 on, so that some particles diverge mid-run.
type blowUp struct{ d int }

func (b blowUp) Control(dst []float64, t float64, x []float64) {
	clear(dst)
	for j := 0; j < len(x)/b.d; j++ {
		if t >= 0.5 && x[j*b.d] > 0.5 {
			dst[j*b.d] = math.Inf(1)
		}
	}
}

// TestFlatCheckFastPathReports: the one-pass finiteness scan of the flat
// check must still find divergences on R^n and T^n, and report the same
// step, particle, reason and count as the per-particle scan.
func TestFlatCheckFastPathReports(t *testing.T) {
	for _, m := range []manifold.Manifold{manifold.NewEuclidean(2), manifold.NewTorus(2)} {
		t.Run(fmt.Sprintf("%T", m), func(t *testing.T) {
			p := Problem{Reference: Reference{Space: m, Start: []float64{0, 0}, Drift: blowUp{d: 2}}}
			s := &Settings{Grid: UniformGrid(8, 0, 1), Particles: 64, Seed: 2, Workers: 2, Block: 16}
			run := func(fast bool) error {
				defer func(old bool) { fastPaths = old }(fastPaths)
				fastPaths = fast
				_, err := Simulate(p, s, nil)
				return err
			}
			ef, eg := run(true), run(false)
			var de *DivergenceError
			require.ErrorAs(t, ef, &de)
			require.Equal(t, fmt.Sprintf("%+v", *eg.(*DivergenceError)), fmt.Sprintf("%+v", *de))
			require.Equal(t, "not finite", de.Reason)
		})
	}
}
