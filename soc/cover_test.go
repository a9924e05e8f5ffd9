package soc

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/integrate/quad"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
	"github.com/geosoc/geosoc/sampler"
)

// legendre returns n Gauss–Legendre nodes and weights on [a, b].
func legendre(n int, a, b float64) (x, w []float64) {
	x, w = make([]float64, n), make([]float64, n)
	quad.Legendre{}.FixedLocations(x, w, a, b)
	return x, w
}

// projMixtures are the test laws q̃ of the sphere (R³) and SO(3) (R⁴)
// covers: unequal weights, means inside and outside the unit ball, broad
// and narrow components, so q has no symmetry to hide a wrong factor.
var projMixtures = map[coverKind]*Mixture{
	sphereCover: {Weights: []float64{0.3, 0.7}, Means: []float64{0.8, 0.1, -0.2, -0.3, 0.5, 0.9}, Variances: []float64{0.3, 1.2}},
	so3Cover:    {Weights: []float64{0.6, 0.4}, Means: []float64{0.9, 0.2, -0.3, 0.1, -0.2, 0.7, 0.4, -0.5}, Variances: []float64{0.5, 0.8}},
}

// TestProjLawNormalised integrates the pushforward densities: on S² by
// 64×128 Gauss–Legendre × trapezoid nodes in (cos θ, φ), on S³ (the
// density of y/|y| before the quotient to SO(3)) in hyperspherical
// coordinates with dσ = sin²ψ sin θ dψ dθ dφ. The integrands are smooth
// and periodic in φ, so the rules are exact to rounding; tolerance 1e-9.
func TestProjLawNormalised(t *testing.T) {
	const tol = 1e-9
	t.Run("S2", func(t *testing.T) {
		c, err := newMixtureParts(projMixtures[sphereCover], manifold.NewSphere(3))
		require.NoError(t, err)
		pl := c.cov.(projLaw)
		cs, wc := legendre(64, -1, 1)
		const nphi = 128
		var s float64
		u := make([]float64, 3)
		for i, ct := range cs {
			st := math.Sqrt(1 - ct*ct)
			for j := range nphi {
				phi := 2 * math.Pi * float64(j) / nphi
				u[0], u[1], u[2] = st*math.Cos(phi), st*math.Sin(phi), ct
				s += wc[i] * (2 * math.Pi / nphi) * math.Exp(pl.LogDensity(u))
			}
		}
		assert.InDelta(t, 1, s, tol)
	})
	t.Run("S3", func(t *testing.T) {
		c, err := newMixtureParts(projMixtures[so3Cover], manifold.NewSO3())
		require.NoError(t, err)
		pl := c.cov.(projLaw)
		ps, wp := legendre(48, 0, math.Pi)
		ts, wt := legendre(48, 0, math.Pi)
		const nphi = 64
		var s float64
		u := make([]float64, 4)
		for i, psi := range ps {
			for j, th := range ts {
				for k := range nphi {
					phi := 2 * math.Pi * float64(k) / nphi
					u[0] = math.Cos(psi)
					u[1] = math.Sin(psi) * math.Cos(th)
					u[2] = math.Sin(psi) * math.Sin(th) * math.Cos(phi)
					u[3] = math.Sin(psi) * math.Sin(th) * math.Sin(phi)
					vol := math.Sin(psi) * math.Sin(psi) * math.Sin(th)
					s += wp[i] * wt[j] * (2 * math.Pi / nphi) * vol * math.Exp(pl.logRay(u, 1, nil))
				}
			}
		}
		assert.InDelta(t, 1, s, tol)
	})
}

// TestProjLawVolume checks the densities against the measure of the space
// with exact draws: E_q[1/q(X)] = Vol(M) (4π on S², 8π² on SO(3)), and on
// SO(3) also E_Haar[q(R)] = 1/(8π²) with Haar-uniform R, within 4 SE of
// 200 000 draws. A wrong volume factor (the 8 of the quaternion map) or a
// missing antipode would be off by a factor 2 or more.
func TestProjLawVolume(t *testing.T) {
	const n, sigmas = 200000, 4.0
	for _, c := range []struct {
		name  string
		kind  coverKind
		space manifold.Manifold
		vol   float64
	}{{"S2", sphereCover, manifold.NewSphere(3), 4 * math.Pi}, {"SO3", so3Cover, manifold.NewSO3(), 8 * math.Pi * math.Pi}} {
		t.Run(c.name, func(t *testing.T) {
			ch, err := newMixtureParts(projMixtures[c.kind], c.space)
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(11, 12))
			requireVolume(t, ch, n, c.vol, rng)
			if c.kind != so3Cover {
				return
			}
			so3 := manifold.NewSO3()
			x := make([]float64, ch.md)
			var s, s2 float64
			for range n {
				so3.Rand(x, rng)
				v := c.vol * math.Exp(ch.law.LogDensity(x))
				s += v
				s2 += v * v
			}
			m := s / n
			se := math.Sqrt((s2/n - m*m) / n)
			t.Logf("Vol·E_Haar[q] = %.4f ± %.4f (want 1)", m, se)
			assert.InDelta(t, 1, m, sigmas*se)
		})
	}
}

// requireVolume checks E_q[1/q(X)] = Vol(M) for the terminal law q of ch
// with n exact draws, within 4 standard errors.
func requireVolume(t *testing.T, ch *mixtureChain, n int, vol float64, rng *rand.Rand) {
	t.Helper()
	x := make([]float64, ch.md)
	var s, s2 float64
	for range n {
		ch.law.Rand(x, rng)
		v := math.Exp(-ch.law.LogDensity(x))
		s += v
		s2 += v * v
	}
	m := s / float64(n)
	se := math.Sqrt((s2/float64(n) - m*m) / float64(n))
	t.Logf("E_q[1/q] = %.4f ± %.4f (Vol %.4f)", m, se, vol)
	assert.InDelta(t, vol, m, 4*se)
}

// TestProjLawLift checks lift as the conditional law of Y given π(Y): with
// Y ~ q̃ and Y' = lift(π(Y)), π(Y') = π(Y) to rounding (1e-12) and Y' ~ q̃
// again, so its mean is Σ w_k m_k and E|Y'|² = Σ w_k (|m_k|² + D s_k²)
// within 4 SE of 100 000 draws (on SO(3) this also tests the choice
// between the two rays ±u).
func TestProjLawLift(t *testing.T) {
	const n, sigmas = 100000, 4.0
	for _, c := range []struct {
		name  string
		kind  coverKind
		d     int
		space manifold.Manifold
	}{{"S2", sphereCover, 3, manifold.NewSphere(3)}, {"SO3", so3Cover, 4, manifold.NewSO3()}} {
		t.Run(c.name, func(t *testing.T) {
			q := projMixtures[c.kind]
			ch, err := newMixtureParts(q, c.space)
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(13, 14))
			y, y2 := make([]float64, c.d), make([]float64, c.d)
			x, x2 := make([]float64, ch.md), make([]float64, ch.md)
			tmp := make([]float64, 2*ch.k)
			sum, sq := make([]float64, c.d), make([]float64, c.d)
			var r2, r4 float64
			for range n {
				ch.cover.Rand(y, rng)
				ch.cov.project(x, y)
				ch.cov.lift(y2, x, tmp, rng)
				ch.cov.project(x2, y2)
				for i := range x {
					require.InDelta(t, x[i], x2[i], 1e-12)
				}
				var nn float64
				for i, v := range y2 {
					sum[i] += v
					sq[i] += v * v
					nn += v * v
				}
				r2 += nn
				r4 += nn * nn
			}
			var wantR2 float64
			for k, w := range q.Weights {
				var mm float64
				for i := range c.d {
					mk := q.Means[k*c.d+i]
					mm += mk * mk
				}
				wantR2 += w * (mm + float64(c.d)*q.Variances[k])
			}
			for i := range c.d {
				var want float64
				for k, w := range q.Weights {
					want += w * q.Means[k*c.d+i]
				}
				m := sum[i] / n
				se := math.Sqrt((sq[i]/n - m*m) / n)
				assert.InDeltaf(t, want, m, sigmas*se, "mean of coordinate %d", i)
			}
			m := r2 / n
			assert.InDelta(t, wantR2, m, sigmas*math.Sqrt((r4/n-m*m)/n))
		})
	}
}

// TestLRDSSphereSO3 trains lrds briefly on vmf-s2 and igso3-mix (the chain
// on R³ and R⁴) and checks log Ẑ against the exact 0 within zTol SE plus
// logZFloor, that the samples lie on the space (residual 1e-9), the
// forward-weight identity E[1/w] = 1/Z through the lifted bridge within 4
// delta-method SE, and that a saved model samples the same.
func TestLRDSSphereSO3(t *testing.T) {
	const (
		zTol      = 4.0
		logZFloor = 0.02
	)
	for _, name := range []string{"vmf-s2", "igso3-mix"} {
		t.Run(name, func(t *testing.T) {
			tg, err := datasets.Lookup(name)
			require.NoError(t, err)
			mt := tg.(datasets.ManifoldTarget)
			ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 10}
			m, _, err := Train("lrds", tg, &Settings{Steps: 10, Batch: 32, Hidden: []int{16}, Reference: ref, Seed: 3,
				Components: 16, Chains: 512, MCMCSteps: 5, RefineRounds: 4, RefineSamples: 2048})
			require.NoError(t, err)
			out, rep, err := Sample(m, tg, 4000, 5)
			require.NoError(t, err)
			t.Logf("log Z %.4f ± %.4f (exact 0), ESS/N %.3f, EUBO %.4f, %d evaluations", rep.LogZ, rep.LogZStdErr, rep.ESSFraction, rep.EUBO, rep.EnergyEvals)
			require.InDelta(t, 0, rep.LogZ, zTol*rep.LogZStdErr+logZFloor)
			md := mt.Space().AmbientDim()
			require.Equal(t, md, out.Dim)
			for i := range out.N {
				require.Less(t, mt.Space().Residual(out.Samples[i*md:(i+1)*md]), 1e-9)
			}
			requireLRDSModel(t, m, tg, tg.(exactSampler), out, 0, projLaw{})
		})
	}
}

// TestCoverChecks: a model file's mixture with a non-finite parameter is
// rejected (ErrModel), and lrdsSpaceSettings, which both Train and Load
// apply, refuses the product family and the gradient term on S² and
// SO(3) but not on the torus.
func TestCoverChecks(t *testing.T) {
	for _, bad := range []float64{math.NaN(), math.Inf(1)} {
		q := &Mixture{Weights: []float64{1}, Means: []float64{0, 1, bad}, Variances: []float64{0.5}}
		_, err := newMixtureParts(q, manifold.NewSphere(3))
		require.ErrorIs(t, err, ErrModel)
		q = &Mixture{Weights: []float64{1}, Means: []float64{0, 1, 0}, Variances: []float64{bad}}
		_, err = newMixtureParts(q, manifold.NewSphere(3))
		require.ErrorIs(t, err, ErrModel)
	}
	for _, sp := range []manifold.Manifold{manifold.NewSphere(3), manifold.NewSO3()} {
		require.NoError(t, lrdsSpaceSettings(sp, &Settings{}))
		require.ErrorIs(t, lrdsSpaceSettings(sp, &Settings{GradTerm: true}), ErrSettings)
		require.ErrorIs(t, lrdsSpaceSettings(sp, &Settings{Family: Product}), ErrSettings)
	}
	require.NoError(t, lrdsSpaceSettings(manifold.NewTorus(2), &Settings{GradTerm: true, Family: Product}))
}

// TestProdLaw checks the product law on S² × T¹ and SO(3) × T²:
// with one factor it equals the sphere's and the torus' own laws (1e-12);
// E_q[1/q] = Vol(M) within 4 SE of 200 000 exact draws (4π·2π and
// 8π²·(2π)²); and the lift is the conditional law of Y given π(Y), as in
// TestProjLawLift (π(lift(π Y)) = π(Y) to 1e-12, moments of q̃ within
// 4 SE of 100 000 draws).
func TestProdLaw(t *testing.T) {
	q := func(D int) *Mixture {
		// Two broad isotropic components on R^D.
		m := &Mixture{Weights: []float64{0.35, 0.65}, Variances: []float64{0.6, 1.1}}
		for i := range 2 * D {
			m.Means = append(m.Means, 0.3*float64((i*7)%5)-0.5)
		}
		return m
	}
	t.Run("one factor", func(t *testing.T) {
		for _, sp := range []manifold.Manifold{manifold.NewSphere(3), manifold.NewTorus(2), manifold.NewSO3()} {
			_, D, err := chainGeometry(sp)
			require.NoError(t, err)
			alone, err := newMixtureParts(q(D), sp)
			require.NoError(t, err)
			prod, err := newMixtureParts(q(D), manifold.NewProduct(sp))
			require.NoError(t, err)
			require.IsType(t, prodLaw{}, prod.cov)
			rng := rand.New(rand.NewPCG(5, 6))
			x := make([]float64, sp.AmbientDim())
			for range 20 {
				alone.law.Rand(x, rng)
				require.InDelta(t, alone.law.LogDensity(x), prod.law.LogDensity(x), 1e-12)
			}
		}
		// A diagonal mixture on a lone torus factor (per-coordinate
		// variances) against the torus law.
		dq := &Mixture{Kind: Diagonal, Weights: []float64{0.3, 0.7}, Means: []float64{3.0, -2.9, 0.5, 1}, Variances: []float64{0.05, 6, 4, 0.02}}
		alone, err := newMixtureParts(dq, manifold.NewTorus(2))
		require.NoError(t, err)
		prod, err := newMixtureParts(dq, manifold.NewProduct(manifold.NewTorus(2)))
		require.NoError(t, err)
		rng := rand.New(rand.NewPCG(5, 7))
		x := make([]float64, 2)
		for range 20 {
			alone.law.Rand(x, rng)
			require.InDelta(t, alone.law.LogDensity(x), prod.law.LogDensity(x), 1e-12)
		}
	})
	// diag is a diagonal mixture on SO(3) × T²'s R⁶, its variances shared
	// in the quaternion block and free on the two angles.
	diag := &Mixture{Kind: Diagonal, Weights: []float64{0.35, 0.65},
		Means:     []float64{0.2, -0.5, 0.4, 0.1, 2.5, -1, -0.3, 0.6, 0.1, -0.2, 0, 3},
		Variances: []float64{0.3, 0.3, 0.3, 0.3, 0.6, 6, 0.9, 0.9, 0.9, 0.9, 4, 0.8}}
	for _, c := range []struct {
		name  string
		space manifold.Product
		vol   float64
		mix   *Mixture
	}{
		{"S2xT1", manifold.NewProduct(manifold.NewSphere(3), manifold.NewTorus(1)), 4 * math.Pi * 2 * math.Pi, q(4)},
		{"SO3xT2", manifold.NewProduct(manifold.NewSO3(), manifold.NewTorus(2)), 8 * math.Pi * math.Pi * 4 * math.Pi * math.Pi, q(6)},
		{"SO3xT2 diagonal", manifold.NewProduct(manifold.NewSO3(), manifold.NewTorus(2)), 8 * math.Pi * math.Pi * 4 * math.Pi * math.Pi, diag},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n, sigmas = 200000, 4.0
			_, D, err := chainGeometry(c.space)
			require.NoError(t, err)
			mix := c.mix
			ch, err := newMixtureParts(mix, c.space)
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(7, 8))
			requireVolume(t, ch, n, c.vol, rng)
			x := make([]float64, ch.md)

			const nl = 100000
			y, y2 := make([]float64, D), make([]float64, D)
			x2 := make([]float64, ch.md)
			tmp := make([]float64, 2*ch.k)
			sum, sq := make([]float64, D), make([]float64, D)
			// Cross moments of the first coordinate of the first block
			// with every coordinate of the other blocks: given k they are
			// independent, so E[y_a y_b] = Σ_k w_k m_ka m_kb.
			first := ch.cov.(prodLaw).blocks[0].D
			cross, cross2 := make([]float64, D), make([]float64, D)
			for range nl {
				ch.cover.Rand(y, rng)
				ch.cov.project(x, y)
				ch.cov.lift(y2, x, tmp, rng)
				ch.cov.project(x2, y2)
				for i := range x {
					require.InDelta(t, x[i], x2[i], 1e-12)
				}
				for i, v := range y2 {
					sum[i] += v
					sq[i] += v * v
					cross[i] += y2[0] * v
					cross2[i] += y2[0] * v * y2[0] * v
				}
			}
			for b := first; b < D; b++ {
				want := mix.Weights[0]*mix.Means[0]*mix.Means[b] + mix.Weights[1]*mix.Means[D]*mix.Means[D+b]
				m := cross[b] / nl
				assert.InDeltaf(t, want, m, sigmas*math.Sqrt((cross2[b]/nl-m*m)/nl), "E[y_0 y_%d]", b)
			}
			for i := range D {
				want := mix.Weights[0]*mix.Means[i] + mix.Weights[1]*mix.Means[D+i]
				m := sum[i] / nl
				se := math.Sqrt((sq[i]/nl - m*m) / nl)
				assert.InDeltaf(t, want, m, sigmas*se, "mean of coordinate %d", i)
				v0, v1 := mix.Variances[0], mix.Variances[1]
				if mix.Kind == Diagonal {
					v0, v1 = mix.Variances[i], mix.Variances[D+i]
				}
				w2 := mix.Weights[0]*(mix.Means[i]*mix.Means[i]+v0) + mix.Weights[1]*(mix.Means[D+i]*mix.Means[D+i]+v1)
				assert.InDeltaf(t, w2, sq[i]/nl, sigmas*math.Sqrt(3*w2*w2/nl), "second moment of coordinate %d", i)
			}
		})
	}
}

// productSampled is productTarget with exact samples (its factors'),
// which the EUBO needs.
type productSampled struct{ productTarget }

func (p productSampled) Sample(dst []float64, rng *rand.Rand) {
	p.so3.Sample(dst[:9], rng)
	p.vm.Sample(dst[9:], rng)
}

// TestLRDSProductSpace trains lrds briefly on igso3-mix × von Mises on
// SO(3) × T² (the chain on R⁶: a quaternion block and two cover angles)
// and checks log Ẑ against the exact value within zTol SE plus
// logZFloor, ESS/N above 0.3, points on the space (1e-9), E[1/w] = 1/Z through the lifted
// bridge, and that a saved model samples the same.
func TestLRDSProductSpace(t *testing.T) {
	const (
		zTol      = 4.0
		logZFloor = 0.02
	)
	tg := productSampled{newProductTarget(t)}
	z, _ := tg.LogZ()
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 10}
	m, _, err := Train("lrds", tg, &Settings{Steps: 10, Batch: 32, Hidden: []int{16}, Reference: ref, Seed: 3,
		Chains: 512, MCMCSteps: 5, RefineRounds: 4, RefineSamples: 2048})
	require.NoError(t, err)
	out, rep, err := Sample(m, tg, 4000, 5)
	require.NoError(t, err)
	t.Logf("log Z %.4f ± %.4f (exact %.4f), ESS/N %.3f, EUBO %.4f", rep.LogZ, rep.LogZStdErr, z, rep.ESSFraction, rep.EUBO)
	require.InDelta(t, z, rep.LogZ, zTol*rep.LogZStdErr+logZFloor)
	// A floor on usefulness (measured 0.686; the isotropic family alone
	// reaches about 0.1 here, a fit on wrong coordinates 0.000).
	require.Greater(t, rep.ESSFraction, 0.3)
	for i := range out.N {
		require.Less(t, tg.sp.Residual(out.Samples[i*11:(i+1)*11]), 1e-9)
	}
	requireLRDSModel(t, m, tg, tg, out, z, prodLaw{})
}

// requireLRDSModel checks a trained lrds model whose out came from
// Sample(m, tg, 4000, 5): its chain carries the cover law of cov's type
// (nil: none, R^d), the forward identity E[1/w] = 1/Z holds through the
// lifted bridge (8000 paths, requireForwardIdentity), and the saved and
// reloaded model samples the same.
func requireLRDSModel(t *testing.T, m *Model, tg Target, smp exactSampler, out sampler.Output, logZ float64, cov any) {
	t.Helper()
	c, err := m.lrdsChain()
	require.NoError(t, err)
	if cov != nil {
		require.IsType(t, cov, c.cov)
	} else {
		require.Nil(t, c.cov)
	}
	net, err := m.Control(tg)
	require.NoError(t, err)
	requireForwardIdentity(t, lrdsForward(c, net, tg, smp, 8000, 7, 2), logZ)

	path := t.TempDir() + "/m.nn"
	require.NoError(t, Save(path, m))
	got, err := Load(path, tg)
	require.NoError(t, err)
	out2, _, err := Sample(got, tg, 4000, 5)
	require.NoError(t, err)
	require.Equal(t, out.Samples, out2.Samples)
}

// TestCoverTies: on SO(3) × T² the quaternion block [0, 4) is tied; a
// diagonal mixture with unequal variances there is refused (ErrModel);
// one weighted EM step with ties gives each tied block the mean of the
// untied per-coordinate variances and leaves the rest untouched.
func TestCoverTies(t *testing.T) {
	sp := manifold.NewProduct(manifold.NewSO3(), manifold.NewTorus(2))
	require.Equal(t, [][2]int{{0, 4}}, coverTies(sp))
	require.Nil(t, coverTies(manifold.NewTorus(2)))
	bad := &Mixture{Kind: Diagonal, Weights: []float64{1}, Means: make([]float64, 6), Variances: []float64{0.3, 0.3, 0.31, 0.3, 1, 1}}
	_, err := newMixtureParts(bad, sp)
	require.ErrorIs(t, err, ErrModel)
	_, err = newMixtureParts(&Mixture{Kind: Product, Weights: []float64{1, 1, 1, 1, 1, 1}, Means: make([]float64, 6), Variances: []float64{1, 1, 1, 1, 1, 1}}, sp)
	require.ErrorIs(t, err, ErrSettings)

	// One EM step on T² × SO(3) × S² (ties [2, 6) and [6, 9)), two
	// components: the tied step equals the untied one with each tied range
	// replaced by its mean.
	sp2 := manifold.NewProduct(manifold.NewTorus(2), manifold.NewSO3(), manifold.NewSphere(3))
	ties := coverTies(sp2)
	require.Equal(t, [][2]int{{2, 6}, {6, 9}}, ties)
	rng := rand.New(rand.NewPCG(2, 3))
	const d, n = 9, 60
	x, omega := make([]float64, n*d), make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64() * float64(1+i%d)
	}
	for i := range omega {
		omega[i] = 1.0 / n
	}
	w0, m0, v0 := []float64{0.4, 0.6}, make([]float64, 2*d), make([]float64, 2*d)
	for i := range m0 {
		m0[i] = rng.NormFloat64()
		v0[i] = 2
	}
	wf, mf, vf := append([]float64(nil), w0...), append([]float64(nil), m0...), append([]float64(nil), v0...)
	weightedEM(x, d, omega, wf, mf, vf, true, nil, 1, 1e-12, make([]float64, n*2))
	wt, mt, vt := append([]float64(nil), w0...), append([]float64(nil), m0...), append([]float64(nil), v0...)
	weightedEM(x, d, omega, wt, mt, vt, true, ties, 1, 1e-12, make([]float64, n*2))
	want := append([]float64(nil), vf...)
	for k := range 2 {
		for _, tr := range ties {
			var s float64
			for c := tr[0]; c < tr[1]; c++ {
				s += vf[k*d+c]
			}
			for c := tr[0]; c < tr[1]; c++ {
				want[k*d+c] = s / float64(tr[1]-tr[0])
			}
		}
	}
	require.InDeltaSlice(t, want, vt, 1e-12)
	require.InDeltaSlice(t, wf, wt, 1e-12)
	require.InDeltaSlice(t, mf, mt, 1e-12)
}

// TestProdLawFactors compares the product law on T¹ × S² × SO(3) × T² × S¹
// (every block at a different chain and ambient offset) with the sum over
// three components of the products of the factors' own laws, each built
// from the component's block marginal (1e-10), for the isotropic and the
// tied diagonal family; and it checks that a lift far from a narrow
// component (s² = 1e-4, 100 standard deviations) goes to the nearest
// image, here and on the torus alone.
func TestProdLawFactors(t *testing.T) {
	factors := []manifold.Manifold{manifold.NewTorus(1), manifold.NewSphere(3), manifold.NewSO3(), manifold.NewTorus(2), manifold.NewSphere(2)}
	sp := manifold.NewProduct(factors...)
	_, D, err := chainGeometry(sp)
	require.NoError(t, err)
	require.Equal(t, 1+3+4+2+2, D)
	rng := rand.New(rand.NewPCG(21, 22))
	const K = 3
	for _, kind := range []string{Isotropic, Diagonal} {
		q := &Mixture{Kind: kind}
		for k := range K {
			q.Weights = append(q.Weights, 0.5+float64(k))
			for range D {
				q.Means = append(q.Means, rng.NormFloat64())
			}
		}
		ties := coverTies(sp)
		if kind == Isotropic {
			q.Variances = []float64{0.3, 0.8, 1.7}
		} else {
			for k := range K {
				v := make([]float64, D)
				for i := range v {
					v[i] = 0.2 + 2*rng.Float64()
				}
				for _, tr := range ties {
					tied := v[tr[0]] + 0.1*float64(k)
					for i := tr[0]; i < tr[1]; i++ {
						v[i] = tied
					}
				}
				q.Variances = append(q.Variances, v...)
			}
		}
		ch, err := newMixtureParts(q, sp)
		require.NoError(t, err)
		x := make([]float64, sp.AmbientDim())
		tot := floats.Sum(q.Weights)
		for range 10 {
			sp.Rand(x, rng)
			ls := make([]float64, K)
			for k := range K {
				ls[k] = math.Log(q.Weights[k] / tot)
				off := 0
				for f, fs := range factors {
					_, fd, _ := chainGeometry(fs)
					bq := &Mixture{Weights: []float64{1}, Means: q.Means[k*D+off : k*D+off+fd]}
					if kind == Isotropic {
						bq.Variances = []float64{q.Variances[k]}
					} else if _, torus := fs.(manifold.Torus); torus {
						bq.Kind, bq.Variances = Diagonal, q.Variances[k*D+off:k*D+off+fd]
					} else {
						bq.Variances = []float64{q.Variances[k*D+off]}
					}
					bc, err := newMixtureParts(bq, fs)
					require.NoError(t, err)
					ls[k] += bc.law.LogDensity(x[sp.Offset(f) : sp.Offset(f)+fs.AmbientDim()])
					off += fd
				}
			}
			require.InDelta(t, controlsde.LogSumExp(ls), ch.law.LogDensity(x), 1e-10, kind)
		}
	}
	// The lift far from a narrow component: x = −1 against m = 0, s = 0.01.
	narrow := &Mixture{Weights: []float64{1}, Means: []float64{0}, Variances: []float64{1e-4}}
	for _, s := range []manifold.Manifold{manifold.NewTorus(1), manifold.NewProduct(manifold.NewTorus(1))} {
		ch, err := newMixtureParts(narrow, s)
		require.NoError(t, err)
		y := make([]float64, 1)
		ch.cov.lift(y, []float64{-1}, make([]float64, 2), rng)
		require.InDelta(t, -1, y[0], 1e-12)
	}
}
