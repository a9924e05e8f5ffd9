package datasets

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
)

// Tolerances of the gradient checks.
const (
	// fdStep is the central-difference step; the truncation error is
	// h²/6 · |∂³ log γ| ≈ 2e-11 · |∂³ log γ| and the rounding error about
	// 2e-16 · |log γ| / h.
	fdStep = 1e-5
	// fdTol bounds |∇_fd − ∇| / max(1, ‖∇‖∞); it leaves a margin of about
	// 15× over the worst error measured on these points (6.8e-9, LJ-13;
	// the other targets stay below 5e-10).
	fdTol = 1e-7
	// valueTol bounds the relative difference between the value returned
	// by GradLogDensity and LogDensity (same formula, different summation
	// order).
	valueTol = 1e-12
)

// testPoints returns n points at which to test target tg: exact samples
// perturbed by noise where the target has a sampler, rows of the shipped
// reference samples perturbed by small noise for the particle systems.
func testPoints(t testing.TB, tg Target, n int, rng *rand.Rand) [][]float64 {
	t.Helper()
	pts := make([][]float64, n)
	d := tg.Dim()
	var rows *Array
	noise := 0.5
	switch tg.Name() {
	case "dw4":
		rows = loadTestdata(t, "test_split_DW4_head200.npy")
		noise = 0.1
	case "lj13":
		rows = loadTestdata(t, "test_split_LJ13-1000_head200.npy")
		noise = 0.01
	}
	for i := range pts {
		x := make([]float64, d)
		if s, ok := tg.(Sampler); ok {
			s.Sample(x, rng)
		} else {
			copy(x, rows.Data[i*d:(i+1)*d])
		}
		for j := range x {
			x[j] += noise * rng.NormFloat64()
		}
		pts[i] = x
	}
	return pts
}

func loadTestdata(t testing.TB, name string) *Array {
	t.Helper()
	a, err := ReadNPYFile("testdata/" + name)
	require.NoError(t, err)
	return a
}

func allTargets(t testing.TB) []Target {
	var ts []Target
	for _, name := range Names() {
		tg, err := Lookup(name)
		require.NoError(t, err)
		ts = append(ts, tg)
	}
	return ts
}

func TestRegistry(t *testing.T) {
	want := []string{"gmm40", "funnel10", "manywell32", "mw5", "twomodes", "manymodes", "dw4", "lj13"}
	require.Equal(t, want, Names())
	dims := map[string]int{"gmm40": 2, "funnel10": 10, "manywell32": 32, "mw5": 5, "twomodes": 5, "manymodes": 8, "dw4": 8, "lj13": 39}
	table := Table()
	require.Len(t, table, len(want))
	for i, info := range table {
		t.Run(info.Name, func(t *testing.T) {
			tg, err := Lookup(info.Name)
			require.NoError(t, err)
			assert.Equal(t, want[i], info.Name)
			assert.Equal(t, info.Name, tg.Name(), "Name() must be the registry name")
			assert.Equal(t, dims[info.Name], info.Dim)
			assert.Equal(t, tg.Dim(), info.Dim)
			assert.Equal(t, "R^d", info.Manifold)
			assert.NotEmpty(t, info.Description)
			lz, ok := tg.LogZ()
			if ok {
				assert.Equal(t, lz, info.LogZ)
			} else {
				assert.True(t, math.IsNaN(info.LogZ) && math.IsNaN(lz))
			}
			_, isSampler := tg.(Sampler)
			assert.Equal(t, isSampler, info.Exact)
			// Exact samplers exist exactly where log Z is known.
			assert.Equal(t, ok, isSampler)
		})
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := Lookup("gmm41")
	require.Error(t, err)
	assert.True(t, errors.Is(err, ErrUnknownTarget))
	assert.Contains(t, err.Error(), `"gmm41"`)
	for _, name := range Names() {
		assert.Contains(t, err.Error(), name)
	}
}

func TestGradLogDensityFiniteDifference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 0))
	for _, tg := range allTargets(t) {
		t.Run(tg.Name(), func(t *testing.T) {
			d := tg.Dim()
			g := make([]float64, d)
			fdg := make([]float64, d)
			settings := &fd.Settings{Formula: fd.Central, Step: fdStep}
			for _, x := range testPoints(t, tg, 20, rng) {
				v := tg.GradLogDensity(g, x)
				lv := tg.LogDensity(x)
				require.InDelta(t, lv, v, valueTol*math.Max(1, math.Abs(lv)), "value returned by GradLogDensity")
				fd.Gradient(fdg, tg.LogDensity, x, settings)
				scale := 1.0
				for _, gi := range g {
					scale = math.Max(scale, math.Abs(gi))
				}
				for j := range g {
					require.InDelta(t, fdg[j], g[j], fdTol*scale, "component %d at %v", j, x)
				}
			}
		})
	}
}

func TestNoAllocation(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 0))
	for _, tg := range allTargets(t) {
		t.Run(tg.Name(), func(t *testing.T) {
			x := testPoints(t, tg, 1, rng)[0]
			g := make([]float64, tg.Dim())
			assert.Zero(t, testing.AllocsPerRun(50, func() { tg.LogDensity(x) }), "LogDensity")
			assert.Zero(t, testing.AllocsPerRun(50, func() { tg.GradLogDensity(g, x) }), "GradLogDensity")
			if s, ok := tg.(Sampler); ok {
				assert.Zero(t, testing.AllocsPerRun(50, func() { s.Sample(g, rng) }), "Sample")
			}
		})
	}
}

func TestDimensionMismatchPanics(t *testing.T) {
	for _, tg := range allTargets(t) {
		t.Run(tg.Name(), func(t *testing.T) {
			x := make([]float64, tg.Dim()+1)
			g := make([]float64, tg.Dim())
			assert.PanicsWithValue(t, "datasets: dimension mismatch: got "+itoa(tg.Dim()+1)+" values, want "+itoa(tg.Dim()), func() { tg.LogDensity(x) })
			assert.Panics(t, func() { tg.GradLogDensity(g, x) })
			assert.Panics(t, func() { tg.GradLogDensity(x, g) })
		})
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestDeterministicSampling(t *testing.T) {
	for _, tg := range allTargets(t) {
		s, ok := tg.(Sampler)
		if !ok {
			continue
		}
		t.Run(tg.Name(), func(t *testing.T) {
			a := make([]float64, tg.Dim())
			b := make([]float64, tg.Dim())
			r1 := rand.New(rand.NewPCG(7, 8))
			r2 := rand.New(rand.NewPCG(7, 8))
			for range 10 {
				s.Sample(a, r1)
				s.Sample(b, r2)
				require.Equal(t, a, b)
			}
		})
	}
}

func TestConstructorErrors(t *testing.T) {
	_, err := NewManyModes(1, ManyModesSeed)
	assert.Error(t, err)
	m, err := NewManyModes(32, ManyModesSeed)
	require.NoError(t, err)
	assert.Equal(t, "manymodes32", m.Name())
	m, err = NewManyModes(16, 5)
	require.NoError(t, err)
	assert.Equal(t, "manymodes16-s5", m.Name())
	for _, c := range []struct {
		name     string
		d        int
		means, w []float64
		variance float64
	}{
		{"bad length", 2, []float64{0, 0, 1}, []float64{1, 1}, 1},
		{"zero weight", 1, []float64{0, 1}, []float64{1, 0}, 1},
		{"negative variance", 1, []float64{0, 1}, []float64{1, 1}, -1},
		{"NaN mean", 1, []float64{0, math.NaN()}, []float64{1, 1}, 1},
		{"no components", 1, nil, nil, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewGaussianMixture("m", c.d, c.means, c.w, c.variance)
			assert.Error(t, err)
		})
	}
	assert.Panics(t, func() { NewFunnel(1) })
	assert.Panics(t, func() { NewManyWell(0) })
	assert.Panics(t, func() { NewQuarticWell(0) })
	assert.Panics(t, func() { NewDoubleWellParticles(1, 2) })
	assert.Panics(t, func() { NewLennardJones(1) })
}

func TestModes(t *testing.T) {
	g := NewGMM40()
	means, w := g.Modes()
	require.Len(t, means, 40)
	for k := range means {
		assert.Equal(t, gmm40Means[2*k:2*k+2], means[k])
		assert.InDelta(t, 1.0/40, w[k], 1e-15)
	}
	// Modes returns copies.
	means[0][0] = 1e9
	m2, _ := g.Modes()
	assert.Equal(t, gmm40Means[0], m2[0][0])
	assert.InDelta(t, 1.7246563, g.Variance(), 5e-8) // s² from targets.md

	mm := NewManyModesDefault()
	means, w = mm.Modes()
	require.Len(t, means, 16)
	for k := range w {
		// w_k ∝ 3^{k/15}: ratio of consecutive weights 3^{1/15}.
		if k > 0 {
			assert.InDelta(t, math.Pow(3, 1.0/15), w[k]/w[k-1], 1e-13)
		}
		for _, m := range means[k] {
			assert.True(t, m >= -16 && m < 16)
		}
	}
	assert.InDelta(t, 3, w[15]/w[0], 1e-13)
}

func TestMixtureFarAway(t *testing.T) {
	// So far from every mean that every term underflows to −Inf: the log
	// density is −Inf, not NaN.
	g := NewGMM40()
	x := []float64{1e200, -1e200}
	assert.Equal(t, math.Inf(-1), g.LogDensity(x))
	assert.Equal(t, math.Inf(-1), g.GradLogDensity(make([]float64, 2), x))
	// Far, but finite: log γ ≈ −|x − μ_nearest|²/(2s²) + log(1/40) − log(2πs²).
	x = []float64{1e4, 0}
	assert.False(t, math.IsInf(g.LogDensity(x), 0))
}

func TestParticleSystems(t *testing.T) {
	for _, c := range []struct {
		name   string
		n, dim int
	}{{"dw4", 4, 2}, {"lj13", 13, 3}} {
		tg, err := Lookup(c.name)
		require.NoError(t, err)
		p, ok := tg.(ParticleSystem)
		require.True(t, ok)
		n, dim := p.Particles()
		assert.Equal(t, c.n, n)
		assert.Equal(t, c.dim, dim)
	}
	assert.Equal(t, "dw3-3d", NewDoubleWellParticles(3, 3).Name())
	assert.Equal(t, "lj55", NewLennardJones(55).Name())
	assert.Equal(t, 165, NewLennardJones(55).Dim())
}
