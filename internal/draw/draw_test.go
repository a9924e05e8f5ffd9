package draw

import (
	"math"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRunIndependentOfCores(t *testing.T) {
	spec := Spec{Manifold: "s4", Dist: "uniform", N: 3*blockSize + 17, Seed: 42}
	prev := runtime.GOMAXPROCS(1)
	a, sa, err := Run(spec)
	runtime.GOMAXPROCS(2)
	b, sb, err2 := Run(spec)
	runtime.GOMAXPROCS(prev)
	require.NoError(t, err)
	require.NoError(t, err2)
	require.Equal(t, a, b, "samples bit-identical at GOMAXPROCS 1 and 2")
	require.Equal(t, sa, sb)
}

func TestExactMoments(t *testing.T) {
	// Every law reproduces its exact moments (momentsFor, vMF mean resultant
	// length) within 4 standard errors; a false alarm has probability
	// 6e-5 per moment. Each law also has a non-trivial moment, so a wrong
	// time scale (e.g. eigenvalues l(l+1) on S⁵, or t/2 for t) shows as
	// |z| ≫ 4 at n = 20000.
	specs := []Spec{
		{Manifold: "s1", Dist: "uniform"},
		{Manifold: "s2", Dist: "uniform"},
		{Manifold: "s7", Dist: "uniform"},
		{Manifold: "so3", Dist: "uniform"},
		{Manifold: "t3", Dist: "uniform"},
		{Manifold: "r3", Dist: "heat", T: 2},
		{Manifold: "s1", Dist: "heat", T: 0.7},
		{Manifold: "s2", Dist: "heat", T: 0.5},
		{Manifold: "s5", Dist: "heat", T: 0.1},
		{Manifold: "so3", Dist: "heat", T: 0.3},
		{Manifold: "t4", Dist: "heat", T: 2},
		{Manifold: "s2", Dist: "vmf", Kappa: 3},
		{Manifold: "s9", Dist: "vmf", Kappa: 20},
		{Manifold: "s2xso3xt2xr1", Dist: "heat", T: 0.4},
		{Manifold: "s2xso3", Dist: "uniform"},
	}
	for _, spec := range specs {
		spec.N, spec.Seed = 20000, 5
		t.Run(spec.Manifold+"/"+spec.Dist, func(t *testing.T) {
			_, s, err := Run(spec)
			require.NoError(t, err)
			require.NotEmpty(t, s.Moments)
			for _, m := range s.Moments {
				require.Less(t, abs(m.Z), 4.0, "%s: mean %g exact %g", m.Name, m.Mean, m.Exact)
			}
		})
	}
}

func TestBadSpecs(t *testing.T) {
	for _, spec := range []Spec{
		{Manifold: "r2", Dist: "uniform", N: 10},
		{Manifold: "s2", Dist: "heat", T: 0, N: 10},
		{Manifold: "s2", Dist: "heat", T: math.Inf(1), N: 10},
		{Manifold: "so3", Dist: "vmf", Kappa: 1, N: 10},
		{Manifold: "s2", Dist: "vmf", Kappa: -1, N: 10},
		{Manifold: "s2", Dist: "cauchy", N: 10},
		{Manifold: "s2", Dist: "uniform", N: 0},
	} {
		_, _, err := Run(spec)
		require.ErrorIs(t, err, ErrSpec, "%+v", spec)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func TestParseManifold(t *testing.T) {
	for _, c := range []struct {
		in      string
		dim     int
		ambient int
	}{{"r3", 3, 3}, {"s2", 2, 3}, {"S1", 1, 2}, {" s10 ", 10, 11}, {"so3", 3, 9}, {"t4", 4, 4}} {
		m, err := ParseManifold(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.dim, m.Dim(), c.in)
		require.Equal(t, c.ambient, m.AmbientDim(), c.in)
	}
	for _, bad := range []string{"", "s0", "r0", "sx", "r-1", "klein", "s99999999999"} {
		_, err := ParseManifold(bad)
		require.ErrorIs(t, err, ErrSpec, bad)
	}
}
