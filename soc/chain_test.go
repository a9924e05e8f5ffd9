package soc

import (
	"math"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/integrate/quad"

	"github.com/geosoc/geosoc/controlsde"
)

func testChains(t *testing.T) map[string]*mixtureChain {
	t.Helper()
	sch := controlsde.Geometric{Min: 0.1, Max: 2}
	grid := controlsde.UniformGrid(8, 0, 1)
	iso := &Mixture{Weights: []float64{0.3, 0.7}, Means: []float64{-1.5, 0.5, 2, -1}, Variances: []float64{0.2, 0.6}}
	prod := &Mixture{Kind: Product, Weights: []float64{0.8, 0.2, 0.5, 0.5}, Means: []float64{1.6, -1.7, 0.3, -0.2}, Variances: []float64{0.05, 0.07, 1, 0.3}}
	out := map[string]*mixtureChain{}
	for name, q := range map[string]*Mixture{"isotropic": iso, "product": prod} {
		c, err := newMixtureChain(q, 2, sch, grid)
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
						lw, m, s2 := c.comp(i, j)
						w := math.Exp(lw)
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
