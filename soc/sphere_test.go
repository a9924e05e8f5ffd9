package soc

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/manifold"
)

// vmfTarget is Z·p on S² for a von Mises–Fisher mixture p (normalised with
// respect to the area measure), so log Z = logZ exactly.
type vmfTarget struct {
	mix  *manifold.Mixture
	logZ float64
}

func (v vmfTarget) Name() string                   { return "vmf-mix-test" }
func (v vmfTarget) Dim() int                       { return 3 }
func (v vmfTarget) LogZ() (float64, bool)          { return v.logZ, true }
func (v vmfTarget) LogDensity(x []float64) float64 { return v.mix.LogProb(x) + v.logZ }
func (v vmfTarget) GradLogDensity(dst, x []float64) float64 {
	return v.mix.LogProbScore(dst, x) + v.logZ
}

func newVMFTarget(t *testing.T) vmfTarget {
	a, err := manifold.NewVonMisesFisher([]float64{0, 0, 1}, 8)
	require.NoError(t, err)
	b, err := manifold.NewVonMisesFisher([]float64{1, 0, 0}, 8)
	require.NoError(t, err)
	mix, err := manifold.NewMixture([]float64{0.7, 0.3}, []manifold.Distribution{a, b})
	require.NoError(t, err)
	return vmfTarget{mix: mix, logZ: 0.4}
}

// TestSphereLogVar trains the log-variance objective on S² (Brownian
// reference from the uniform law, geodesic Euler–Maruyama; see RefSpec)
// for the vMF mixture 0.7 vMF(e₃, 8) + 0.3 vMF(e₁, 8) scaled by e^{0.4}.
// The weights are exact for the chain (the uniform law is invariant under
// the geodesic random walk), so log Ẑ must be within zTol standard errors
// (plus logZFloor) of 0.4, ESS/N must beat the zero control's, samples must
// lie on the sphere, and a saved model must sample identically.
func TestSphereLogVar(t *testing.T) {
	const (
		zTol      = 4.0
		logZFloor = 0.02
	)
	tg := newVMFTarget(t)
	s2 := manifold.NewSphere(3)
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1.5}, Steps: 20}
	m, _, err := Train("logvar", tg, &Settings{Steps: 400, Batch: 128, Hidden: []int{32, 32}, Reference: ref, Seed: 3, Space: s2})
	require.NoError(t, err)
	require.Equal(t, "s2", m.Space)
	out, rep, err := Sample(m, tg, 2000, 5)
	require.NoError(t, err)
	for i := range out.N {
		require.InDelta(t, 0, s2.Residual(out.Samples[i*3:(i+1)*3]), 1e-9)
	}
	p, grid, err := m.Problem(tg)
	require.NoError(t, err)
	p.Control = nil
	res, err := controlsde.Simulate(p, &controlsde.Settings{Grid: grid, Particles: 2000, Seed: 5}, controlsde.EulerMaruyama{})
	require.NoError(t, err)
	t.Logf("log Z %.4f ± %.4f (exact 0.4), ESS/N %.3f (zero control %.3f)", rep.LogZ, rep.LogZStdErr, rep.ESSFraction, res.Estimates.ESS)
	require.InDelta(t, 0.4, rep.LogZ, zTol*rep.LogZStdErr+logZFloor)
	require.Greater(t, rep.ESSFraction, res.Estimates.ESS)

	path := t.TempDir() + "/s2.nn"
	require.NoError(t, Save(path, m))
	got, err := Load(path, tg)
	require.NoError(t, err)
	out2, _, err := Sample(got, tg, 2000, 5)
	require.NoError(t, err)
	require.Equal(t, out.Samples, out2.Samples)
	require.False(t, math.IsNaN(rep.ELBO))

	_, _, err = Train("lrds", tg, &Settings{Space: s2, Family: Product})
	require.ErrorIs(t, err, ErrSettings)
}
