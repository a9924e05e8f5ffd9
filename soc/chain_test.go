package soc

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/integrate/quad"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/manifold"
)

// testMixtures are the laws of testChains on R².
var testMixtures = map[string]*Mixture{
	"isotropic": {Weights: []float64{0.3, 0.7}, Means: []float64{-1.5, 0.5, 2, -1}, Variances: []float64{0.2, 0.6}},
	"diagonal":  {Kind: Diagonal, Weights: []float64{0.3, 0.7}, Means: []float64{-1.5, 0.5, 2, -1}, Variances: []float64{0.2, 2.5, 0.6, 0.05}},
	"product":   {Kind: Product, Weights: []float64{0.8, 0.2, 0.5, 0.5}, Means: []float64{1.6, -1.7, 0.3, -0.2}, Variances: []float64{0.05, 0.07, 1, 0.3}},
}

// mixtureComp returns the weight, mean and variance of component j of
// coordinate i of q in d dimensions, read from the layout documented on
// Mixture (independently of mixtureChain.comp).
func mixtureComp(q *Mixture, d, i, j int) (w, m, s2 float64) {
	switch q.Kind {
	case Product:
		k := len(q.Weights) / d
		var tot float64
		for c := range k {
			tot += q.Weights[i*k+c]
		}
		return q.Weights[i*k+j] / tot, q.Means[i*k+j], q.Variances[i*k+j]
	case Diagonal:
		return q.Weights[j] / floats.Sum(q.Weights), q.Means[j*d+i], q.Variances[j*d+i]
	}
	return q.Weights[j] / floats.Sum(q.Weights), q.Means[j*d+i], q.Variances[j]
}

func testChains(t *testing.T) map[string]*mixtureChain {
	t.Helper()
	sch := controlsde.Geometric{Min: 0.1, Max: 2}
	grid := controlsde.UniformGrid(8, 0, 1)
	out := map[string]*mixtureChain{}
	for name, q := range testMixtures {
		c, err := newMixtureChain(q, manifold.NewEuclidean(2), sch, grid)
		require.NoError(t, err)
		out[name] = c
	}
	return out
}

// TestMixtureChainTransition checks the transition density of the exact
// chain: it integrates to one (2-D product Gauss–Legendre quadrature,
// quadTol), its gradient matches central differences (fdTol), and the
// chain's marginals match the closed form of the Föllmer process of q,
// X_t ~ Σ_c w_c N((ν_t/V) m_c, ν_t(V − ν_t)/V + (ν_t/V)² s_c²), in mean
// and variance per coordinate within 4 standard errors (n = 20000; the
// terminal law is q itself).
func TestMixtureChainTransition(t *testing.T) {
	const (
		quadTol = 1e-8
		fdTol   = 1e-6
	)
	for name, c := range testChains(t) {
		t.Run(name, func(t *testing.T) {
			s := c.scratch()
			x := []float64{0.4, -0.3}
			for k := range len(c.grid) - 1 {
				c.transition(s, k, x)
				// ∫∫ p(z | x) dz over ±12 standard deviations of the widest
				// component transition.
				var sd float64
				for _, v := range s.st.v {
					sd = math.Max(sd, math.Sqrt(v))
				}
				var mid [2]float64
				for i := range 2 {
					for j := range c.k {
						l := j // isotropic: one responsibility per component
						if c.product {
							l = i*c.k + j
						}
						mid[i] += math.Exp(s.lr[l]) * s.mu[i*c.k+j]
					}
				}
				inner := func(z0 float64) float64 {
					return quad.Fixed(func(z1 float64) float64 { return math.Exp(c.logp(s, []float64{z0, z1}, nil)) },
						mid[1]-12*sd-4, mid[1]+12*sd+4, 200, nil, 0)
				}
				total := quad.Fixed(inner, mid[0]-12*sd-4, mid[0]+12*sd+4, 200, nil, 0)
				require.InDelta(t, 1, total, quadTol, "step %d", k)
				z := []float64{0.7, -0.1}
				g := make([]float64, 2)
				c.logp(s, z, g)
				want := fd.Gradient(nil, func(z []float64) float64 { return c.logp(s, z, nil) }, z, &fd.Settings{Formula: fd.Central, Step: 1e-5})
				require.InDeltaSlice(t, want, g, fdTol)
			}
			// Marginals of the chain.
			const n = 20000
			r := newLRDSRun(c, n, true)
			_, err := r.run(nil, c.law, 3, 2)
			require.NoError(t, err)
			for _, k := range []int{3, len(c.grid) - 1} {
				nu := c.nu[k]
				f := nu / c.V
				x := r.frame(k)
				for i := range 2 {
					var m1, m2 float64
					for j := range c.k {
						w, m, s2 := mixtureComp(testMixtures[name], 2, i, j)
						v := nu*(c.V-nu)/c.V + f*f*s2
						m1 += w * f * m
						m2 += w * (v + f*f*m*m)
					}
					va := m2 - m1*m1
					var e1, e2 float64
					for p := range n {
						e1 += x[p*2+i] / n
						e2 += x[p*2+i] * x[p*2+i] / n
					}
					require.InDelta(t, m1, e1, 4*math.Sqrt(va/n), "step %d coordinate %d mean", k, i)
					require.InDelta(t, va, e2-e1*e1, 4*va*math.Sqrt(3.0/n), "step %d coordinate %d variance", k, i)
				}
			}
			// With the target equal to the reference law and no control,
			// every path weight is exactly 1.
			for _, l := range r.lw {
				require.InDelta(t, 0, l, 1e-9)
			}
		})
	}
}

// TestLRDSSampleWorkers checks that an lrds model samples the same
// output at GOMAXPROCS 1 and 2 (per-particle streams).
func TestLRDSSampleWorkers(t *testing.T) {
	tg := wells(t, 3, 0.2)
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 2}, Steps: 10}
	m, _, err := Train("lrds", tg, &Settings{Steps: 3, Batch: 16, Hidden: []int{8}, Reference: ref, Seed: 1,
		Components: 2, Chains: 64, Levels: 3, MCMCSteps: 2, Family: Product})
	require.NoError(t, err)
	prev := runtime.GOMAXPROCS(1)
	a, _, err := Sample(m, tg, 300, 7)
	runtime.GOMAXPROCS(2)
	require.NoError(t, err)
	b, _, err := Sample(m, tg, 300, 7)
	runtime.GOMAXPROCS(prev)
	require.NoError(t, err)
	require.Equal(t, a.Samples, b.Samples)
	require.Equal(t, a.LogWeights, b.LogWeights)
}

// TestLRDSForwardWeights checks the forward (target-side) path weights of
// the EUBO on a trained lrds model: E_{P*}[1/w] = 1/Z (the identity behind
// the EUBO), i.e. log mean e^{−log w} = −log Z within 4 delta-method
// standard errors (n = 20000; the refined reference keeps the EUBO gap
// small, measured 0.002, so 1/w is not heavy-tailed and the delta-method
// SE holds), and EUBO ≥ log Z.
func TestLRDSForwardWeights(t *testing.T) {
	tg := wells(t, 3, 0.4)
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 2}, Steps: 10}
	m, _, err := Train("lrds", tg, &Settings{Steps: 5, Batch: 32, Hidden: []int{8}, Reference: ref, Seed: 4,
		Components: 2, Chains: 256, Levels: 10, MCMCSteps: 5, Family: Product, RefineRounds: 6, RefineSamples: 2048})
	require.NoError(t, err)
	c, err := m.lrdsChain()
	require.NoError(t, err)
	net, err := m.Control(tg)
	require.NoError(t, err)
	const n = 20000
	lw := lrdsForward(c, net, tg, tg, n, 3, 2)
	est, eubo := requireForwardIdentity(t, lw, 0.4)
	require.GreaterOrEqual(t, eubo, 0.4-4*est.LogZStdErr)
}

// TestLRDSLossGradient checks the log-variance gradient of the lrds chain
// against central differences of the loss with the paths held fixed: θ
// enters log w only through −log p_k(X_{k+1} − Δt u_θ(t_k, X_k) | X_k), so
// L(θ) is recomputed on the recorded states for perturbed parameters.
// Tolerance fdTol (relative; step 1e-6 on a smooth loss).
func TestLRDSLossGradient(t *testing.T) {
	const fdTol = 1e-4
	tg := wells(t, 2, 0)
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 2}, Steps: 6}
	s := &Settings{Steps: 1 << 20, Batch: 16, Hidden: []int{5}, Reference: ref, Seed: 6, Workers: 1,
		Components: 2, Chains: 64, Levels: 3, MCMCSteps: 2, Family: Product, RefineRounds: 1, RefineSamples: 256}
	tr, _, _, err := newTrainer("lrds", tg, s)
	require.NoError(t, err)
	// Move the parameters off their small initial values.
	rng := rand.New(rand.NewPCG(9, 9))
	for i := range tr.net.Params() {
		tr.net.Params()[i] += 0.3 * rng.NormFloat64()
	}
	tr.net.MLP.ZeroGrad()
	loss, err := tr.lrdsLoss()
	require.NoError(t, err)
	grad := append([]float64(nil), tr.net.Grads()...)
	r := tr.lrun
	B, d, K := r.B, r.c.d, len(tr.grid)-1
	// The path-dependent part of log w that does not depend on θ.
	sc := r.c.scratch()
	base := append([]float64(nil), r.lw...)
	u := make([]float64, B*d)
	tt := make([]float64, B)
	z := make([]float64, d)
	shifted := func() []float64 {
		lw := make([]float64, B)
		for k := range K {
			for i := range tt {
				tt[i] = tr.grid[k]
			}
			x, nx := r.frame(k), r.frame(k+1)
			tr.net.Forward(u, tt, x)
			dt := tr.grid[k+1] - tr.grid[k]
			for i := range B {
				r.c.transition(sc, k, x[i*d:(i+1)*d])
				for j := range z {
					z[j] = nx[i*d+j] - dt*u[i*d+j]
				}
				lw[i] -= r.c.logp(sc, z, nil)
			}
		}
		return lw
	}
	ref0 := shifted()
	lossAt := func() float64 {
		lw := shifted()
		for i := range lw {
			lw[i] += base[i] - ref0[i]
		}
		_, v := meanVar(lw)
		return v
	}
	require.InDelta(t, loss, lossAt(), 1e-10*(1+loss), "the recomputed loss equals the training loss")
	p := tr.net.Params()
	const h = 1e-6
	for _, idx := range []int{0, 3, len(p) / 2, len(p) - 1} {
		old := p[idx]
		p[idx] = old + h
		lp := lossAt()
		p[idx] = old - h
		lm := lossAt()
		p[idx] = old
		fdv := (lp - lm) / (2 * h)
		t.Logf("parameter %d: backward %.6g, central difference %.6g", idx, grad[idx], fdv)
		require.InDelta(t, fdv, grad[idx], fdTol*(math.Abs(fdv)+1e-3), "parameter %d", idx)
		require.Greater(t, math.Abs(fdv), 1e-4, "the loss depends on parameter %d", idx)
	}
}

// requireForwardIdentity checks E[1/w] = 1/Z for forward (target-side)
// log path weights lw: log mean e^{−log w} = −logZ within 4 delta-method
// standard errors. It returns that estimate and the EUBO, mean(lw).
func requireForwardIdentity(t *testing.T, lw []float64, logZ float64) (controlsde.Estimates, float64) {
	t.Helper()
	inv := make([]float64, len(lw))
	var eubo float64
	for i, l := range lw {
		inv[i] = -l
		eubo += l / float64(len(lw))
	}
	est := controlsde.Estimate(inv)
	t.Logf("log E[1/w] = %.4f ± %.4f (want %.4f), EUBO %.4f", est.LogZ, est.LogZStdErr, -logZ, eubo)
	require.InDelta(t, -logZ, est.LogZ, 4*est.LogZStdErr)
	return est, eubo
}
