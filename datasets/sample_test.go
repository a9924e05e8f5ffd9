package datasets

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// The exact samplers are tested by one-sample Kolmogorov–Smirnov tests of
// 1-D marginals, with a fixed seed.
//
// With n = ksN draws, the test rejects when D_n = sup|F_n − F| exceeds
// ksCrit = c(α)/√n, c(α) = √(−ln(α/2)/2) = 1.9495 for α = 1e-3 (the
// asymptotic Kolmogorov distribution). Power: if the sampled law is at
// Kolmogorov distance δ ≥ 0.026 from F, then D_n ≥ δ − sup|F_n − G| and by
// the Dvoretzky–Kiefer–Wolfowitz inequality P(sup|F_n − G| > 0.0122) ≤
// 2 exp(−2 n 0.0122²) = 0.005, so the test detects it with probability
// at least 0.995. Swapping the weights of the two wells of a Many-Well
// block, or of the two TwoModes components, moves F by more than 0.3.
const (
	ksN    = 20000
	ksCrit = 1.9495 / 141.42135623730951 // c(α)/√n = 0.013785
	// momentSigmas: moment checks accept |estimate − exact| ≤ 4 standard
	// errors (two-sided false alarm rate 6e-5 per check under normality).
	momentSigmas = 4
)

// ksStat returns sup_x |F_n(x) − F(x)| for the sorted sample xs given the
// values cdf[i] = F(xs[i]).
func ksStat(cdf []float64) float64 {
	n := float64(len(cdf))
	var d float64
	for i, f := range cdf {
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	return d
}

// cdfAt returns F at each sorted point for F given as a function.
func cdfAt(xs []float64, F func(float64) float64) []float64 {
	c := make([]float64, len(xs))
	for i, x := range xs {
		c[i] = F(x)
	}
	return c
}

// cdfByQuadrature returns F(xs[i]) for the density ∝ f on [lo, hi], the
// sorted points xs inside it, by 16-node Gauss–Legendre quadrature between
// consecutive points (independent of the package's Simpson tables).
func cdfByQuadrature(xs []float64, f func(float64) float64, lo, hi float64) []float64 {
	c := make([]float64, len(xs))
	var acc float64
	prev := lo
	for i, x := range xs {
		if x > prev {
			acc += legendre(f, prev, x, 16)
			prev = x
		}
		c[i] = acc
	}
	// Split the last piece so that the nodes resolve the tail.
	total := acc + legendre(f, prev, 0.5*(prev+hi), 16) + legendre(f, 0.5*(prev+hi), hi, 16)
	for i := range c {
		c[i] /= total
	}
	return c
}

func mixtureCDF(means []float64, w []float64, sd float64) func(float64) float64 {
	return func(x float64) float64 {
		var F float64
		for k, m := range means {
			F += w[k] * distuv.Normal{Mu: m, Sigma: sd}.CDF(x)
		}
		return F
	}
}

// draw returns n samples of tg (n·Dim values).
func draw(tg Target, n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 0))
	d := tg.Dim()
	xs := make([]float64, n*d)
	for i := range n {
		tg.(Sampler).Sample(xs[i*d:(i+1)*d], rng)
	}
	return xs
}

// column returns coordinate j of the samples xs of dimension d, sorted.
func column(xs []float64, d, j int) []float64 {
	c := make([]float64, 0, len(xs)/d)
	for i := j; i < len(xs); i += d {
		c = append(c, xs[i])
	}
	slices.Sort(c)
	return c
}

// pooled returns the coordinates j, j+step, … of all samples, sorted.
func pooled(xs []float64, j, step int) []float64 {
	var c []float64
	for i := j; i < len(xs); i += step {
		c = append(c, xs[i])
	}
	slices.Sort(c)
	return c
}

func TestSamplersKolmogorovSmirnov(t *testing.T) {
	sd := math.Sqrt
	gmmMeans := make([]float64, 40)
	for k := range gmmMeans {
		gmmMeans[k] = gmm40Means[2*k] // x coordinate
	}
	eq40 := make([]float64, 40)
	for k := range eq40 {
		eq40[k] = 1.0 / 40
	}
	mm := NewManyModesDefault()
	mmMeans, mmW := mm.Modes()
	mm0 := make([]float64, len(mmMeans))
	for k := range mmMeans {
		mm0[k] = mmMeans[k][0]
	}
	doubleWell := func(d float64) float64 { return math.Exp(0.5*d + 6*d*d - d*d*d*d - 9.4) }
	quartic := func(x float64) float64 { r := x*x - 4; return math.Exp(-r * r) }
	stdNormal := distuv.UnitNormal.CDF

	for _, c := range []struct {
		name string
		// marginal returns a sorted sample of ksN values of a 1-D
		// statistic of draws from the target, and its exact CDF values.
		marginal func() (xs, cdf []float64)
	}{
		{"gmm40/x", func() ([]float64, []float64) {
			xs := column(draw(NewGMM40(), ksN, 10), 2, 0)
			return xs, cdfAt(xs, mixtureCDF(gmmMeans, eq40, GMM40Scale))
		}},
		{"funnel10/x0", func() ([]float64, []float64) {
			xs := column(draw(NewFunnel(10), ksN, 11), 10, 0)
			return xs, cdfAt(xs, distuv.Normal{Mu: 0, Sigma: 3}.CDF)
		}},
		{"funnel10/x1·exp(−x0/2)", func() ([]float64, []float64) {
			s := draw(NewFunnel(10), ksN, 12)
			xs := make([]float64, ksN)
			for i := range xs {
				xs[i] = s[i*10+1] * math.Exp(-0.5*s[i*10])
			}
			slices.Sort(xs)
			return xs, cdfAt(xs, stdNormal)
		}},
		{"manywell32/d", func() ([]float64, []float64) {
			// 16 independent d coordinates per draw.
			xs := pooled(draw(NewManyWell32(), ksN/16, 13), 0, 2)
			return xs, cdfByQuadrature(xs, doubleWell, -6, 6)
		}},
		{"manywell32/v", func() ([]float64, []float64) {
			xs := pooled(draw(NewManyWell32(), ksN/16, 14), 1, 2)
			return xs, cdfAt(xs, stdNormal)
		}},
		{"mw5/x", func() ([]float64, []float64) {
			xs := pooled(draw(NewMW5(), ksN/5, 15), 0, 1)
			return xs, cdfByQuadrature(xs, quartic, -5, 5)
		}},
		{"twomodes/x0", func() ([]float64, []float64) {
			xs := column(draw(NewTwoModes(), ksN, 16), 5, 0)
			return xs, cdfAt(xs, mixtureCDF([]float64{-1, 1}, []float64{2.0 / 3, 1.0 / 3}, sd(0.05)))
		}},
		{"manymodes/x0", func() ([]float64, []float64) {
			xs := column(draw(mm, ksN, 17), 8, 0)
			return xs, cdfAt(xs, mixtureCDF(mm0, mmW, sd(0.5)))
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			xs, cdf := c.marginal()
			require.Len(t, xs, ksN)
			d := ksStat(cdf)
			t.Logf("KS D = %.4f (critical %.4f)", d, ksCrit)
			assert.Less(t, d, ksCrit)
		})
	}
}

// TestKSDetectsWrongLaw checks that the KS test above has the power it
// claims: a double-well sampler with the two wells' weights swapped
// (d ↦ −d) is rejected.
func TestKSDetectsWrongLaw(t *testing.T) {
	xs := pooled(draw(NewManyWell32(), ksN/16, 13), 0, 2)
	for i := range xs {
		xs[i] = -xs[i]
	}
	slices.Sort(xs)
	doubleWell := func(d float64) float64 { return math.Exp(0.5*d + 6*d*d - d*d*d*d - 9.4) }
	d := ksStat(cdfByQuadrature(xs, doubleWell, -6, 6))
	t.Logf("KS D of the swapped law = %.3f", d)
	assert.Greater(t, d, 10*ksCrit)
}

func TestSamplerMoments(t *testing.T) {
	// Many-Well d: exact E[d] and E[d²] by quadrature (reference values).
	dw := func(p float64) func(float64) float64 {
		return func(d float64) float64 { return math.Pow(d, p) * math.Exp(0.5*d+6*d*d-d*d*d*d-9.4) }
	}
	z := legendre(dw(0), -6, 6, 400)
	m1, m2 := legendre(dw(1), -6, 6, 400)/z, legendre(dw(2), -6, 6, 400)/z
	q := func(p float64) func(float64) float64 {
		return func(x float64) float64 { r := x*x - 4; return math.Pow(x, p) * math.Exp(-r*r) }
	}
	qz := legendre(q(0), -5, 5, 400)
	q2, q4 := legendre(q(2), -5, 5, 400)/qz, legendre(q(4), -5, 5, 400)/qz

	// checkMean asserts |mean − want| ≤ momentSigmas · sd/√n.
	checkMean := func(t *testing.T, vals []float64, want, sd float64) {
		t.Helper()
		mean := stat.Mean(vals, nil)
		assert.InDelta(t, want, mean, momentSigmas*sd/math.Sqrt(float64(len(vals))))
	}
	t.Run("manywell32/d", func(t *testing.T) {
		xs := pooled(draw(NewManyWell32(), ksN/16, 20), 0, 2)
		checkMean(t, xs, m1, math.Sqrt(m2-m1*m1))
		sq := make([]float64, len(xs))
		for i, x := range xs {
			sq[i] = x * x
		}
		checkMean(t, sq, m2, stat.StdDev(sq, nil))
	})
	t.Run("mw5/x²", func(t *testing.T) {
		xs := pooled(draw(NewMW5(), ksN/5, 21), 0, 1)
		sq := make([]float64, len(xs))
		for i, x := range xs {
			sq[i] = x * x
		}
		checkMean(t, sq, q2, math.Sqrt(q4-q2*q2))
		checkMean(t, xs, 0, math.Sqrt(q2))
	})
	t.Run("funnel10/x1²·exp(−x0)", func(t *testing.T) {
		s := draw(NewFunnel(10), ksN, 22)
		v := make([]float64, ksN)
		for i := range v {
			v[i] = s[i*10+5] * s[i*10+5] * math.Exp(-s[i*10])
		}
		checkMean(t, v, 1, math.Sqrt2) // χ²₁: mean 1, sd √2
	})
	t.Run("twomodes/weight", func(t *testing.T) {
		// Share of draws in the (2/3)-weight mode at −1: Bernoulli(2/3).
		s := draw(NewTwoModes(), ksN, 23)
		v := make([]float64, ksN)
		for i := range v {
			var sum float64
			for _, x := range s[i*5 : (i+1)*5] {
				sum += x
			}
			if sum < 0 {
				v[i] = 1
			}
		}
		checkMean(t, v, 2.0/3, math.Sqrt(2.0/9))
	})
	t.Run("manymodes/weights", func(t *testing.T) {
		// Counts per mode (nearest mean; the modes are ≥ 10 sd apart for
		// this seed) against n·w_k: Pearson χ² with 15 degrees of freedom,
		// critical value 37.70 at α = 1e-3.
		mm := NewManyModesDefault()
		means, w := mm.Modes()
		s := draw(mm, ksN, 24)
		obs := make([]float64, len(w))
		for i := range ksN {
			x := s[i*8 : (i+1)*8]
			best, bd := 0, math.Inf(1)
			for k, mu := range means {
				var d2 float64
				for j := range x {
					d2 += (x[j] - mu[j]) * (x[j] - mu[j])
				}
				if d2 < bd {
					best, bd = k, d2
				}
			}
			obs[best]++
		}
		exp := make([]float64, len(w))
		for k := range w {
			exp[k] = ksN * w[k]
		}
		assert.Less(t, stat.ChiSquare(obs, exp), 37.70)
	})
}

// TestManyModesSeparated backs the nearest-mean assignment above: every
// pair of ManyModes means is more than 10 component sd apart.
func TestManyModesSeparated(t *testing.T) {
	means, _ := NewManyModesDefault().Modes()
	for a := range means {
		for b := a + 1; b < len(means); b++ {
			var d2 float64
			for j := range means[a] {
				d2 += (means[a][j] - means[b][j]) * (means[a][j] - means[b][j])
			}
			assert.Greater(t, math.Sqrt(d2), 10*math.Sqrt(0.5))
		}
	}
}

// TestInversionTableAccuracy checks the stated Kolmogorov accuracy of the
// inversion tables: h²/8 · max|p′| < 1e-8, with max|p′| taken on the grid.
func TestInversionTableAccuracy(t *testing.T) {
	for _, c := range []struct {
		name string
		tab  *table1D
		logf func(float64) float64
		dlog func(float64) float64 // derivative of logf
	}{
		{"double well", doubleWellTable(), doubleWellLogF, func(d float64) float64 { return 0.5 + 12*d - 4*d*d*d }},
		{"quartic well", quarticWellTable(), quarticWellLogF, func(x float64) float64 { return -4 * x * (x*x - 4) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var maxDp float64
			for i := range len(c.tab.cdf) {
				x := c.tab.lo + c.tab.h*float64(i)
				p := math.Exp(c.logf(x) - c.tab.logZ)
				maxDp = math.Max(maxDp, math.Abs(p*c.dlog(x)))
			}
			bound := c.tab.h * c.tab.h / 8 * maxDp
			t.Logf("Kolmogorov bound %.2e", bound)
			assert.Less(t, bound, 1e-8)
			// The quantile inverts the grid CDF exactly at grid points.
			for _, i := range []int{1, 1000, 35000, 60000} {
				x := c.tab.lo + c.tab.h*float64(i)
				assert.InDelta(t, x, c.tab.quantile(c.tab.cdf[i]), 1e-9)
			}
			// The extreme uniforms stay inside the grid.
			for _, u := range []float64{0, 0x1p-53, 1 - 0x1p-53, 1} {
				x := c.tab.quantile(u)
				assert.True(t, x >= wellGridLo && x <= wellGridHi, "quantile(%v) = %v", u, x)
			}
		})
	}
}
