package manifold

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// mixtureWN returns the 1-D wrapped normals with the given means and times.
func mixtureWN(t *testing.T, means, times []float64) []Distribution {
	t.Helper()
	ds := make([]Distribution, len(means))
	for i := range means {
		w, err := NewWrappedNormal([]float64{means[i]}, times[i])
		require.NoError(t, err)
		ds[i] = w
	}
	return ds
}

// mixtureT2 returns 0.3·WN((1, −2), 0.2) + 0.5·WN((−2.5, 3), (0.05, 1.5))
// + 0.2·Uniform(T²).
func mixtureT2(t *testing.T) *Mixture {
	t.Helper()
	a, err := NewWrappedNormal([]float64{1, -2}, 0.2)
	require.NoError(t, err)
	b, err := NewWrappedNormalDiag([]float64{-2.5, 3}, []float64{0.05, 1.5})
	require.NoError(t, err)
	u, err := NewUniform(NewTorus(2))
	require.NoError(t, err)
	m, err := NewMixture([]float64{3, 5, 2}, []Distribution{a, b, u})
	require.NoError(t, err)
	return m
}

func TestMixtureDensity(t *testing.T) {
	// exp(LogProb) = Σ w_i p_i pointwise (direct sum of the components'
	// densities, which are all in range here).
	m := mixtureT2(t)
	require.Equal(t, []float64{0.3, 0.5, 0.2}, m.Weights())
	comps := m.Components()
	rng := newRand(4)
	x := make([]float64, 2)
	for it := 0; it < 200; it++ {
		m.Space().Rand(x, rng)
		var want float64
		for i, c := range comps {
			want += m.w[i] * math.Exp(c.LogProb(x))
		}
		require.InDelta(t, math.Log(want), m.LogProb(x), 1e-14*(1+math.Abs(math.Log(want))))
	}
}

func TestMixtureNormalises(t *testing.T) {
	// ∫ p = 1 by the periodic trapezoid rule (spectrally accurate; see
	// wrappedTrapezoid): on T¹ with 16384 nodes, on T² with 512² nodes (the
	// narrowest component, t = 0.01 resp. 0.05, has aliasing error below
	// e^{−1300}).
	const tol = 1e-12
	t.Run("T1", func(t *testing.T) {
		m, err := NewMixture([]float64{0.2, 0.5, 0.3}, mixtureWN(t, []float64{-2, 0.5, 3}, []float64{0.01, 0.5, 5}))
		require.NoError(t, err)
		x := make([]float64, 1)
		require.InDelta(t, 1, wrappedTrapezoid(16384, func(v float64) float64 {
			x[0] = v
			return math.Exp(m.LogProb(x))
		}), tol)
	})
	t.Run("T2", func(t *testing.T) {
		m := mixtureT2(t)
		x := make([]float64, 2)
		total := wrappedTrapezoid(512, func(a float64) float64 {
			return wrappedTrapezoid(512, func(b float64) float64 {
				x[0], x[1] = a, b
				return math.Exp(m.LogProb(x))
			})
		})
		require.InDelta(t, 1, total, tol)
	})
}

func TestMixtureScoreFD(t *testing.T) {
	rng := newRand(14)
	points := func(m *Mixture, n int) [][]float64 {
		var pts [][]float64
		for i := 0; i < n; i++ {
			x := make([]float64, m.Space().AmbientDim())
			m.Rand(x, rng)
			pts = append(pts, x)
		}
		return pts
	}
	t.Run("WN+WN+Uniform on T2", func(t *testing.T) {
		m := mixtureT2(t)
		checkScoreFD(t, m, points(m, 40), 141, scoreTol)
	})
	t.Run("WN+WN on T2", func(t *testing.T) {
		a, err := NewWrappedNormal([]float64{0, 0}, 0.3)
		require.NoError(t, err)
		b, err := NewWrappedNormal([]float64{3, -3}, 0.8)
		require.NoError(t, err)
		m, err := NewMixture([]float64{1, 1}, []Distribution{a, b})
		require.NoError(t, err)
		checkScoreFD(t, m, points(m, 40), 142, scoreTol)
	})
	t.Run("Uniform+WN on T1", func(t *testing.T) {
		u, err := NewUniform(NewTorus(1))
		require.NoError(t, err)
		w, err := NewWrappedNormal([]float64{2}, 0.1)
		require.NoError(t, err)
		m, err := NewMixture([]float64{0.6, 0.4}, []Distribution{u, w})
		require.NoError(t, err)
		checkScoreFD(t, m, points(m, 40), 143, scoreTol)
	})
	t.Run("product components", func(t *testing.T) {
		// Mixture of two ProductDists on T² × S², built independently.
		mk := func(mu, tt float64) Distribution {
			w, err := NewWrappedNormal([]float64{mu, -mu}, tt)
			require.NoError(t, err)
			u, err := NewUniform(NewSphere(3))
			require.NoError(t, err)
			p, err := NewProductDist(w, u)
			require.NoError(t, err)
			return p
		}
		m, err := NewMixture([]float64{1, 2}, []Distribution{mk(1, 0.4), mk(-2, 1)})
		require.NoError(t, err)
		checkScoreFD(t, m, points(m, 20), 144, scoreTol)
	})
}

func TestMixtureStable(t *testing.T) {
	// Two sharp components whose densities at x = 0 are e^{−1125}, below
	// the float64 range: a naive Σ w_i p_i gives 0 and a score 0/0. Exact:
	// log p(0) = log p_t(1.5) (both images equal), and the score is
	// 0.25·(−1.5/t) + 0.75·(1.5/t) = 750 for t = 1e-3.
	const tt = 1e-3
	m, err := NewMixture([]float64{0.25, 0.75}, mixtureWN(t, []float64{-1.5, 1.5}, []float64{tt, tt}))
	require.NoError(t, err)
	x := []float64{0}
	want := WrappedNormalLogPDF(1.5, tt)
	require.Less(t, want, -1000.0)
	require.InDelta(t, want, m.LogProb(x), 1e-14*math.Abs(want))
	s := make([]float64, 1)
	m.Score(s, x)
	require.InDelta(t, 750, s[0], 1e-9)
	// Far on one side the other component's weight is e^{−4500} relative:
	// the score is that of the near component.
	x[0] = 1.4
	m.Score(s, x)
	require.InDelta(t, WrappedNormalScore(1.4-1.5, tt), s[0], 1e-10)
}

func TestMixtureRand(t *testing.T) {
	// Mode weights: three well-separated components (sd 0.1, means 2 apart,
	// so the nearest mean identifies the component except with probability
	// < 1e-20). Pearson χ² with 2 degrees of freedom at α = 1e-3 (critical
	// value 13.816, from the χ²₂ quantile −2 ln α); n = 20000. Power: moving
	// 0.02 of weight between two components gives non-centrality
	// λ = nΣ(Δw)²/w ≥ 42.7 and rejection probability 0.998 (P(χ²₂(42.7) >
	// 13.816), by 2e5 Monte Carlo draws of the non-central χ²).
	const n = 20000
	w := []float64{0.2, 0.5, 0.3}
	means := []float64{-2, 0, 2}
	m, err := NewMixture(w, mixtureWN(t, means, []float64{0.01, 0.01, 0.01}))
	require.NoError(t, err)
	rng := newRand(77)
	counts := make([]float64, 3)
	x := make([]float64, 1)
	for i := 0; i < n; i++ {
		m.Rand(x, rng)
		best := 0
		for j := range means {
			if math.Abs(x[0]-means[j]) < math.Abs(x[0]-means[best]) {
				best = j
			}
		}
		counts[best]++
	}
	var chi2 float64
	for j, c := range counts {
		e := n * w[j]
		chi2 += (c - e) * (c - e) / e
	}
	require.Less(t, chi2, -2*math.Log(1e-3), "χ² = %.3g, counts %v", chi2, counts)

	// Whole law: KS of the angle against the mixture CDF Σ w_i F_i, each F_i
	// the arc probability of a wrapped normal (wrappedCDF), for overlapping
	// components and a uniform one.
	u, err := NewUniform(NewTorus(1))
	require.NoError(t, err)
	comps := append(mixtureWN(t, []float64{-2, 1}, []float64{0.5, 2}), u)
	wk := []float64{0.3, 0.5, 0.2}
	mk, err := NewMixture(wk, comps)
	require.NoError(t, err)
	arc := func(x, mu, tt float64) float64 {
		// P(wrap(Y) ∈ [−π, x)) for Y = mu + √tt Z: the arc [−π−mu, x−mu).
		a, b := wrappedCDF(TorusWrap(-math.Pi-mu), tt), wrappedCDF(TorusWrap(x-mu), tt)
		if b < a {
			return 1 - (a - b)
		}
		return b - a
	}
	cdf := func(x float64) float64 {
		return wk[0]*arc(x, -2, 0.5) + wk[1]*arc(x, 1, 2) + wk[2]*(x+math.Pi)/(2*math.Pi)
	}
	s := make([]float64, n)
	for i := range s {
		mk.Rand(x, rng)
		s[i] = x[0]
	}
	requireKS(t, s, cdf, "mixture of WN, WN, uniform")
}

func TestMixtureZeroWeight(t *testing.T) {
	// A zero-weight component is never drawn and does not enter the law.
	comps := mixtureWN(t, []float64{-2, 2, 0}, []float64{0.01, 0.01, 0.01})
	m, err := NewMixture([]float64{1, 1, 0}, comps)
	require.NoError(t, err)
	m2, err := NewMixture([]float64{0, 1, 0}, comps)
	require.NoError(t, err)
	rng := newRand(5)
	x := []float64{0}
	for i := 0; i < 2000; i++ {
		m.Rand(x, rng)
		require.Greater(t, math.Abs(x[0]), 1.0, "zero-weight component at 0 drawn")
		m2.Rand(x, rng)
		require.InDelta(t, 2, x[0], 1)
	}
	// At −2.1 the component at +2 has relative weight e^{−237}.
	x[0] = -2.1
	require.InDelta(t, math.Log(0.5)+comps[0].LogProb(x), m.LogProb(x), 1e-12)
	require.Equal(t, comps[1].LogProb(x), m2.LogProb(x))
}

func TestMixtureBadInput(t *testing.T) {
	comps := mixtureWN(t, []float64{0, 1}, []float64{1, 1})
	cases := []struct {
		name    string
		weights []float64
		comps   []Distribution
	}{
		{"length mismatch", []float64{1}, comps},
		{"empty", nil, nil},
		{"negative", []float64{1, -0.1}, comps},
		{"NaN", []float64{math.NaN(), 1}, comps},
		{"Inf", []float64{math.Inf(1), 1}, comps},
		{"zero sum", []float64{0, 0}, comps},
		{"nil component", []float64{1, 1}, []Distribution{comps[0], nil}},
	}
	u3, err := NewUniform(NewTorus(3))
	require.NoError(t, err)
	us, err := NewUniform(NewSphere(2))
	require.NoError(t, err)
	cases = append(cases,
		struct {
			name    string
			weights []float64
			comps   []Distribution
		}{"T1 and T3", []float64{1, 1}, []Distribution{comps[0], u3}},
		struct {
			name    string
			weights []float64
			comps   []Distribution
		}{"T1 and S1", []float64{1, 1}, []Distribution{comps[0], us}},
	)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewMixture(c.weights, c.comps)
			require.ErrorIs(t, err, ErrParameter)
		})
	}
}

func TestMixtureAllocs(t *testing.T) {
	m := mixtureT2(t)
	var d Distribution = m
	rng := newRand(1)
	x, s := make([]float64, 2), make([]float64, 2)
	d.Rand(x, rng)
	for name, f := range map[string]func(){
		"LogProb": func() { _ = d.LogProb(x) },
		"Score":   func() { d.Score(s, x) },
		"Rand":    func() { d.Rand(s, rng) },
	} {
		if mixtureRace && name == "Score" {
			continue // sync.Pool drops items under -race
		}
		require.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}

func ExampleMixture() {
	// Two torsion-angle modes and a uniform background on T¹.
	a, _ := NewWrappedNormal([]float64{-2}, 0.1)
	b, _ := NewWrappedNormal([]float64{2}, 0.1)
	u, _ := NewUniform(NewTorus(1))
	m, err := NewMixture([]float64{0.45, 0.45, 0.1}, []Distribution{a, b, u})
	if err != nil {
		panic(err)
	}
	s := make([]float64, 1)
	for _, x := range []float64{-1.9, 0, 2.1, math.Pi - 0.1} {
		m.Score(s, []float64{x})
		fmt.Printf("x=%5.2f  log p=%8.4f  score=%8.4f\n", x, m.LogProb([]float64{x}), s[0])
	}
	// Output:
	// x=-1.90  log p= -0.5871  score= -0.9714
	// x= 0.00  log p= -4.1405  score=  0.0000
	// x= 2.10  log p= -0.5871  score= -0.9714
	// x= 3.04  log p= -3.9807  score= -1.2260
}

func TestMixtureLogProbScoreConsistent(t *testing.T) {
	// LogProbScore (one pass; WrappedNormal components through their own
	// LogProbScore, Uniform through LogProb + Score) equals LogProb and
	// Score called separately, for Mixture, nested Mixture and ProductDist.
	mt := mixtureT2(t)
	pd, _, _, _ := productDistTest(t)
	u, err := NewUniform(NewTorus(2))
	require.NoError(t, err)
	nested, err := NewMixture([]float64{1, 1}, []Distribution{mt, u})
	require.NoError(t, err)
	rng := newRand(6)
	for _, d := range []interface {
		Distribution
		mixtureLogProbScorer
	}{mt, pd, nested} {
		n := d.Space().AmbientDim()
		x, s1, s2 := make([]float64, n), make([]float64, n), make([]float64, n)
		for it := 0; it < 100; it++ {
			d.Rand(x, rng)
			l := d.LogProbScore(s1, x)
			d.Score(s2, x)
			require.InDelta(t, d.LogProb(x), l, 1e-14*(1+math.Abs(l)))
			requireClose(t, s2, s1, 1e-14, "LogProbScore score")
		}
		if !mixtureRace {
			require.Zero(t, testing.AllocsPerRun(100, func() { _ = d.LogProbScore(s1, x) }))
		}
	}
}

func TestMixtureConcurrent(t *testing.T) {
	// Score shares pooled scratch vectors between goroutines: concurrent
	// calls must give the serial results exactly (run with -race too).
	m := mixtureT2(t)
	rng := newRand(10)
	const n = 200
	x := make([]float64, 2*n)
	want := make([]float64, 2*n)
	for i := 0; i < n; i++ {
		m.Rand(x[2*i:2*i+2], rng)
		m.Score(want[2*i:2*i+2], x[2*i:2*i+2])
	}
	got := make([][]float64, 4)
	done := make(chan int)
	for g := range got {
		got[g] = make([]float64, 2*n)
		go func() {
			for i := 0; i < n; i++ {
				m.Score(got[g][2*i:2*i+2], x[2*i:2*i+2])
			}
			done <- g
		}()
	}
	for range got {
		<-done
	}
	for g := range got {
		require.Equal(t, want, got[g], "goroutine %d", g)
	}
}
