package soc

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
)

// namedProduct gives a controlsde.ProductMixture the Name of a Target.
type namedProduct struct {
	*controlsde.ProductMixture
	name string
}

func (n namedProduct) Name() string { return n.name }

// Sample draws an exact sample (datasets.Sampler), enabling the EUBO.
func (n namedProduct) Sample(dst []float64, rng *rand.Rand) { n.Rand(dst, rng) }

// wells returns the product of d unequal two-well coordinates,
// 0.8 N(1.5, 0.05) + 0.2 N(−1.5, 0.05), scaled by e^{logZ}: 2^d modes
// whose weights a mode-blind MCMC fit gets wrong.
func wells(t *testing.T, d int, logZ float64) namedProduct {
	t.Helper()
	var w, m, v []float64
	for range d {
		w = append(w, 0.8, 0.2)
		m = append(m, 1.5, -1.5)
		v = append(v, 0.05, 0.05)
	}
	p, err := controlsde.NewProductMixture(d, 2, w, m, v, logZ)
	require.NoError(t, err)
	return namedProduct{p, "wells"}
}

// rightWeights returns the weight of the component with the positive mean
// for each coordinate of a two-component product mixture.
func rightWeights(q Mixture) []float64 {
	var r []float64
	for i := 0; i < len(q.Weights); i += 2 {
		if q.Means[i] > q.Means[i+1] {
			r = append(r, q.Weights[i])
		} else {
			r = append(r, q.Weights[i+1])
		}
	}
	return r
}

// TestFitProductMixture fits two components per coordinate to 4000 exact
// draws of a 3-D product mixture; fitTol covers several Monte Carlo
// standard errors (weight SE √(0.16/4000) ≈ 0.006).
func TestFitProductMixture(t *testing.T) {
	const fitTol = 0.05
	tg := wells(t, 3, 0)
	rng := rand.New(rand.NewPCG(1, 7))
	x := make([]float64, 4000*3)
	for i := range 4000 {
		tg.Rand(x[i*3:(i+1)*3], rng)
	}
	q, err := FitProductMixture(x, 3, 2, 50, 1e-4, rng)
	require.NoError(t, err)
	require.Equal(t, Product, q.Kind)
	require.Len(t, q.Weights, 6)
	for _, w := range rightWeights(q) {
		require.InDelta(t, 0.8, w, fitTol)
	}
	for i, m := range q.Means {
		require.InDelta(t, 1.5, math.Abs(m), fitTol, "mean %d", i)
		require.InDelta(t, 0.05, q.Variances[i], fitTol/5, "variance %d", i)
	}
	// Three components on two-mode data: none is lost (a dropped one is
	// split back), and the law is a valid product mixture.
	q3, err := FitProductMixture(x, 3, 3, 50, 1e-4, rng)
	require.NoError(t, err)
	require.Len(t, q3.Weights, 9)
	_, err = q3.law(3)
	require.NoError(t, err)

	_, err = FitProductMixture(x[:3], 3, 2, 10, 1e-4, rng)
	require.ErrorIs(t, err, ErrSettings)
}

// TestRefineMixture starts from the product reference with the mode
// weights an MCMC fit without mode hopping gives (½, ½) on an 8-D product
// of unequal wells (2⁸ modes, right weight 0.8). The untempered importance
// weights of that reference have ESS/N ≈ 1/(1 + 0.36)^8 ≈ 0.09 (χ² of the
// per-coordinate weights); refinement must restore the weights within
// weightTol and lift ESS/N above essMin.
func TestRefineMixture(t *testing.T) {
	const (
		weightTol = 0.03
		essMin    = 0.8
	)
	d := 8
	tg := wells(t, d, 1.2)
	var q Mixture
	q.Kind = Product
	for range d {
		q.Weights = append(q.Weights, 0.5, 0.5)
		q.Means = append(q.Means, 1.45, -1.55)
		q.Variances = append(q.Variances, 0.06, 0.04)
	}
	count := &countTarget{Target: tg}
	r, st, err := RefineMixture(q, count, d, 2048, 6, 5, 1e-4, rand.New(rand.NewPCG(3, 3)))
	require.NoError(t, err)
	t.Logf("beta %v ESS %v", st.Beta, st.ESS)
	require.Equal(t, 6*2048, count.n, "one target evaluation per draw")
	require.Less(t, st.ESS[0], 0.2)
	require.Greater(t, st.ESS[len(st.ESS)-1], essMin)
	require.Equal(t, 1.0, st.Beta[len(st.Beta)-1])
	for _, w := range rightWeights(r) {
		require.InDelta(t, 0.8, w, weightTol)
	}
	// The input is not modified.
	require.Equal(t, 0.5, q.Weights[0])

	// The isotropic family: 0.7/0.3 two-mode target in R², refined from
	// equal weights.
	g, err := controlsde.NewGaussianMixture([]float64{0.7, 0.3}, []float64{-2, 0, 2, 1}, []float64{0.2, 0.2}, 0)
	require.NoError(t, err)
	qi := Mixture{Weights: []float64{0.5, 0.5}, Means: []float64{-1.9, 0.1, 2.1, 0.9}, Variances: []float64{0.3, 0.3}}
	ri, _, err := RefineMixture(qi, g, 2, 2048, 4, 5, 1e-4, rand.New(rand.NewPCG(4, 4)))
	require.NoError(t, err)
	a := 0
	if ri.Means[0] > 0 {
		a = 1
	}
	require.InDelta(t, 0.7, ri.Weights[a], weightTol)
	require.InDelta(t, 0.2, ri.Variances[a], 0.03)

	_, _, err = RefineMixture(q, tg, d, 1, 1, 1, 1e-4, rand.New(rand.NewPCG(4, 4)))
	require.ErrorIs(t, err, ErrSettings)
}

// countTarget counts LogDensity calls.
type countTarget struct {
	controlsde.Target
	n int
}

func (c *countTarget) LogDensity(x []float64) float64 { c.n++; return c.Target.LogDensity(x) }

// TestLRDSProduct trains lrds with the refined product reference on the
// 6-D product of unequal wells (64 modes, log Z = 0.9) and checks log Ẑ
// within zTol standard errors plus logZFloor, ESS/N above essMin (the
// uncorrected ½/½ reference would give about 0.16), and that the model
// file keeps the product reference.
func TestLRDSProduct(t *testing.T) {
	const (
		zTol      = 4.0
		logZFloor = 0.02
		essMin    = 0.3
	)
	tg := wells(t, 6, 0.9)
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "geometric", A: 0.05, B: 2}, Steps: 40}
	s := &Settings{Steps: 30, Batch: 64, Hidden: []int{16}, Reference: ref, Seed: 5,
		Components: 2, Chains: 256, Levels: 10, MCMCSteps: 5, Family: Product, RefineRounds: 4, RefineSamples: 1024}
	m, rep, err := Train("lrds", tg, s)
	require.NoError(t, err)
	require.Equal(t, Product, m.Mixture.Kind)
	require.GreaterOrEqual(t, rep.EnergyEvals, int64(4*1024), "refinement evaluations are counted")
	_, srep, err := Sample(m, tg, 2000, 9)
	require.NoError(t, err)
	t.Logf("log Z %.4f ± %.4f, ESS/N %.3f, weights %v", srep.LogZ, srep.LogZStdErr, srep.ESSFraction, rightWeights(*m.Mixture))
	require.InDelta(t, 0.9, srep.LogZ, zTol*srep.LogZStdErr+logZFloor)
	require.Greater(t, srep.ESSFraction, essMin)

	path := filepath.Join(t.TempDir(), "m.json")
	require.NoError(t, Save(path, m))
	l, err := Load(path, tg)
	require.NoError(t, err)
	require.Equal(t, m.Mixture, l.Mixture)
	_, lrep, err := Sample(l, tg, 2000, 9)
	require.NoError(t, err)
	require.Equal(t, srep.LogZ, lrep.LogZ, "a loaded model samples bit for bit like the trained one")

	_, _, err = Train("lrds", tg, &Settings{Family: "full"})
	require.ErrorIs(t, err, ErrSettings)
}

// TestLRDSAutoFamily: with Family "auto" both families are fitted and
// refined; on a product of unequal wells (16 modes) the product family
// must win, and on a two-component mixture with correlated means
// ((−2, −2) and (2, 2): not a product law) the isotropic one.
func TestLRDSAutoFamily(t *testing.T) {
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 2}, Steps: 10}
	s := &Settings{Steps: 1, Batch: 16, Hidden: []int{8}, Reference: ref, Seed: 2,
		Components: 2, Chains: 256, Levels: 10, MCMCSteps: 5, RefineRounds: 3, RefineSamples: 1024}
	m, _, err := Train("lrds", wells(t, 4, 0), s)
	require.NoError(t, err)
	require.Equal(t, Product, m.Mixture.Kind)

	g, err := controlsde.NewGaussianMixture([]float64{0.5, 0.5}, []float64{-2, -2, 2, 2}, []float64{0.1, 0.1}, 0)
	require.NoError(t, err)
	m, _, err = Train("lrds", named{g, "diag"}, s)
	require.NoError(t, err)
	require.Equal(t, Isotropic, m.Mixture.Kind)

	_, _, err = Train("lrds", named{g, "diag"}, &Settings{RefineRounds: -1})
	require.ErrorIs(t, err, ErrSettings, "auto needs a refinement")
}

func TestPick(t *testing.T) {
	for _, c := range []struct {
		name          string
		ess, logZ, se []float64
		want          int
	}{
		// A law that dropped the major mode of TwoModes: perfect ESS,
		// log Ẑ = log ⅓.
		{"collapsed", []float64{0.999, 0.95}, []float64{-1.0986, 0.001}, []float64{0.001, 0.005}, 1},
		// A broad law with a lucky, unreliable estimate against a good one.
		{"lucky", []float64{0.003, 0.94}, []float64{1.96, 0.008}, []float64{0.88, 0.008}, 1},
		// Both cover the target: the larger ESS wins.
		{"both", []float64{0.5, 0.8}, []float64{0.01, -0.005}, []float64{0.02, 0.01}, 1},
		{"first", []float64{0.9, 0.8}, []float64{0.01, -0.005}, []float64{0.02, 0.01}, 0},
		// No reliable estimate: the rule falls back to all of them.
		{"unreliable", []float64{0.01, 0.02}, []float64{-3, 0.5}, []float64{0.1, 0.3}, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Equal(t, c.want, pick(c.ess, c.logZ, c.se))
		})
	}
}

// TestLRDSAutoTwoModes: on TwoModes (d = 5) a product of per-coordinate
// mixtures can settle on the minor mode alone with a perfect ESS; auto
// must keep a law that holds both modes, and the sampler must give the
// left mode its weight 2/3 within weightTol.
func TestLRDSAutoTwoModes(t *testing.T) {
	const weightTol = 0.05
	tg, err := datasets.Lookup("twomodes")
	require.NoError(t, err)
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 10}
	// Default network and lrds settings with seed 1: the reference fit is
	// the one that collapsed under a max-ESS choice (bench/table).
	m, _, err := Train("lrds", tg, &Settings{Steps: 1, Batch: 16, Reference: ref, Seed: 1})
	require.NoError(t, err)
	out, rep, err := Sample(m, tg, 2000, 3)
	require.NoError(t, err)
	var left []float64
	for i := range out.N {
		if out.Samples[i*5] < 0 {
			left = append(left, out.LogWeights[i])
		}
	}
	wLeft := math.Exp(controlsde.LogSumExp(left) - controlsde.LogSumExp(out.LogWeights))
	t.Logf("family %q, weighted left mass %.3f, log Z %.4f ± %.4f", m.Mixture.Kind, wLeft, rep.LogZ, rep.LogZStdErr)
	require.InDelta(t, 2.0/3, wLeft, weightTol)
	require.InDelta(t, 0, rep.LogZ, 4*rep.LogZStdErr+0.02)
}

// TestLRDSManifoldSettings: lrds on a sphere takes the isotropic family
// only and no gradient term, and a product with a Euclidean factor is
// rejected by name.
func TestLRDSManifoldSettings(t *testing.T) {
	tg, err := datasets.Lookup("vmf-s2")
	require.NoError(t, err)
	for _, fam := range []string{Product, Diagonal} {
		_, _, err = Train("lrds", tg, &Settings{Steps: 1, Family: fam})
		require.ErrorIs(t, err, ErrSettings)
		require.Contains(t, err.Error(), "isotropic")
	}
	_, _, err = Train("lrds", tg, &Settings{Steps: 1, GradTerm: true})
	require.ErrorIs(t, err, ErrSettings)
	require.Contains(t, err.Error(), "gradient term")
	mixed := manifold.NewProduct(manifold.NewSO3(), manifold.NewEuclidean(2))
	_, _, err = Train("lrds", gaussian(make([]float64, 11), 1, 0), &Settings{Steps: 1, Space: mixed})
	require.ErrorIs(t, err, ErrSettings)
	require.Contains(t, err.Error(), "lrds on a product needs tori, spheres and SO(3) factors")
}
