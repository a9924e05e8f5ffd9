package sampler

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
)

// gaussian returns N(mean, v·I) in d = len(mean) scaled by Z = e^{logZ}.
func gaussian(t *testing.T, mean []float64, v, logZ float64) *controlsde.GaussianMixture {
	g, err := controlsde.NewGaussianMixture([]float64{1}, mean, []float64{v}, logZ)
	require.NoError(t, err)
	return g
}

func TestMALAStationaryMoments(t *testing.T) {
	mean := []float64{1, -0.5}
	const v = 0.5
	g := gaussian(t, mean, v, 0)
	const n = 2000
	out, r, err := Sample(Problem{Target: g, Dim: 2}, &Settings{N: n, Seed: 7}, MALA{Steps: 200})
	require.NoError(t, err)
	// The final states of independent chains are (nearly) exact draws of
	// N(mean, v I): their sample mean has SE √(v/n) and their sample
	// variance SE v√(2/(n−1)); the test allows 4 SE.
	for j := range 2 {
		var s, s2 float64
		for i := range n {
			x := out.Samples[i*2+j]
			s += x
			s2 += x * x
		}
		m := s / n
		va := s2/n - m*m
		assert.InDelta(t, mean[j], m, 4*math.Sqrt(v/n), "mean %d", j)
		assert.InDelta(t, v, va, 4*v*math.Sqrt(2.0/(n-1)), "variance %d", j)
	}
	assert.True(t, math.IsNaN(r.LogZ))
	assert.InDelta(t, MALAAccept, r.AcceptRate, 0.1)
	// Budget: one gradient at the start and one per step and chain.
	assert.EqualValues(t, n*(200+1), r.GradEvals)
	assert.EqualValues(t, n*(200+1), r.EnergyEvals)
}

// logZOverSeeds returns the mean of log Ẑ over seeds 1…R and its standard
// error sd/√R (the SE used by the log Z tests: repeated seeds).
func logZOverSeeds(t *testing.T, tg Target, dim, R, n int, m Method) (mean, se float64) {
	var s, s2 float64
	for seed := 1; seed <= R; seed++ {
		_, r, err := Sample(Problem{Target: tg, Dim: dim}, &Settings{N: n, Seed: uint64(seed)}, m)
		require.NoError(t, err)
		s += r.LogZ
		s2 += r.LogZ * r.LogZ
	}
	mean = s / float64(R)
	return mean, math.Sqrt(math.Max(0, s2/float64(R)-mean*mean) / float64(R-1))
}

func TestLogZSmallTargets(t *testing.T) {
	// Exact log Z: 0 for the normalised mixtures twomodes and vmf-s2,
	// 5 ln 0.89743812 for mw5 (datasets, from 1-D quadrature),
	// Σ log(2π I₀(κ_i)) for vonmises-t4. Tolerance: 4 SE over 5
	// seeds plus 0.03 for the O(1/N) bias of log Ẑ (Jensen).
	tests := []struct {
		target string
		m      Method
	}{
		{"twomodes", AIS{Temps: 50}},
		{"mw5", AIS{Temps: 50}},
		{"twomodes", SMC{}},
		{"mw5", SMC{}},
		{"twomodes", PT{Steps: 200, Temps: 12}},
		// Manifold targets: uniform reference, random-walk Metropolis.
		{"vonmises-t4", AIS{Temps: 50}},
		{"vmf-s2", SMC{}},
	}
	for _, tc := range tests {
		t.Run(tc.target+"/"+tc.m.Name(), func(t *testing.T) {
			tg, err := datasets.Lookup(tc.target)
			require.NoError(t, err)
			want, _ := tg.LogZ()
			mean, se := logZOverSeeds(t, tg, tg.Dim(), 5, 300, tc.m)
			t.Logf("log Z: mean %.4f, se %.4f, exact %.6f", mean, se, want)
			assert.InDelta(t, want, mean, 4*se+0.03, "se %g", se)
		})
	}
}

// TestUnbiasedZ checks E[Ẑ] = Z for AIS and SMC on a Gaussian with Z = 3
// at a size where the weights vary: the mean of Ẑ over R seeds is within
// 4 SE (sd over seeds / √R) of Z.
func TestUnbiasedZ(t *testing.T) {
	g := gaussian(t, []float64{2, -1, 0.5}, 0.3, math.Log(3))
	for _, m := range []Method{AIS{Temps: 4, MoveSteps: 1, Pilot: -1, Step: 0.1}, SMC{MoveSteps: 1, CESS: 0.3, Step: 0.1}} {
		t.Run(m.Name(), func(t *testing.T) {
			const R = 200
			var s, s2 float64
			for seed := range R {
				_, r, err := Sample(Problem{Target: g, Dim: 3}, &Settings{N: 10, Seed: uint64(seed)}, m)
				require.NoError(t, err)
				z := math.Exp(r.LogZ)
				s += z
				s2 += z * z
			}
			mean := s / R
			se := math.Sqrt((s2/R - mean*mean) / (R - 1))
			assert.Greater(t, se, 0.01, "weights should vary")
			assert.InDelta(t, 3, mean, 4*se)
		})
	}
}

func TestBudgets(t *testing.T) {
	g := gaussian(t, []float64{0, 0}, 1, 0)
	const n = 10
	tests := []struct {
		m    Method
		want int64
	}{
		{MALA{Steps: 30}, n * 31},
		{AIS{Temps: 7, MoveSteps: 3, Pilot: 5}, (n + 5) * (1 + 7*3)},
		{PT{Temps: 4, Steps: 9}, n * 4 * 10},
		{Follmer{Steps: 5, K: 4}, n * 5 * 4},
	}
	for _, tc := range tests {
		t.Run(tc.m.Name(), func(t *testing.T) {
			_, r, err := Sample(Problem{Target: g, Dim: 2}, &Settings{N: n, Seed: 1}, tc.m)
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.GradEvals)
		})
	}
	t.Run("follmerEnergy", func(t *testing.T) {
		_, r, err := Sample(Problem{Target: g, Dim: 2}, &Settings{N: n, Seed: 1}, Follmer{Steps: 5, K: 4})
		require.NoError(t, err)
		// Drift gradients plus one terminal log γ per particle.
		assert.EqualValues(t, n*5*4+n, r.EnergyEvals)
	})
}

func TestPTSwaps(t *testing.T) {
	tg := datasets.NewTwoModes()
	_, r, err := Sample(Problem{Target: tg, Dim: 5}, &Settings{N: 50, Seed: 3}, PT{Steps: 200})
	require.NoError(t, err)
	// A 16-level ladder on a 5-D target: swaps neither always rejected
	// nor always accepted.
	assert.Greater(t, r.SwapRate, 0.3)
	assert.Less(t, r.SwapRate, 0.99)
	assert.False(t, math.IsNaN(r.LogZStdErr))
}

func TestWorkersBitIdentical(t *testing.T) {
	tg := datasets.NewTwoModes()
	for _, m := range []Method{MALA{Steps: 20}, AIS{Temps: 5}, SMC{}, PT{Steps: 10, Temps: 4}, Follmer{Steps: 5, K: 4}} {
		t.Run(m.Name(), func(t *testing.T) {
			var outs [2]Output
			var reps [2]Report
			for i, w := range []int{1, 2} {
				prev := runtime.GOMAXPROCS(w)
				var err error
				outs[i], reps[i], err = Sample(Problem{Target: tg, Dim: 5}, &Settings{N: 100, Seed: 5}, m)
				runtime.GOMAXPROCS(prev)
				require.NoError(t, err)
			}
			require.Equal(t, outs[0].Samples, outs[1].Samples)
			require.Equal(t, outs[0].LogWeights, outs[1].LogWeights)
			if !math.IsNaN(reps[0].LogZ) {
				require.Equal(t, reps[0].LogZ, reps[1].LogZ)
			}
		})
	}
	t.Run("manifold", func(t *testing.T) {
		tg := datasets.NewVMFS2()
		var outs [2]Output
		for i, w := range []int{1, 2} {
			var err error
			outs[i], _, err = Sample(Problem{Target: tg}, &Settings{N: 100, Seed: 5, Workers: w}, SMC{})
			require.NoError(t, err)
		}
		require.Equal(t, outs[0].Samples, outs[1].Samples)
	})
}

func TestFillDistancesExact(t *testing.T) {
	// Exact samples against independent exact samples: the energy
	// distance is 0 in expectation (U-statistic; tolerance 0.01, about 4
	// SE at n = 1000 for this target) and both distances are filled.
	tg := datasets.NewTwoModes()
	rng := rand.New(rand.NewPCG(9, 9))
	const n = 1000
	x, y := make([]float64, n*5), make([]float64, n*5)
	for i := range n {
		tg.Sample(x[i*5:(i+1)*5], rng)
		tg.Sample(y[i*5:(i+1)*5], rng)
	}
	r := NewReport("twomodes", "exact", n, 0)
	FillDistances(&r, Output{Samples: x, N: n, Dim: 5}, y, rng)
	assert.InDelta(t, 0, r.EnergyDistance, 0.01)
	assert.False(t, math.IsNaN(r.Sinkhorn))
	assert.Empty(t, r.Warnings)
}

func BenchmarkMALAStep(b *testing.B) {
	tg := datasets.NewMW5()
	e := &env{t: NewCounting(tg), space: manifold.NewEuclidean(5), flat: true, d: 5, n: 1, workers: 1}
	k := e.kernels(1)[0]
	rng := rand.New(rand.NewPCG(1, 2))
	x, g := make([]float64, 5), make([]float64, 5)
	lg := k.init(x, g, rng)
	for b.Loop() {
		k.move(x, g, &lg, 1, 0.01, rng)
	}
}

func TestSampleBadInput(t *testing.T) {
	g := datasets.NewTwoModes()
	_, _, err := Sample(Problem{Target: g, Dim: 5}, &Settings{N: -1}, MALA{})
	require.ErrorIs(t, err, ErrBadInput)
	_, _, err = Sample(Problem{Dim: 5}, nil, MALA{})
	require.ErrorIs(t, err, ErrBadInput)
	_, _, err = Sample(Problem{Target: g, Dim: 5}, nil, MALA{Steps: 10, Burn: 10})
	require.ErrorIs(t, err, ErrBadInput)
	_, _, err = Sample(Problem{Target: g, Dim: 5}, nil, SMC{CESS: 1.5})
	require.True(t, errors.Is(err, ErrBadInput))
}

func TestRunBaseline(t *testing.T) {
	tg := datasets.NewTwoModes()
	_, _, err := RunBaseline("nuts", tg, Options{N: 10})
	require.ErrorIs(t, err, ErrUnknownMethod)
	assert.Contains(t, err.Error(), "mala, ais, smc, pt, follmer")
	_, _, err = RunBaseline("mala", tg, Options{N: 0})
	require.ErrorIs(t, err, ErrBadInput)
	for _, name := range BaselineNames {
		t.Run(name, func(t *testing.T) {
			m, err := Baseline(name, 0)
			require.NoError(t, err)
			require.Equal(t, name, m.Name())
		})
	}
	// A cheap AIS run fills every diagnostic of a mixture with exact samples.
	_, r, err := Run(tg, Options{N: 200, Seed: 1}, AIS{Temps: 20})
	require.NoError(t, err)
	assert.Equal(t, "twomodes", r.Target)
	assert.Equal(t, 0.0, r.ExactLogZ)
	assert.InDelta(t, 1, r.ModeCoverage, 1e-12)
	assert.Less(t, r.ModeWeightError, 0.2)
	assert.False(t, math.IsNaN(r.EnergyDistance))
	assert.False(t, math.IsNaN(r.Sinkhorn))
}
