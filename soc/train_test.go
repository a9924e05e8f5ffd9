package soc

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
)

// zeroESS returns the estimates of the uncontrolled reference (u = 0)
// of model m on target with n paths.
func zeroEstimates(t *testing.T, m *Model, target controlsde.Target, n int, seed uint64) controlsde.Estimates {
	p, grid, err := m.Problem(target)
	require.NoError(t, err)
	p.Control = nil
	res, err := controlsde.Simulate(p, &controlsde.Settings{Grid: grid, Particles: n, Seed: seed}, controlsde.Exact{})
	require.NoError(t, err)
	return res.Estimates
}

// TestGaussianConvergence trains each objective briefly on the Gaussian
// target N(m, s² I) in R^2 (m = (1, −0.5), s² = 0.5, log Z = 0.7) and
// checks:
//
//   - Brownian references: the learned control is close to the
//     closed-form optimal control, the Föllmer drift (controlsde.Follmer
//     with a one-component mixture): the RMS error over the grid
//     t ∈ {0.1, …, 0.9} × 200 points x ~ N(0, 1.5² I) is at most
//     follmerRatio times that of the zero control;
//   - every reference: log Ẑ from 2000 paths is within zTol standard
//     errors (plus a floor logZFloor for the delta-method SE's own error)
//     of the exact value, and ESS/N exceeds that of the zero control.
func TestGaussianConvergence(t *testing.T) {
	const (
		follmerRatio = 0.35
		zTol         = 4.0
		logZFloor    = 0.02
	)
	tg := gaussian([]float64{1, -0.5}, 0.5, 0.7)
	rng := rand.New(rand.NewPCG(1, 2))
	pts := make([]float64, 200*2)
	for i := range pts {
		pts[i] = 1.5 * rng.NormFloat64()
	}
	vp := &RefSpec{Kind: "vp", Variance: 1, Sigma: ScheduleSpec{Kind: "linear", A: 0.1, B: 6}, Steps: 20}
	for _, tc := range []struct {
		name, method string
		ref          *RefSpec
		follmer      bool
		batch        int
	}{
		{"adjoint", "adjoint", &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "geometric", A: 0.05, B: 3}, Steps: 20}, true, 512},
		{"logvar-pis", "logvar", &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1.5}, Steps: 20}, true, 128},
		{"logvar-dds", "logvar", vp, false, 128},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, rep, err := Train(tc.method, tg, &Settings{Steps: 400, Batch: tc.batch, Hidden: []int{32, 32}, Reference: tc.ref, Seed: 5, BufferSize: 512, Refresh: 10})
			require.NoError(t, err)
			require.Positive(t, rep.EnergyEvals)
			if tc.follmer {
				sch, err := m.Ref.Sigma.Schedule()
				require.NoError(t, err)
				fol := controlsde.NewFollmer(tg.GaussianMixture, sch, 1)
				net, err := m.Control(nil)
				require.NoError(t, err)
				zero := controlsde.ControlFunc{Dim: 2, F: func(dst []float64, _ float64, _ []float64) { clear(dst) }}
				ratio := controlL2(net, fol, pts, 2) / controlL2(zero, fol, pts, 2)
				t.Logf("RMS error ratio vs zero control: %.3f", ratio)
				require.Less(t, ratio, follmerRatio)
			}
			_, srep, err := Sample(m, tg, 2000, 11)
			require.NoError(t, err)
			z0 := zeroEstimates(t, m, tg, 2000, 11)
			t.Logf("log Z %.4f ± %.4f (exact 0.7), ESS/N %.3f (zero control %.3f)", srep.LogZ, srep.LogZStdErr, srep.ESSFraction, z0.ESS)
			require.InDelta(t, 0.7, srep.LogZ, zTol*srep.LogZStdErr+logZFloor)
			require.Greater(t, srep.ESSFraction, z0.ESS)
			require.Equal(t, 0.7, srep.ExactLogZ)
			// EUBO ≥ log Z ≥ ELBO up to Monte Carlo error (euboTol: a few
			// standard errors of the means of 2000 log-weights).
			const euboTol = 0.05
			if tc.follmer {
				t.Logf("ELBO %.4f, EUBO %.4f", srep.ELBO, srep.EUBO)
				require.GreaterOrEqual(t, srep.EUBO, 0.7-euboTol)
				require.LessOrEqual(t, srep.ELBO, 0.7+euboTol)
			} else {
				require.True(t, math.IsNaN(srep.EUBO))
			}
		})
	}
}

// TestTwoModes trains the log-variance objective on the 1-D mixture
// (2/3) N(−2, 0.1) + (1/3) N(2, 0.1) and checks that both modes are found:
// each holds at least minShare of the unweighted samples, and the
// self-normalised weight of the left mode is 2/3 within weightTol.
func TestTwoModes(t *testing.T) {
	const (
		minShare  = 0.1
		weightTol = 0.05
	)
	tg := twoModes1D()
	ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 2}, Steps: 20}
	m, _, err := Train("logvar", tg, &Settings{Steps: 150, Batch: 128, Hidden: []int{32, 32}, Reference: ref, Seed: 2})
	require.NoError(t, err)
	out, rep, err := Sample(m, tg, 2000, 4)
	require.NoError(t, err)
	var left int
	lw := make([]float64, 0, out.N)
	lwLeft := make([]float64, 0, out.N)
	for i := range out.N {
		lw = append(lw, out.LogWeights[i])
		if out.Samples[i] < 0 {
			left++
			lwLeft = append(lwLeft, out.LogWeights[i])
		}
	}
	share := float64(left) / float64(out.N)
	wLeft := math.Exp(controlsde.LogSumExp(lwLeft) - controlsde.LogSumExp(lw))
	t.Logf("left share %.3f, weighted left mass %.3f, log Z %.4f ± %.4f, ESS/N %.3f", share, wLeft, rep.LogZ, rep.LogZStdErr, rep.ESSFraction)
	require.Greater(t, share, minShare)
	require.Less(t, share, 1-minShare)
	require.InDelta(t, 2.0/3, wLeft, weightTol)
}

func TestProgress(t *testing.T) {
	var steps []int
	var last float64
	s := &Settings{Steps: 5, Batch: 16, Hidden: []int{8}, Seed: 3, Progress: func(step, total int, loss float64) {
		require.Equal(t, 5, total)
		steps = append(steps, step)
		last = loss
	}}
	_, _, err := Train("logvar", gaussian([]float64{1, -0.5}, 0.5, 0.7), s)
	require.NoError(t, err)
	require.Equal(t, []int{1, 2, 3, 4, 5}, steps)
	require.False(t, math.IsNaN(last))
}
