package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
)

// fdTol is the tolerance of the finite-difference gradient checks: central
// differences with gonum's default step 6e-6 have truncation error
// O(h²)·f”' ≈ 1e-10 and rounding error ≈ ε·|f|/h ≈ 1e-10 here, so a
// mismatch above 1e-6 (relative to max(1, |g|)) is a real bug.
const fdTol = 1e-6

func randSlice(rng *rand.Rand, n int, scale float64) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = scale * rng.NormFloat64()
	}
	return s
}

func naiveGemm(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	for i := range m {
		for j := range n {
			s := 0.0
			for p := range k {
				var av, bv float64
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += av * bv
			}
			c[i*ldc+j] += s
		}
	}
}

// TestGemm checks Gemm against the triple loop (reference) for all
// transposes, shapes off the 4×8 micro-tile, k across the k-block, padded
// leading dimensions and several worker counts. Tolerance 1e-12 relative:
// both sum the same products in different orders.
func TestGemm(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	shapes := [][3]int{{1, 1, 1}, {4, 8, 3}, {5, 9, 7}, {13, 17, 300}, {64, 128, 64}, {3, 2, 513}}
	for _, sh := range shapes {
		for _, ta := range []bool{false, true} {
			for _, tb := range []bool{false, true} {
				m, n, k := sh[0], sh[1], sh[2]
				t.Run(fmt.Sprintf("%dx%dx%d_tA%v_tB%v", m, n, k, ta, tb), func(t *testing.T) {
					lda, ldb, ldc := k+1, n+2, n+3
					ar, br := m, k
					if ta {
						lda, ar = m+1, k
					}
					if tb {
						ldb, br = k+2, n
					}
					a := randSlice(rng, ar*lda, 1)
					b := randSlice(rng, br*ldb, 1)
					c0 := randSlice(rng, m*ldc, 1)
					want := append([]float64(nil), c0...)
					naiveGemm(ta, tb, m, n, k, a, lda, b, ldb, want, ldc)
					for name, kern := range kernels {
						t.Logf("kernel %s", name)
						old := kernel
						kernel = kern
						var first []float64
						for _, w := range []int{1, 2, 3} {
							c := append([]float64(nil), c0...)
							Gemm(NewExec(w), ta, tb, m, n, k, a, lda, b, ldb, c, ldc)
							for i := range c {
								require.InDelta(t, want[i], c[i], 1e-12*(1+math.Abs(want[i])), "element %d workers %d", i, w)
							}
							if first == nil {
								first = c
							} else {
								require.Equal(t, first, c, "workers %d not bit-identical", w)
							}
						}
						kernel = old
					}
				})
			}
		}
	}
}

// checkLayerGrad compares the parameter and input gradients of the loss
// L = Σ r⊙layer(x) computed by Backward with central finite differences.
func checkLayerGrad(t *testing.T, l Layer, n int, rng *rand.Rand, xscale float64) {
	t.Helper()
	e := NewExec(2)
	np := l.NumParams()
	params, grads := make([]float64, np), make([]float64, np)
	l.Bind(params, grads)
	l.Init(rng)
	x := randSlice(rng, n*l.InDim(), xscale)
	r := randSlice(rng, n*l.OutDim(), 1)
	y := make([]float64, n*l.OutDim())
	loss := func() float64 {
		l.Forward(e, y, x, n)
		s := 0.0
		for i := range y {
			s += r[i] * y[i]
		}
		return s
	}
	loss()
	dx := make([]float64, len(x))
	l.Backward(e, dx, r, x, y, n, true)

	set := &fd.Settings{Formula: fd.Central}
	if np > 0 {
		want := fd.Gradient(nil, func(p []float64) float64 {
			copy(params, p)
			return loss()
		}, append([]float64(nil), params...), set)
		for i := range want {
			assert.InDelta(t, want[i], grads[i], fdTol*max(1, math.Abs(want[i])), "param %d", i)
		}
	}
	x0 := append([]float64(nil), x...)
	want := fd.Gradient(nil, func(p []float64) float64 {
		copy(x, p)
		return loss()
	}, x0, set)
	for i := range want {
		assert.InDelta(t, want[i], dx[i], fdTol*max(1, math.Abs(want[i])), "input %d", i)
	}
}

func TestLayerGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	t.Run("Dense", func(t *testing.T) { checkLayerGrad(t, NewDense(5, 7), 6, rng, 1) })
	t.Run("DenseTiled", func(t *testing.T) { checkLayerGrad(t, NewDense(9, 17), 11, rng, 1) })
	for _, k := range []ActKind{Identity, SiLU, Tanh, Softplus, GELU} {
		t.Run(k.String(), func(t *testing.T) { checkLayerGrad(t, NewAct(k, 5), 4, rng, 2) })
	}
}

func TestActValues(t *testing.T) {
	// Reference values from the closed forms at x = 1:
	// σ(1) = 0.7310585786300049, tanh 1 = 0.7615941559557649,
	// log(1+e) = 1.3132616875182228, Φ(1) = 0.8413447460685429.
	cases := []struct {
		k    ActKind
		want float64
	}{
		{Identity, 1}, {SiLU, 0.7310585786300049}, {Tanh, 0.7615941559557649},
		{Softplus, 1.3132616875182228}, {GELU, 0.8413447460685429},
	}
	for _, c := range cases {
		t.Run(c.k.String(), func(t *testing.T) {
			a := NewAct(c.k, 1)
			y := []float64{0}
			a.Forward(NewExec(1), y, []float64{1}, 1)
			assert.InDelta(t, c.want, y[0], 1e-15)
			k, err := ParseAct(c.k.String())
			require.NoError(t, err)
			assert.Equal(t, c.k, k)
		})
	}
	// Softplus must not overflow for large |x|.
	a := NewAct(Softplus, 2)
	y := make([]float64, 2)
	a.Forward(NewExec(1), y, []float64{800, -800}, 1)
	assert.Equal(t, 800.0, y[0])
	assert.Equal(t, 0.0, y[1])
	_, err := ParseAct("relu6")
	assert.Error(t, err)
}

func testArch() Arch {
	return Arch{In: 3, Out: 3, Hidden: []int{9, 6}, Activation: "silu", TimeFreqs: 2, OmegaMin: 1, OmegaMax: 10}
}

// TestMLPGradients checks the whole time-embedded MLP: parameter
// gradients and ∇_x of L = Σ r⊙u(t, x) against central finite differences,
// and that VJP returns the same ∇_x without touching the gradients.
func TestMLPGradients(t *testing.T) {
	for _, act := range []string{"silu", "tanh", "softplus", "gelu"} {
		t.Run(act, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			a := testArch()
			a.Activation = act
			m, err := NewMLP(a, NewExec(2))
			require.NoError(t, err)
			m.Init(rng)
			n := 5
			ts := []float64{0, 0.1, 0.5, 0.9, 1}
			x := randSlice(rng, n*a.In, 1)
			r := randSlice(rng, n*a.Out, 1)
			loss := func() float64 {
				y := m.Forward(ts, x, n)
				s := 0.0
				for i := range y {
					s += r[i] * y[i]
				}
				return s
			}
			loss()
			m.ZeroGrad()
			dx := make([]float64, len(x))
			m.Backward(r, dx)
			grads := append([]float64(nil), m.Grads()...)

			set := &fd.Settings{Formula: fd.Central}
			p := m.Params()
			p0, x0 := append([]float64(nil), p...), append([]float64(nil), x...)
			want := fd.Gradient(nil, func(q []float64) float64 { copy(p, q); return loss() }, append([]float64(nil), p...), set)
			copy(p, p0)
			for i := range want {
				require.InDelta(t, want[i], grads[i], fdTol*max(1, math.Abs(want[i])), "param %d", i)
			}
			wantX := fd.Gradient(nil, func(q []float64) float64 { copy(x, q); return loss() }, append([]float64(nil), x...), set)
			copy(x, x0)
			for i := range wantX {
				require.InDelta(t, wantX[i], dx[i], fdTol*max(1, math.Abs(wantX[i])), "input %d", i)
			}

			loss()
			before := append([]float64(nil), m.Grads()...)
			vjp := make([]float64, len(x))
			m.VJP(r, vjp)
			assert.Equal(t, dx, vjp)
			assert.Equal(t, before, m.Grads())
		})
	}
}

func TestEmbed(t *testing.T) {
	m, err := NewMLP(Arch{In: 1, Out: 1, Activation: "tanh", TimeFreqs: 3, OmegaMin: 1, OmegaMax: 100}, nil)
	require.NoError(t, err)
	// ω = 1, 10, 100: geometric spacing.
	assert.InDeltaSlice(t, []float64{1, 10, 100}, m.Omegas(), 1e-12)
	e := make([]float64, 6)
	m.Embed(e, 0.5)
	want := []float64{math.Sin(0.5), math.Sin(5), math.Sin(50), math.Cos(0.5), math.Cos(5), math.Cos(50)}
	assert.InDeltaSlice(t, want, e, 1e-15)
}

func TestArchValidate(t *testing.T) {
	bad := []Arch{
		{In: 0, Out: 1, Activation: "tanh"},
		{In: 1, Out: 1, Activation: "relu9"},
		{In: 1, Out: 1, Hidden: []int{0}, Activation: "tanh"},
		{In: 1, Out: 1, Activation: "tanh", TimeFreqs: 2},
		{In: 1, Out: 1, Activation: "tanh", TimeFreqs: 2, OmegaMin: 2, OmegaMax: 1},
		{In: 1, Out: 1, Hidden: []int{MaxWidth, MaxWidth}, Activation: "tanh"},
	}
	for i, a := range bad {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			assert.ErrorIs(t, a.Validate(), ErrArch)
		})
	}
	assert.NoError(t, testArch().Validate())
	assert.Equal(t, (3+4)*9+9+9*6+6+6*3+3, testArch().NumParams())
}

// runStep does one forward/backward pass of the squared loss
// ½Σ(u − target)²/n and returns copies of output, gradients and ∇_x.
func runStep(m *MLP, ts, x, target []float64, n int) (y, g, dx []float64) {
	out := m.Forward(ts, x, n)
	dy := make([]float64, len(out))
	for i := range out {
		dy[i] = (out[i] - target[i]) / float64(n)
	}
	m.ZeroGrad()
	dx = make([]float64, len(x))
	m.Backward(dy, dx)
	return append([]float64(nil), out...), append([]float64(nil), m.Grads()...), dx
}

// TestWorkersBitIdentical checks that outputs, parameter gradients and
// input gradients are bit-identical for 1, 2 and 3 workers and for
// GOMAXPROCS 1 and 2.
// requireSame fails unless got equals want bit for bit, naming the first
// difference.
func requireSame(t *testing.T, want, got []float64, msg string, args ...any) {
	t.Helper()
	require.Len(t, got, len(want), fmt.Sprintf(msg, args...))
	for i := range want {
		if math.Float64bits(want[i]) != math.Float64bits(got[i]) {
			require.Failf(t, "not bit-identical", "%s: element %d: %v != %v", fmt.Sprintf(msg, args...), i, want[i], got[i])
		}
	}
}

func TestWorkersBitIdentical(t *testing.T) {
	a := Arch{In: 8, Out: 8, Hidden: []int{33, 64}, Activation: "silu", TimeFreqs: 4, OmegaMin: 1, OmegaMax: 100}
	n := 97
	rng := rand.New(rand.NewPCG(7, 8))
	ts := randSlice(rng, n, 1)
	x := randSlice(rng, n*a.In, 1)
	target := randSlice(rng, n*a.Out, 1)
	run := func(workers int) (y, g, dx []float64) {
		m, err := NewMLP(a, NewExec(workers))
		require.NoError(t, err)
		m.Init(rand.New(rand.NewPCG(9, 9)))
		return runStep(m, ts, x, target, n)
	}
	y1, g1, d1 := run(1)
	for _, w := range []int{2, 3} {
		y, g, d := run(w)
		requireSame(t, y1, y, "outputs, %d workers", w)
		requireSame(t, g1, g, "gradients, %d workers", w)
		requireSame(t, d1, d, "input gradients, %d workers", w)
	}
	for _, procs := range []int{1, 2} {
		old := runtime.GOMAXPROCS(procs)
		y, g, d := run(0)
		runtime.GOMAXPROCS(old)
		requireSame(t, y1, y, "GOMAXPROCS %d", procs)
		requireSame(t, g1, g, "GOMAXPROCS %d", procs)
		requireSame(t, d1, d, "GOMAXPROCS %d", procs)
	}
}

func TestNoAllocs(t *testing.T) {
	a := Arch{In: 4, Out: 4, Hidden: []int{32, 32}, Activation: "silu", TimeFreqs: 2, OmegaMin: 1, OmegaMax: 10}
	m, err := NewMLP(a, NewExec(2))
	require.NoError(t, err)
	m.Init(rand.New(rand.NewPCG(1, 1)))
	n := 64
	rng := rand.New(rand.NewPCG(2, 2))
	ts, x := randSlice(rng, n, 1), randSlice(rng, n*a.In, 1)
	dy, dx := randSlice(rng, n*a.Out, 1), make([]float64, n*a.In)
	adam := NewAdam(len(m.Params()))
	adam.Exec = m.Net.Exec()
	step := func() {
		m.Forward(ts, x, n)
		m.ZeroGrad()
		m.Backward(dy, dx)
		m.VJP(dy, dx)
		ClipGradNorm(m.Grads(), 1)
		adam.Step(m.Params(), m.Grads(), 1e-3)
	}
	step()
	assert.Zero(t, testing.AllocsPerRun(20, step))
}

// TestSiLUVector checks the vector SiLU (if this machine has one) against
// x/(1+e^{−x}) with math.Exp at 20001 points on [−50, 50] and at the
// clamp edges. Tolerance: 1e-15 relative (a few ulp; the polynomial's
// truncation error is below 2e-16) plus 1e-300 absolute where the
// reference underflows to 0 and the vector code stops at e^{−708}.
func TestSiLUVector(t *testing.T) {
	xs := []float64{-800, -709, -708, -707.5, -40, -1e-300, 0, 1e-300, 40, 707, 800, math.Inf(1), math.Inf(-1)}
	for i := range 20001 {
		xs = append(xs, -50+float64(i)*0.005)
	}
	for len(xs)%4 != 0 {
		xs = append(xs, 0.3)
	}
	y, s := make([]float64, len(xs)), make([]float64, len(xs))
	done := siluVec(xs, y, s)
	if done == 0 {
		t.Skip("no vector SiLU on this machine")
	}
	require.Equal(t, len(xs), done)
	for i, x := range xs[:done] {
		ws := 1 / (1 + math.Exp(-x))
		wy := x * ws
		require.InDelta(t, ws, s[i], 1e-15*math.Abs(ws)+1e-300, "σ(%v)", x)
		if math.IsInf(x, -1) {
			continue // −∞·σ(−∞) is NaN in the reference; the vector code gives −∞·tiny
		}
		require.InDelta(t, wy, y[i], 1e-15*math.Abs(wy)+1e-300, "silu(%v)", x)
	}
}

func TestInitDeterministic(t *testing.T) {
	a := testArch()
	mk := func(seed uint64) []float64 {
		m, err := NewMLP(a, nil)
		require.NoError(t, err)
		m.Init(rand.New(rand.NewPCG(seed, 0)))
		return append([]float64(nil), m.Params()...)
	}
	p1, p2, p3 := mk(1), mk(1), mk(2)
	assert.Equal(t, p1, p2)
	assert.NotEqual(t, p1, p3)
	// First layer: in = 3 + 2·2 = 7 inputs, bound 1/√7 (PyTorch's default).
	bound := 1 / math.Sqrt(7)
	for _, v := range p1[:7*9+9] {
		assert.LessOrEqual(t, math.Abs(v), bound)
	}
}

func TestProgrammerErrorsPanic(t *testing.T) {
	cases := map[string]func(){
		"dense dims": func() { NewDense(0, 3) },
		"act dims":   func() { NewAct(SiLU, 0) },
		"chain":      func() { NewSequential(nil, NewDense(2, 3), NewDense(4, 1)) },
		"empty":      func() { NewSequential(nil) },
		"gemm short": func() {
			Gemm(NewExec(1), false, false, 2, 2, 2, make([]float64, 3), 2, make([]float64, 4), 2, make([]float64, 4), 2)
		},
		"gemm neg":     func() { Gemm(NewExec(1), false, false, -1, 2, 2, nil, 2, nil, 2, nil, 2) },
		"backward":     func() { NewSequential(nil, NewDense(2, 2)).Backward(make([]float64, 2), nil) },
		"input short":  func() { NewSequential(nil, NewDense(2, 2)).Forward(make([]float64, 3), 2) },
		"adam lengths": func() { NewAdam(2).Step(make([]float64, 3), make([]float64, 3), 0.1) },
	}
	for name, f := range cases {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				require.NotNil(t, r, "no panic")
				assert.Contains(t, fmt.Sprint(r), "nn: ")
			}()
			f()
		})
	}
}

// TestConcurrentExecs runs two networks with their own Execs on two
// goroutines at once (sharing the worker pool); each must match its
// sequential result bit for bit.
func TestConcurrentExecs(t *testing.T) {
	a := Arch{In: 4, Out: 4, Hidden: []int{40, 24}, Activation: "silu", TimeFreqs: 2, OmegaMin: 1, OmegaMax: 10}
	n := 64
	rng := rand.New(rand.NewPCG(11, 12))
	ts, x, target := randSlice(rng, n, 1), randSlice(rng, n*a.In, 1), randSlice(rng, n*a.Out, 1)
	newNet := func() *MLP {
		m, err := NewMLP(a, NewExec(2))
		require.NoError(t, err)
		m.Init(rand.New(rand.NewPCG(3, 3)))
		return m
	}
	_, want, _ := runStep(newNet(), ts, x, target, n)
	got := make([][]float64, 2)
	done := make(chan int)
	for i := range got {
		go func() {
			m := newNet()
			for range 20 {
				_, got[i], _ = runStep(m, ts, x, target, n)
			}
			done <- i
		}()
	}
	<-done
	<-done
	for i := range got {
		requireSame(t, want, got[i], "goroutine %d", i)
	}
}
