package datasets

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/manifold"
)

func TestLogI0(t *testing.T) {
	// Reference values of I₀ (Abramowitz & Stegun Table 9.8 / scipy.special.i0).
	for _, tc := range []struct{ x, i0 float64 }{
		{0, 1},
		{1, 1.2660658777520084},
		{5, 27.239871823604442},
		{10, 2815.716628466254},
		{100, 1.0737517071310738e42},
	} {
		assert.InDelta(t, math.Log(tc.i0), LogI0(tc.x), 1e-13*math.Max(1, math.Log(tc.i0)), "x = %g", tc.x)
	}
	// Cross-check with the von Mises–Fisher normaliser on S¹ of package
	// manifold (its Bessel code is tested to 1e-13): the vMF density at the
	// mode is e^κ/(2π I₀(κ)), so log(2π I₀(κ)) = κ − log p(μ). Both
	// branches of LogI0 (series ≤ 30 < asymptotic) are covered.
	for _, k := range []float64{0.01, 0.7, 3, 12, 29.99, 30.01, 45, 300} {
		v, err := manifold.NewVonMisesFisher([]float64{1, 0}, k)
		require.NoError(t, err)
		want := k - v.LogProb([]float64{1, 0}) - math.Log(2*math.Pi)
		assert.InDelta(t, want, LogI0(k), 1e-9*math.Max(1, want), "κ = %g", k)
	}
}

func manifoldTargets(t *testing.T) []ManifoldTarget {
	var ts []ManifoldTarget
	for _, name := range ManifoldNames() {
		tg, err := Lookup(name)
		require.NoError(t, err)
		mt, ok := tg.(ManifoldTarget)
		require.True(t, ok, name)
		require.Equal(t, name, mt.Name())
		require.Equal(t, mt.Space().AmbientDim(), mt.Dim())
		ts = append(ts, mt)
	}
	return ts
}

func TestManifoldTargetsNormalisation(t *testing.T) {
	// Z = Vol(M) · E_U[γ(U)], U uniform on M: the Monte Carlo mean over
	// 100 000 uniform points must be within 4 SE of exp(log Z).
	const n = 100000
	for _, tg := range manifoldTargets(t) {
		t.Run(tg.Name(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 0))
			sp := tg.Space()
			lz, ok := tg.LogZ()
			require.True(t, ok)
			x := make([]float64, tg.Dim())
			var s, s2 float64
			for range n {
				sp.Rand(x, rng)
				g := math.Exp(tg.LogDensity(x) + sp.LogVolume() - lz)
				s += g
				s2 += g * g
			}
			m := s / n
			se := math.Sqrt((s2/n - m*m) / (n - 1))
			assert.InDelta(t, 1, m, 4*se, "Ẑ/Z = %g ± %g", m, se)
		})
	}
}

func TestManifoldTargetsGradient(t *testing.T) {
	// The Riemannian gradient is tangent and its inner product with a
	// tangent v equals d/ds log γ(Exp_x(sv)) at s = 0 (central difference,
	// h = 1e-5, truncation O(h²) relative, tolerance 1e-6·scale).
	const h = 1e-5
	for _, tg := range manifoldTargets(t) {
		t.Run(tg.Name(), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(12, 0))
			sp := tg.Space()
			d := tg.Dim()
			x, g, pg, v, y := make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d), make([]float64, d)
			for i := range 40 {
				if i%2 == 0 {
					tg.Sample(x, rng)
				} else {
					sp.Rand(x, rng)
				}
				lg := tg.GradLogDensity(g, x)
				require.InDelta(t, tg.LogDensity(x), lg, 1e-12*math.Max(1, math.Abs(lg)))
				sp.ProjectTangent(pg, x, g)
				for j := range g {
					require.InDelta(t, g[j], pg[j], 1e-10*(1+math.Abs(g[j])), "gradient not tangent")
				}
				manifold.RandTangent(sp, v, x, rng)
				sv := make([]float64, d)
				for j := range v {
					sv[j] = h * v[j]
				}
				sp.Exp(y, x, sv)
				fp := tg.LogDensity(y)
				for j := range v {
					sv[j] = -h * v[j]
				}
				sp.Exp(y, x, sv)
				fm := tg.LogDensity(y)
				fd := (fp - fm) / (2 * h)
				want := sp.Inner(x, g, v)
				require.InDelta(t, want, fd, 1e-6*math.Max(1, math.Sqrt(sp.Inner(x, g, g))*math.Sqrt(sp.Inner(x, v, v))))
			}
		})
	}
}

func TestManifoldTargetsSamplerMoments(t *testing.T) {
	const n = 50000
	rng := rand.New(rand.NewPCG(13, 0))
	t.Run("vonmises-t4", func(t *testing.T) {
		v := NewVonMisesT4()
		x := make([]float64, 4)
		var s [4]float64
		for range n {
			v.Sample(x, rng)
			for i := range 4 {
				s[i] += math.Cos(x[i] - VonMisesT4Mus[i])
			}
		}
		for i, k := range VonMisesT4Kappas {
			// E cos(x − μ) = I₁(κ)/I₀(κ) = d/dκ log I₀(κ) (central
			// difference of LogI0); the SE of the mean is below 1/√n.
			a := (LogI0(k+1e-5) - LogI0(k-1e-5)) / 2e-5
			assert.InDelta(t, a, s[i]/n, 4/math.Sqrt(n), "κ = %g", k)
		}
	})
	t.Run("vmf-s2", func(t *testing.T) {
		tg := NewVMFS2()
		x := make([]float64, 3)
		var m [3]float64
		for range n {
			tg.Sample(x, rng)
			for j := range 3 {
				m[j] += x[j] / n
			}
		}
		// E x = Σ_k w_k (coth κ_k − 1/κ_k) μ_k on S² (Mardia & Jupp 9.3.9).
		for j := range 3 {
			var want float64
			for k, mu := range VMFS2Means {
				kp := VMFS2Kappas[k]
				want += VMFS2Weights[k] * (1/math.Tanh(kp) - 1/kp) * mu[j]
			}
			assert.InDelta(t, want, m[j], 4/math.Sqrt(n))
		}
	})
	t.Run("igso3-mix", func(t *testing.T) {
		// E_π[R] by exact samples against the self-normalised
		// importance-sampling estimate from uniform rotations; entries are
		// in [−1, 1], so each mean has SE ≤ 1/√n, and the IS estimate's SE
		// is measured from its weights.
		tg := NewIGSO3Mix()
		sp := tg.Space()
		x := make([]float64, 9)
		var e, is [9]float64
		var sw, sw2 float64
		for range n {
			tg.Sample(x, rng)
			for j := range 9 {
				e[j] += x[j] / n
			}
			sp.Rand(x, rng)
			w := math.Exp(tg.LogDensity(x) + sp.LogVolume())
			sw += w
			sw2 += w * w
			for j := range 9 {
				is[j] += w * x[j]
			}
		}
		essN := sw * sw / sw2
		for j := range 9 {
			assert.InDelta(t, e[j], is[j]/sw, 4*(1/math.Sqrt(n)+1/math.Sqrt(essN)), "entry %d", j)
		}
	})
}

func TestManifoldLookupAndTable(t *testing.T) {
	table := ManifoldTable()
	require.Len(t, table, 3)
	for i, info := range table {
		assert.Equal(t, ManifoldNames()[i], info.Name)
		assert.True(t, info.Exact)
	}
	assert.Equal(t, "T^4", table[2].Manifold)
	// Exact log Z of vonmises-t4: Σ log(2π I₀(κ_i)).
	var want float64
	for _, k := range VonMisesT4Kappas {
		want += math.Log(2*math.Pi) + LogI0(k)
	}
	assert.InDelta(t, want, table[2].LogZ, 1e-12)
	_, err := Lookup("vmf-s3")
	require.ErrorIs(t, err, ErrUnknownTarget)
	assert.Contains(t, err.Error(), "igso3-mix")
	_, err = NewVonMisesProduct("bad", []float64{-1}, []float64{0})
	require.Error(t, err)
}

func TestVMFS2Modes(t *testing.T) {
	tg := NewVMFS2()
	mx, ok := tg.(Mixture)
	require.True(t, ok)
	means, w := mx.Modes()
	require.Len(t, means, 4)
	assert.InDelta(t, 1, w[0]+w[1]+w[2]+w[3], 1e-15)
	// The means are unit vectors (points of S²).
	for _, m := range means {
		assert.InDelta(t, 1, m[0]*m[0]+m[1]*m[1]+m[2]*m[2], 1e-15)
	}
}
