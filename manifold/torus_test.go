package manifold

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTorusGeometry(t *testing.T) {
	// Points within 1e-9 of the cut-locus boundary ±π exercise the wrap.
	nearEdge := func(n int) func(dst []float64, rng *rand.Rand) {
		return func(dst []float64, rng *rand.Rand) {
			for i := range dst {
				dst[i] = TorusWrap(math.Pi - 1e-9*rng.Float64()*float64(rng.IntN(2)))
			}
		}
	}
	cases := []geometryCase{
		{name: "T1", m: NewTorus(1), inj: 0.999 * math.Pi},
		{name: "T4", m: NewTorus(4), inj: 0.999 * math.Pi},
		{name: "T4/edge", m: NewTorus(4), inj: 0.999 * math.Pi, point: nearEdge(4)},
		{name: "T12", m: NewTorus(12), inj: 0.999 * math.Pi},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkGeometry(t, c, 500, uint64(300+i))
		})
	}
}

// torusWrapMultiple returns (x − r)/(2·math.Pi) in exact big-float
// arithmetic (2200 bits, enough for every float64), to check that the wrap removed a whole number of
// float64 periods without rounding.
func torusWrapMultiple(x, r float64) *big.Float {
	bx := new(big.Float).SetPrec(2200).SetFloat64(x)
	br := new(big.Float).SetPrec(2200).SetFloat64(r)
	bp := new(big.Float).SetPrec(2200).SetFloat64(torusPeriod)
	d := new(big.Float).SetPrec(2200).Sub(bx, br)
	return d.Quo(d, bp)
}

func TestTorusWrap(t *testing.T) {
	below := math.Nextafter(math.Pi, 0)
	cases := []struct {
		x, want float64
	}{
		{0, 0},
		{1, 1},
		{-math.Pi, -math.Pi},
		{math.Pi, -math.Pi},                   // exactly π maps to −π
		{below, below},                        // largest float below π stays
		{math.Nextafter(-math.Pi, -4), below}, // just below −π wraps to just below π
		{torusPeriod, 0},
		{-torusPeriod, 0},
		{3 * math.Pi, -math.Pi}, // 3π_f = π_f + 2π_f exactly
		{-3 * math.Pi, -math.Pi},
		{5 * torusPeriod, 0},
		{1e-300, 1e-300},
		{-0.5, -0.5},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.x), func(t *testing.T) {
			require.Equal(t, c.want, TorusWrap(c.x))
		})
	}
	for _, x := range []float64{math.Inf(1), math.Inf(-1), math.NaN()} {
		require.True(t, math.IsNaN(TorusWrap(x)), "wrap(%v) is NaN (documented)", x)
	}

	// Exactness on random magnitudes from 1e-3 to 1e300 (both reduction
	// paths): r ∈ [−π, π) and (x − r)/2π_f is an exact integer.
	rng := newRand(5)
	for it := 0; it < 3000; it++ {
		e := -3 + 303*rng.Float64()
		x := math.Pow(10, e)
		if rng.IntN(2) == 0 {
			x = -x
		}
		r := TorusWrap(x)
		require.True(t, r >= -math.Pi && r < math.Pi, "wrap(%g) = %g out of range", x, r)
		q := torusWrapMultiple(x, r)
		require.True(t, q.IsInt(), "wrap(%g) = %g: (x−r)/2π = %s not an integer", x, r, q.Text('g', 30))
		// Agrees with the exact IEEE remainder, shifted into [−π, π).
		ref := math.Remainder(x, torusPeriod)
		if ref >= math.Pi {
			ref -= torusPeriod
		}
		require.Equal(t, ref, r, "wrap(%g) vs math.Remainder", x)
	}
	// Half-periods, where round(x/2π) is a tie: result must be −π.
	for k := -1000; k <= 1000; k++ {
		x := math.Pi + float64(k)*torusPeriod
		r := TorusWrap(x)
		require.True(t, r >= -math.Pi && r < math.Pi, "wrap(%g) = %g", x, r)
		require.True(t, torusWrapMultiple(x, r).IsInt(), "wrap(%g) exact", x)
	}
}

func TestTorusLogCutLocus(t *testing.T) {
	// Coordinate differences of exactly π (mod 2π): Log returns −π.
	m := NewTorus(3)
	x := []float64{0, -math.Pi / 2, 1}
	y := []float64{-math.Pi, math.Pi / 2, 1 - math.Pi}
	l := make([]float64, 3)
	m.Log(l, x, y)
	for i, v := range l {
		require.Equal(t, -math.Pi, v, "coordinate %d", i)
	}
	e := make([]float64, 3)
	m.Exp(e, x, l)
	require.Less(t, m.Dist(e, y), exactTol, "exp_x(log_x(y)) = y at the cut locus")
	require.InDelta(t, math.Pi*math.Sqrt(3), m.Dist(x, y), exactTol, "dist at the cut locus")
}

func TestTorusExpHuge(t *testing.T) {
	// Huge tangent vectors: the result is on T^n and equals the exact wrap
	// of the rounded sum x + v.
	m := NewTorus(4)
	x := []float64{0.5, -3, 3.1, -math.Pi}
	v := []float64{1e12, -1e300, 7 * torusPeriod, math.MaxFloat64}
	e := make([]float64, 4)
	m.Exp(e, x, v)
	require.Zero(t, m.Residual(e))
	for i := range e {
		require.Equal(t, TorusWrap(x[i]+v[i]), e[i])
	}
	// A whole number of float periods returns to the start exactly.
	m.Exp(e, x, []float64{3 * torusPeriod, -torusPeriod, 0, 2 * torusPeriod})
	require.Equal(t, x, e)
}

func TestTorusResidual(t *testing.T) {
	m := NewTorus(2)
	// float64 variables: a constant expression such as 4 − math.Pi would be
	// evaluated exactly with the untyped π.
	pi, four, seven := math.Pi, 4.0, 7.0
	cases := []struct {
		name string
		x    []float64
		want float64
	}{
		{"inside", []float64{0, -math.Pi}, 0},
		{"below π", []float64{math.Nextafter(math.Pi, 0), 0}, 0},
		{"exactly π", []float64{math.Pi, 0}, math.Pi - math.Nextafter(math.Pi, 0)},
		{"4", []float64{0, 4}, four - math.Nextafter(pi, 0)},
		{"−4", []float64{-4, 0}, four - pi},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, m.Residual(c.x))
		})
	}
	require.Positive(t, m.Residual([]float64{math.Pi, 0}), "π is outside [−π, π)")
	require.True(t, math.IsInf(m.Residual([]float64{math.NaN(), 0}), 1))
	require.True(t, math.IsInf(m.Residual([]float64{0, math.Inf(-1)}), 1))
	p := make([]float64, 2)
	m.Project(p, []float64{7, math.NaN()})
	require.Equal(t, seven-2*pi, p[0])
	require.True(t, math.IsNaN(p[1]), "Project of NaN is NaN (documented)")
}

func TestTorusUniform(t *testing.T) {
	// Rand is uniform on [−π, π): KS per coordinate against (x+π)/2π, and
	// the exact moment E cos(X_i − X_j) = 0 (independence, i ≠ j).
	m := NewTorus(3)
	require.InDelta(t, 3*math.Log(2*math.Pi), m.LogVolume(), 1e-14)
	rng := newRand(17)
	n := 20000
	a, b, c := make([]float64, n), make([]float64, n), make([]float64, n)
	x := make([]float64, 3)
	for i := 0; i < n; i++ {
		m.Rand(x, rng)
		require.Zero(t, m.Residual(x))
		a[i], b[i], c[i] = x[0], x[2], math.Cos(x[0]-x[1])
	}
	cdf := func(v float64) float64 { return (v + math.Pi) / (2 * math.Pi) }
	requireKS(t, a, cdf, "uniform T³ coordinate 0")
	requireKS(t, b, cdf, "uniform T³ coordinate 2")
	requireMean(t, c, 0, "E cos(X0 − X1)")
}

func TestTorusPanics(t *testing.T) {
	require.Panics(t, func() { NewTorus(0) })
	m := NewTorus(2)
	require.PanicsWithValue(t, "manifold: Torus.Exp: dimension mismatch", func() {
		m.Exp(make([]float64, 2), make([]float64, 3), make([]float64, 2))
	})
	require.PanicsWithValue(t, "manifold: Torus.Log: dimension mismatch", func() {
		m.Log(make([]float64, 1), make([]float64, 2), make([]float64, 2))
	})
}

func TestTorusAllocs(t *testing.T) {
	m := NewTorus(4)
	rng := newRand(1)
	x, y, v, d := make([]float64, 4), make([]float64, 4), make([]float64, 4), make([]float64, 4)
	m.Rand(x, rng)
	m.Rand(y, rng)
	var mm Manifold = m
	for name, f := range map[string]func(){
		"Exp":  func() { mm.Exp(d, x, v) },
		"Log":  func() { mm.Log(d, x, y) },
		"Dist": func() { _ = mm.Dist(x, y) },
		"Rand": func() { mm.Rand(d, rng) },
	} {
		require.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}

func ExampleTorus() {
	m := NewTorus(2)
	x := []float64{3, -3}
	v := []float64{0.5, -0.5} // crosses the seam at ±π in both angles
	y := make([]float64, 2)
	m.Exp(y, x, v)
	l := make([]float64, 2)
	m.Log(l, x, y)
	fmt.Printf("exp: [%.4f %.4f]\nlog: [%.4f %.4f]\ndist: %.4f\n", y[0], y[1], l[0], l[1], m.Dist(x, y))
	fmt.Printf("wrap(π) = %.4f\n", TorusWrap(math.Pi))
	// Output:
	// exp: [-2.7832 2.7832]
	// log: [0.5000 -0.5000]
	// dist: 0.7071
	// wrap(π) = -3.1416
}

func FuzzTorusWrap(f *testing.F) {
	// r = wrap(x) ∈ [−π, π), (x − r)/2π_f an exact integer, and wrap
	// idempotent, for every finite x (seed corpus: the edge cases).
	for _, x := range []float64{0, math.Pi, -math.Pi, 3 * math.Pi, 1e300, -1e300, 2.5e15, math.SmallestNonzeroFloat64, math.MaxFloat64} {
		f.Add(x)
	}
	f.Fuzz(func(t *testing.T, x float64) {
		r := TorusWrap(x)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			require.True(t, math.IsNaN(r))
			return
		}
		require.True(t, r >= -math.Pi && r < math.Pi, "wrap(%g) = %g", x, r)
		require.True(t, torusWrapMultiple(x, r).IsInt(), "wrap(%g) = %g not exact", x, r)
		require.Equal(t, r, TorusWrap(r))
	})
}
