package controlsde

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/manifold"
)

func TestParseSpace(t *testing.T) {
	for _, tc := range []struct {
		spec         string
		dim, ambient int
		wantType     any
	}{
		{"s2", 2, 3, manifold.Sphere{}},
		{"sphere:5", 5, 6, manifold.Sphere{}},
		{"S1", 1, 2, manifold.Sphere{}},
		{"so3", 3, 9, manifold.SO3{}},
		{"torus:4", 4, 4, manifold.Torus{}},
		{"t2", 2, 2, manifold.Torus{}},
		{"r3", 3, 3, manifold.Euclidean{}},
		{"euclidean:7", 7, 7, manifold.Euclidean{}},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			m, err := ParseSpace(tc.spec)
			require.NoError(t, err)
			assert.Equal(t, tc.dim, m.Dim())
			assert.Equal(t, tc.ambient, m.AmbientDim())
			assert.IsType(t, tc.wantType, m)
		})
	}
	for _, bad := range []string{"", "s", "s0", "sphere:-1", "hyperbolic:2", "torus:y", "so4", "s2xq3"} {
		_, err := ParseSpace(bad)
		assert.ErrorIs(t, err, ErrSpace, bad)
		assert.ErrorIs(t, err, manifold.ErrUnknownManifold, bad)
	}
	m, err := ParseSpace("s2xso3xt2")
	require.NoError(t, err)
	assert.Equal(t, 2+3+2, m.Dim())
	assert.Equal(t, 3+9+2, m.AmbientDim())
}

func TestSimulateBrownian(t *testing.T) {
	// Every moment check of the report (manifold.BrownianMoments) must be
	// within 4 SE plus the scheme's O(Δt) bias (below 0.01 at 100 steps,
	// T = 0.5, for these moments; zero for Exact and on R^n and T^n).
	for _, tc := range []struct{ space, method string }{
		{"r3", "exact"}, {"r3", "heun"}, {"s2", ""}, {"sphere:4", "exact"}, {"so3", "lie-em"}, {"torus:3", "exact"}, {"t2", "projected-em"},
		{"s2xso3xt2", ""}, {"s2xso3", "exact"},
	} {
		t.Run(tc.space+"/"+tc.method, func(t *testing.T) {
			rep, err := SimulateBrownian(BrownianOptions{Space: tc.space, Method: tc.method, Particles: 2000, Steps: 100, T: 0.5, Seed: 81})
			require.NoError(t, err)
			require.NotEmpty(t, rep.Moments)
			require.Len(t, rep.Samples, 2000*rep.Dim)
			for _, mc := range rep.Moments {
				assert.InDelta(t, mc.Exact, mc.Mean, 4*mc.StdErr+0.01, mc.Name)
			}
		})
	}
	_, err := SimulateBrownian(BrownianOptions{Space: "s2", Start: []float64{1, 1, 0}})
	assert.ErrorIs(t, err, manifold.ErrNotOnManifold)
	_, err = SimulateBrownian(BrownianOptions{Space: "s2", Method: "lie-em"})
	assert.ErrorIs(t, err, ErrUnsupported)
	_, err = SimulateBrownian(BrownianOptions{Space: "s2", Method: "rk4"})
	assert.ErrorIs(t, err, ErrProblem)
}
