package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAdamTwoSteps follows Algorithm 1 of Kingma & Ba by hand for one
// parameter θ₀ = 1, gradients 0.5 then −1, η = 0.1, β₁ = 0.9, β₂ = 0.999,
// ε = 1e-8 (values computed with 40-digit decimal arithmetic):
//
//	t=1: m = 0.05,   v = 0.00025,    θ = 0.90000000199999996000…
//	t=2: m = −0.055, v = 0.00124975, θ = 0.93661035424056560281…
func TestAdamTwoSteps(t *testing.T) {
	const tol = 1e-15
	a := NewAdam(1)
	p, g := []float64{1}, []float64{0.5}
	a.Step(p, g, 0.1)
	assert.InDelta(t, 0.05, a.M[0], tol)
	assert.InDelta(t, 0.00025, a.V[0], tol)
	assert.InDelta(t, 0.90000000199999996, p[0], tol)
	g[0] = -1
	a.Step(p, g, 0.1)
	assert.InDelta(t, -0.055, a.M[0], tol)
	assert.InDelta(t, 0.00124975, a.V[0], tol)
	assert.InDelta(t, 0.93661035424056560, p[0], tol)
	assert.Equal(t, 2, a.T)

	// AdamW: the first step also shrinks θ by (1 − ηλ) = 1 − 0.1·0.5.
	w := NewAdam(1)
	w.WeightDecay = 0.5
	p[0], g[0] = 1, 0.5
	w.Step(p, g, 0.1)
	assert.InDelta(t, 0.95-0.1*0.5/(0.5+1e-8), p[0], tol)
}

// TestAdamQuadratic minimises the convex f(θ) = ½Σ aᵢ(θᵢ − cᵢ)² with
// condition number 1000 under a warm-up + cosine schedule; the minimiser
// is c. Tolerance 1e-4: the final rate is 0 and the last steps are tiny.
func TestAdamQuadratic(t *testing.T) {
	a := []float64{1, 10, 0.01, 3}
	c := []float64{1, -2, 0.5, 3}
	theta := []float64{0, 0, 0, 0}
	grad := make([]float64, 4)
	opt := NewAdam(4)
	s := Schedule{Kind: "cosine", Base: 0.05, Min: 0, Warmup: 50, Total: 4000}
	require.NoError(t, s.Validate())
	for step := 1; step <= s.Total; step++ {
		for i := range theta {
			grad[i] = a[i] * (theta[i] - c[i])
		}
		opt.Step(theta, grad, s.LR(step))
	}
	assert.InDeltaSlice(t, c, theta, 1e-4)
}

func TestClipGradNorm(t *testing.T) {
	g := []float64{3, 4}
	assert.Equal(t, 5.0, ClipGradNorm(g, 10))
	assert.Equal(t, []float64{3, 4}, g)
	assert.Equal(t, 5.0, ClipGradNorm(g, 1))
	assert.InDeltaSlice(t, []float64{0.6, 0.8}, g, 1e-15)
}

func TestSchedule(t *testing.T) {
	cases := []struct {
		s    Schedule
		step int
		want float64
	}{
		{Schedule{Kind: "constant", Base: 0.1}, 7, 0.1},
		{Schedule{Kind: "warmup", Base: 0.1, Warmup: 10}, 5, 0.05},
		{Schedule{Kind: "warmup", Base: 0.1, Warmup: 10}, 50, 0.1},
		{Schedule{Kind: "cosine", Base: 0.1, Min: 0.01, Warmup: 10, Total: 110}, 1, 0.01},
		{Schedule{Kind: "cosine", Base: 0.1, Min: 0.01, Warmup: 10, Total: 110}, 10, 0.1},
		// halfway through the decay: Min + ½(Base−Min)(1+cos(π/2)) = 0.055
		{Schedule{Kind: "cosine", Base: 0.1, Min: 0.01, Warmup: 10, Total: 110}, 60, 0.055},
		{Schedule{Kind: "cosine", Base: 0.1, Min: 0.01, Warmup: 10, Total: 110}, 110, 0.01},
		{Schedule{Kind: "cosine", Base: 0.1, Min: 0.01, Warmup: 10, Total: 110}, 500, 0.01},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%s_%d", c.s.Kind, c.step), func(t *testing.T) {
			require.NoError(t, c.s.Validate())
			assert.InDelta(t, c.want, c.s.LR(c.step), 1e-15)
		})
	}
	for _, s := range []Schedule{{Kind: "step", Base: 1}, {Kind: "constant"}, {Kind: "cosine", Base: 1, Total: 5, Warmup: 5}, {Kind: "cosine", Base: 1, Min: 2, Total: 9}} {
		assert.Error(t, s.Validate(), "%+v", s)
	}
}

// trainer runs a small regression, u(t, x) ≈ (sin(2πt)·x₁, x₀·x₁), with
// minibatches drawn from its own PCG generator, clipping and a cosine
// schedule: every source of state a resumed run must restore.
type trainer struct {
	m     *MLP
	adam  *Adam
	pcg   *rand.PCG
	rng   *rand.Rand
	step  int
	sched Schedule
	n     int
	ts, x []float64
	tgt   []float64
	dy    []float64
}

func newTrainer(t testing.TB) *trainer {
	m, err := NewMLP(Arch{In: 2, Out: 2, Hidden: []int{16, 16}, Activation: "silu", TimeFreqs: 2, OmegaMin: 1, OmegaMax: 8}, NewExec(2))
	require.NoError(t, err)
	pcg := rand.NewPCG(42, 7)
	rng := rand.New(pcg)
	m.Init(rng)
	adam := NewAdam(len(m.Params()))
	adam.WeightDecay = 1e-4
	adam.Exec = NewExec(3)
	n := 32
	return &trainer{m: m, adam: adam, pcg: pcg, rng: rng, n: n,
		sched: Schedule{Kind: "cosine", Base: 1e-2, Min: 1e-4, Warmup: 5, Total: 60},
		ts:    make([]float64, n), x: make([]float64, 2*n), tgt: make([]float64, 2*n), dy: make([]float64, 2*n)}
}

func (tr *trainer) run(steps int) (loss float64) {
	for range steps {
		for i := range tr.n {
			tt, x0, x1 := tr.rng.Float64(), tr.rng.NormFloat64(), tr.rng.NormFloat64()
			tr.ts[i], tr.x[2*i], tr.x[2*i+1] = tt, x0, x1
			tr.tgt[2*i], tr.tgt[2*i+1] = math.Sin(2*math.Pi*tt)*x1, x0*x1
		}
		y := tr.m.Forward(tr.ts, tr.x, tr.n)
		loss = 0
		for i, v := range y {
			r := v - tr.tgt[i]
			loss += 0.5 * r * r / float64(tr.n)
			tr.dy[i] = r / float64(tr.n)
		}
		tr.m.ZeroGrad()
		tr.m.Backward(tr.dy, nil)
		ClipGradNorm(tr.m.Grads(), 1)
		tr.step++
		tr.adam.Step(tr.m.Params(), tr.m.Grads(), tr.sched.LR(tr.step))
	}
	return loss
}

// TestResumeBitIdentical trains 60 steps straight, and 25 steps, a
// checkpoint round trip through a file into fresh objects, then 35 steps;
// parameters, optimiser state and generator must agree bit for bit.
func TestResumeBitIdentical(t *testing.T) {
	straight := newTrainer(t)
	first := straight.run(1)
	last := straight.run(59)
	assert.Less(t, last, first, "training should reduce the loss")

	a := newTrainer(t)
	a.run(25)
	path := filepath.Join(t.TempDir(), "ck.gsnn")
	ck, err := NewCheckpoint(a.m, a.adam, a.step, a.pcg, "regression", map[string]any{"schedule": a.sched})
	require.NoError(t, err)
	require.NoError(t, Save(path, ck))

	f, err := Load(path)
	require.NoError(t, err)
	m, err := f.Build(NewExec(1)) // a different worker count must not matter
	require.NoError(t, err)
	pcg, err := f.PCG()
	require.NoError(t, err)
	b := &trainer{m: m, adam: f.Adam, pcg: pcg, rng: rand.New(pcg), step: f.Step, sched: a.sched, n: a.n,
		ts: make([]float64, a.n), x: make([]float64, 2*a.n), tgt: make([]float64, 2*a.n), dy: make([]float64, 2*a.n)}
	b.run(35)

	require.Equal(t, straight.m.Params(), b.m.Params())
	require.Equal(t, straight.adam.M, b.adam.M)
	require.Equal(t, straight.adam.V, b.adam.V)
	require.Equal(t, straight.adam.T, b.adam.T)
	require.Equal(t, straight.step, b.step)
	require.Equal(t, straight.rng.Uint64(), b.rng.Uint64())
}
