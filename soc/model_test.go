package soc

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/internal/nn"
)

func tiny(method string, seed uint64) *Settings {
	return &Settings{Steps: 6, Batch: 32, Hidden: []int{8}, TimeFreqs: 2, Seed: seed, BufferSize: 64, Refresh: 2,
		Components: 2, Chains: 32, Levels: 3, MCMCSteps: 2,
		Reference: func() *RefSpec {
			switch method {
			case "lrds":
				return &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1.2}, Steps: 8}
			case "adjoint":
				return &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "geometric", A: 0.1, B: 2}, Steps: 8}
			}
			return &RefSpec{Kind: "vp", Variance: 1, Sigma: ScheduleSpec{Kind: "linear", A: 0.1, B: 5}, Steps: 8}
		}()}
}

// TestDeterminism checks that training is bit-identical for the same seed
// at GOMAXPROCS 1 and 2 (and any worker count), and differs for another
// seed.
func TestDeterminism(t *testing.T) {
	tg := gaussian([]float64{0.5, 0, -1}, 0.3, 0)
	for _, tc := range []struct {
		method string
		grad   bool
	}{{"adjoint", false}, {"logvar", false}, {"lrds", false}, {"adjoint", true}, {"logvar", true}} {
		method := tc.method
		tiny := func(method string, seed uint64) *Settings {
			s := tiny(method, seed)
			s.GradTerm = tc.grad
			return s
		}
		name := method
		if tc.grad {
			name += "-grad-term"
		}
		t.Run(name, func(t *testing.T) {
			var params [][]float64
			for _, procs := range []int{1, 2} {
				old := runtime.GOMAXPROCS(procs)
				m, _, err := Train(method, tg, tiny(method, 9))
				runtime.GOMAXPROCS(old)
				require.NoError(t, err)
				params = append(params, m.Params)
			}
			require.Equal(t, params[0], params[1])
			s := tiny(method, 9)
			s.Workers = 3
			m, _, err := Train(method, tg, s)
			require.NoError(t, err)
			require.Equal(t, params[0], m.Params)
			m, _, err = Train(method, tg, tiny(method, 10))
			require.NoError(t, err)
			require.NotEqual(t, params[0], m.Params)
		})
	}
}

// TestResume interrupts a training after 4 of 6 steps (checkpoint), resumes
// it from the checkpoint file and checks that the parameters and the Adam
// state equal those of an uninterrupted training bit for bit.
func TestResume(t *testing.T) {
	tg := gaussian([]float64{0.5, -1}, 0.4, 0.3)
	for _, method := range Methods {
		t.Run(method, func(t *testing.T) {
			ck, res, _ := requireResumeEqual(t, method, tg, func() *Settings { return tiny(method, 3) })

			// Resuming with other settings or for another target fails.
			other := tiny(method, 4)
			other.Resume = ck
			_, _, err := Train(method, tg, other)
			require.ErrorIs(t, err, ErrTargetMismatch)
			res.Resume = ck
			_, _, err = Train(method, named{tg.GaussianMixture, "other"}, res)
			require.ErrorIs(t, err, ErrTargetMismatch)
		})
	}
}

// requireResumeEqual trains method on tg with the settings of mk three
// times: for all 6 steps with checkpoints every 2 steps, interrupted after
// 4, and resumed from that checkpoint; the resumed parameters, Adam
// moments, RNG state and step must equal the uninterrupted run's bit for
// bit. It returns the checkpoint and the resumed run's settings, and the
// uninterrupted model.
func requireResumeEqual(t *testing.T, method string, tg Target, mk func() *Settings) (*nn.File, *Settings, *Model) {
	t.Helper()
	dir := t.TempDir()
	full := mk()
	full.CheckpointPath, full.CheckpointEvery = filepath.Join(dir, "full.ckpt"), 2
	want, _, err := Train(method, tg, full)
	require.NoError(t, err)

	cut := mk()
	cut.CheckpointPath, cut.CheckpointEvery, cut.stopAt = filepath.Join(dir, "cut.ckpt"), 2, 4
	_, _, err = Train(method, tg, cut)
	require.NoError(t, err)
	ck, err := nn.Load(cut.CheckpointPath)
	require.NoError(t, err)
	require.Equal(t, 4, ck.Step)

	res := mk()
	res.Resume, res.CheckpointPath, res.CheckpointEvery = ck, filepath.Join(dir, "res.ckpt"), 2
	got, _, err := Train(method, tg, res)
	require.NoError(t, err)
	require.Equal(t, want.Params, got.Params)
	a, err := nn.Load(full.CheckpointPath)
	require.NoError(t, err)
	b, err := nn.Load(res.CheckpointPath)
	require.NoError(t, err)
	require.Equal(t, a.Adam.M, b.Adam.M)
	require.Equal(t, a.Adam.V, b.Adam.V)
	require.Equal(t, a.RNG, b.RNG)
	require.Equal(t, 6, b.Step)
	return ck, res, want
}

// TestModelFile round-trips a model through Save and Load and checks the
// errors for a model trained for another target, a corrupt file, an
// unknown method and n ≤ 0.
func TestModelFile(t *testing.T) {
	tg := gaussian([]float64{1}, 0.5, 0)
	s := tiny("logvar", 1)
	s.GradTerm = true
	m, rep, err := Train("logvar", tg, s)
	require.NoError(t, err)
	require.Equal(t, "gauss", rep.Target)
	path := filepath.Join(t.TempDir(), "m.nn")
	require.NoError(t, Save(path, m))
	got, err := Load(path, tg)
	require.NoError(t, err)
	require.Equal(t, m.Params, got.Params)
	require.Equal(t, m.Ref, got.Ref)
	require.Equal(t, m.Method, got.Method)
	require.Equal(t, m.Settings.LR, got.Settings.LR)
	// Same samples from the loaded model.
	o1, _, err := Sample(m, tg, 50, 3)
	require.NoError(t, err)
	o2, r2, err := Sample(got, tg, 50, 3)
	require.NoError(t, err)
	require.Equal(t, o1, o2)
	// Sampling costs one energy evaluation per path and, with the gradient
	// term, one gradient evaluation per path and step (8 steps).
	require.Equal(t, m.EnergyEvals+50+8*50, r2.EnergyEvals)
	require.Equal(t, m.GradEvals+8*50, r2.GradEvals)

	other := named{tg.GaussianMixture, "gmm40"}
	_, err = Load(path, other)
	require.ErrorIs(t, err, ErrTargetMismatch)
	_, _, err = Sample(got, other, 10, 1)
	require.ErrorIs(t, err, ErrTargetMismatch)

	data, err := os.ReadFile(path)
	require.NoError(t, err)
	data[len(data)/2] ^= 0xff
	bad := filepath.Join(t.TempDir(), "bad.nn")
	require.NoError(t, os.WriteFile(bad, data, 0o644))
	_, err = Load(bad, tg)
	require.Error(t, err)
	require.ErrorIs(t, err, nn.ErrChecksum)
	_, err = Load(filepath.Join(t.TempDir(), "missing.nn"), tg)
	require.Error(t, err)

	// An lrds model keeps its reference mixture.
	ml, _, err := Train("lrds", tg, tiny("lrds", 2))
	require.NoError(t, err)
	require.NoError(t, Save(path, ml))
	gl, err := Load(path, tg)
	require.NoError(t, err)
	require.Equal(t, ml.Mixture, gl.Mixture)
	o1, _, err = Sample(ml, tg, 20, 3)
	require.NoError(t, err)
	o2, _, err = Sample(gl, tg, 20, 3)
	require.NoError(t, err)
	require.Equal(t, o1, o2)
	fl := ml.File()
	delete(fl.Training, "mixture")
	_, err = FromFile(fl, tg)
	require.ErrorIs(t, err, ErrModel)

	f := m.File()
	delete(f.Training, "method")
	_, err = FromFile(f, tg)
	require.ErrorIs(t, err, ErrModel)

	for _, name := range []string{"LRDS", "nope", ""} {
		_, _, err = Train(name, tg, nil)
		require.ErrorIs(t, err, ErrUnknownMethod, name)
	}
	for _, n := range []int{0, -1} {
		_, _, err = Sample(m, tg, n, 1)
		require.ErrorIs(t, err, ErrSettings)
	}
	_, _, err = Train("logvar", tg, &Settings{Reference: &RefSpec{Kind: "vp", Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 5}})
	require.ErrorIs(t, err, ErrSettings)
	_, _, err = Train("adjoint", tg, &Settings{Reference: &RefSpec{Kind: "vp", Variance: 1, Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 5}})
	require.ErrorIs(t, err, ErrSettings)
}
