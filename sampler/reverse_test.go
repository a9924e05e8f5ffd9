package sampler

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
)

// TestReverseAIS checks the EUBO of reverse AIS on TwoModes (exact
// samples, log Z = 0): ELBO ≤ log Z ≤ EUBO (the bounds hold in
// expectation; the gaps at these settings, measured 3.4–40 nats, are far
// above the Monte Carlo error of a 500-sample mean), the EUBO gap
// shrinks with more temperatures (more annealing means a smaller KL), and
// the reverse particles are counted.
func TestReverseAIS(t *testing.T) {
	tg, err := datasets.Lookup("twomodes")
	require.NoError(t, err)
	var gaps []float64
	for _, temps := range []int{5, 50} {
		a := AIS{Temps: temps, MoveSteps: 2, Reverse: 500, Pilot: -1}
		_, r, err := Sample(Problem{Target: tg, Dim: tg.Dim()}, &Settings{N: 500, Seed: 3}, a)
		require.NoError(t, err)
		t.Logf("temps %d: ELBO %.3f, log Z %.3f, EUBO %.3f", temps, r.ELBO, r.LogZ, r.EUBO)
		require.Greater(t, r.EUBO, 0.0)
		require.Less(t, r.ELBO, 0.0)
		require.EqualValues(t, (500+500)*(1+temps*2), r.EnergyEvals)
		gaps = append(gaps, r.EUBO)
	}
	require.Less(t, gaps[1], gaps[0])

	// A target without exact samples.
	_, _, err = Sample(Problem{Target: gaussian(t, []float64{0}, 1, 0), Dim: 1}, &Settings{N: 10, Seed: 1}, AIS{Temps: 2, Reverse: 5})
	require.ErrorIs(t, err, ErrBadInput)
}

// sampled gives a GaussianMixture the exact sampler of datasets.Sampler.
type sampled struct{ *controlsde.GaussianMixture }

func (s sampled) Sample(dst []float64, rng *rand.Rand) { s.Rand(dst, rng) }

// TestReverseAISWeights checks the reverse-AIS log-weights themselves on
// N((1, −0.5), 0.5 I) scaled by e^{0.3} in R²: E_rev[1/w] = 1/Z, i.e.
// log mean e^{−log w} = −0.3 within 4 delta-method standard errors
// (n = 4000; the EUBO gap is small, so 1/w is not heavy-tailed), with the
// pilot-tuned steps of AIS.run.
func TestReverseAISWeights(t *testing.T) {
	g, err := controlsde.NewGaussianMixture([]float64{1}, []float64{1, -0.5}, []float64{0.5}, 0.3)
	require.NoError(t, err)
	tg := sampled{g}
	a, err := AIS{Temps: 30, MoveSteps: 3}.withDefaults()
	require.NoError(t, err)
	e := &env{t: NewCounting(tg), space: manifold.NewEuclidean(2), flat: true, d: 2, n: 1000, seed: 2, workers: 2}
	ks := e.kernels(a.RefSigma)
	betas := betaSchedule(a.Temps, a.Power)
	hs := make([]float64, len(betas))
	e.anneal(e.newPopulation(a.Pilot, e.n, ks), ks, betas, hs, nil, a.MoveSteps, a.Step)
	lw := e.reverseAIS(tg, ks, betas, hs, 4000, e.n+a.Pilot, a.MoveSteps)
	inv := make([]float64, len(lw))
	var eubo float64
	for i, l := range lw {
		inv[i] = -l
		eubo += l / float64(len(lw))
	}
	est := controlsde.Estimate(inv)
	t.Logf("log E[1/w] = %.4f ± %.4f (want −0.3), EUBO %.4f", est.LogZ, est.LogZStdErr, eubo)
	require.InDelta(t, -0.3, est.LogZ, 4*est.LogZStdErr)
	require.Greater(t, eubo, 0.3)
}

// reverseSMCStats runs SMC{Reverse: r} on tg with n particles for the m
// seeds base, …, base+m−1 (one worker) and returns the mean of
// R̂ = e^{−EUBO} and of the EUBO with their standard errors over the seeds
// (each run is independent, so the SE is the sample SD / √m).
func reverseSMCStats(t *testing.T, tg Target, s SMC, n, m int, base uint64) (r, rSE, eubo, euboSE float64) {
	t.Helper()
	var sr, sr2, se, se2 float64
	for k := range m {
		_, rep, err := Run(tg, Options{N: n, Seed: base + uint64(k), Workers: 1, ExactSamples: -1}, s)
		require.NoError(t, err)
		x := math.Exp(-rep.EUBO)
		sr += x
		sr2 += x * x
		se += rep.EUBO
		se2 += rep.EUBO * rep.EUBO
	}
	mf := float64(m)
	r, eubo = sr/mf, se/mf
	return r, math.Sqrt((sr2/mf - r*r) / (mf - 1)), eubo, math.Sqrt((se2/mf - eubo*eubo) / (mf - 1))
}

// sampledMixture1D is the 1-D two-mode mixture 0.3 N(−2, 0.25) +
// 0.7 N(2, 0.25) scaled by e^{0.7}, so log Z = 0.7 exactly (controlsde's
// logScale), with its exact sampler.
func sampledMixture1D(t *testing.T) sampled {
	g, err := controlsde.NewGaussianMixture([]float64{0.3, 0.7}, []float64{-2, 2}, []float64{0.25, 0.25}, 0.7)
	require.NoError(t, err)
	return sampled{g}
}

// TestReverseSMCUnbiased checks the identity behind the SMC EUBO,
// E[R̂] = 1/Z with R̂ = e^{−EUBO} the reverse-SMC estimate, over m
// independent runs (seeds 0…m−1) with few particles (N = 20 forward,
// 10 reverse, CESS 0.9, 2 moves per stage), so that each R̂ is far from
// 1/Z and the bias of a wrong reverse run shows: within tolUnbiased
// standard errors of the mean over seeds. Reference values: log Z = 0.7
// for the mixture (its logScale), 0 for vmf-s2 (normalised von
// Mises–Fisher mixture, datasets). Measured: mixture 0.5044 ± 0.0106
// against 1/Z = 0.4966 (z = 0.74), EUBO 0.981 ± 0.017; vmf-s2 0.9763 ±
// 0.0132 against 1 (z = −1.79; over seeds 50000…55999 it is 1.0107 ±
// 0.0081, z = 1.32: R̂ is right-skewed, so a finite mean tends to fall
// short), EUBO 0.169 ± 0.012.
// Moving the reverse particles with the kernel of β_s instead of β_{s−1}
// gives 0.251 ± 0.003 (z = −72), so the test has power. The EUBO itself
// must be ≥ log Z − 3 SE (Jensen: E[EUBO] ≥ log Z).
func TestReverseSMCUnbiased(t *testing.T) {
	const tolUnbiased = 4 // standard errors
	vmf, err := datasets.Lookup("vmf-s2")
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		tg   Target
		logZ float64
		m    int
	}{
		{"mixture-1d", sampledMixture1D(t), 0.7, 2000},
		{"vmf-s2", vmf, 0, 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, rSE, eubo, euboSE := reverseSMCStats(t, tc.tg, SMC{Reverse: 10, MoveSteps: 2, CESS: 0.9}, 20, tc.m, 0)
			want := math.Exp(-tc.logZ)
			t.Logf("E[R̂] = %.4f ± %.4f, 1/Z = %.4f (z = %.2f); EUBO %.4f ± %.4f, log Z %.4f", r, rSE, want, (r-want)/rSE, eubo, euboSE, tc.logZ)
			require.InDelta(t, want, r, tolUnbiased*rSE)
			require.GreaterOrEqual(t, eubo, tc.logZ-3*euboSE)
		})
	}
}

// TestReverseSMCLadder checks that the EUBO gap shrinks as the ladder
// gets finer: on the 1-D mixture (log Z = 0.7) the mean EUBO over 200
// seeds decreases from CESS 0.5 to 0.9 to 0.99 (measured: 1.526 ± 0.080,
// 0.946 ± 0.055, 0.736 ± 0.016) and stays above log Z − 3 SE.
func TestReverseSMCLadder(t *testing.T) {
	tg := sampledMixture1D(t)
	prev := math.Inf(1)
	for _, cess := range []float64{0.5, 0.9, 0.99} {
		_, _, eubo, se := reverseSMCStats(t, tg, SMC{Reverse: 10, MoveSteps: 2, CESS: cess}, 20, 200, 1000)
		t.Logf("CESS %.2f: EUBO %.4f ± %.4f (log Z 0.7)", cess, eubo, se)
		require.Less(t, eubo, prev)
		require.Greater(t, eubo, 0.7-3*se)
		prev = eubo
	}
}

// TestReverseSMCRun checks on twomodes (R²) and vmf-s2 (S²) that the
// reverse run leaves the forward run untouched (same samples, weights and
// log Ẑ as without it), that its EUBO does not depend on Workers and is
// the same for the same seed, that RunBaseline's EUBO option sets it, and
// that its evaluations are counted: with S = (F/N − 1)/MoveSteps stages
// read off the forward count F, the total is
// F + Reverse·(1 + (S−1)·MoveSteps) energy evaluations (gradients as well
// on R^d, none on S²).
func TestReverseSMCRun(t *testing.T) {
	const n, rev, steps = 200, 150, 3
	for _, name := range []string{"twomodes", "vmf-s2"} {
		t.Run(name, func(t *testing.T) {
			tg, err := datasets.Lookup(name)
			require.NoError(t, err)
			opts := Options{N: n, Seed: 7, Workers: 1, ExactSamples: -1}
			out0, r0, err := Run(tg, opts, SMC{MoveSteps: steps})
			require.NoError(t, err)
			require.True(t, math.IsNaN(r0.EUBO))
			out1, r1, err := Run(tg, opts, SMC{MoveSteps: steps, Reverse: rev})
			require.NoError(t, err)
			require.Equal(t, out0.Samples, out1.Samples)
			require.Equal(t, out0.LogWeights, out1.LogWeights)
			require.Equal(t, r0.LogZ, r1.LogZ)
			require.False(t, math.IsNaN(r1.EUBO))

			f := r0.EnergyEvals
			require.Zero(t, (f/n-1)%steps, "forward count N·(1 + S·MoveSteps)")
			s := (f/n - 1) / steps
			require.EqualValues(t, f+rev*(1+(s-1)*steps), r1.EnergyEvals)
			if name == "twomodes" {
				require.Equal(t, r1.EnergyEvals, r1.GradEvals)
			} else {
				require.Zero(t, r1.GradEvals)
			}
			t.Logf("S = %d stages, energy evals %d forward + %d reverse, EUBO %.4f, log Ẑ %.4f", s, f, r1.EnergyEvals-f, r1.EUBO, r1.LogZ)

			opts.Workers = 2
			_, r2, err := Run(tg, opts, SMC{MoveSteps: steps, Reverse: rev})
			require.NoError(t, err)
			require.Equal(t, r1.EUBO, r2.EUBO)
			_, r3, err := Run(tg, opts, SMC{MoveSteps: steps, Reverse: rev})
			require.NoError(t, err)
			require.Equal(t, r1.EUBO, r3.EUBO)

			_, rb, err := RunBaseline("smc", tg, Options{N: 50, Seed: 1, ExactSamples: -1, EUBO: true})
			require.NoError(t, err)
			require.False(t, math.IsNaN(rb.EUBO))
		})
	}

	// A target without exact samples is refused before any evaluation.
	_, r, err := Sample(Problem{Target: gaussian(t, []float64{0}, 1, 0), Dim: 1}, &Settings{N: 10, Seed: 1}, SMC{Reverse: 5})
	require.ErrorIs(t, err, ErrBadInput)
	require.Zero(t, r.EnergyEvals)
}
