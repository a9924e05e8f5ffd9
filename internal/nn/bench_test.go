package nn

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// benchStep is one training step of the squared loss ½Σ(u(x) − target)²/n:
// Forward, output gradient, ZeroGrad, Backward (no input gradient) and
// Adam. bench/nn/torch_step.py times the same step in PyTorch.
type benchStep struct {
	m         *MLP
	adam      *Adam
	x, target []float64
	dy        []float64
	n         int
}

func newBenchStep(a Arch, n, workers int) *benchStep {
	m, err := NewMLP(a, NewExec(workers))
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	m.Init(rng)
	adam := NewAdam(len(m.Params()))
	adam.Exec = m.Net.Exec()
	return &benchStep{m: m, adam: adam, n: n,
		x: randSlice(rng, n*a.In, 1), target: randSlice(rng, n*a.Out, 1), dy: make([]float64, n*a.Out)}
}

func (s *benchStep) step() {
	y := s.m.Forward(nil, s.x, s.n)
	inv := 1 / float64(s.n)
	for i, v := range y {
		s.dy[i] = (v - s.target[i]) * inv
	}
	s.m.ZeroGrad()
	s.m.Backward(s.dy, nil)
	s.adam.Step(s.m.Params(), s.m.Grads(), 1e-3)
}

func BenchmarkAdamStep(b *testing.B) {
	a := Arch{In: 64, Out: 64, Hidden: []int{128, 128}, Activation: "silu"}
	for _, w := range []int{0, 1} {
		name := "MLP64-128-128-64_B256"
		if w == 1 {
			name += "_1worker"
		}
		b.Run(name, func(b *testing.B) {
			s := newBenchStep(a, 256, w)
			s.step()
			b.ReportAllocs()
			for b.Loop() {
				s.step()
			}
		})
	}
}

// BenchmarkGemm compares Gemm with gonum's blas64.Gemm on the three
// products of a 256-row batch through a 128×128 dense layer.
func BenchmarkGemm(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	const n, in, out = 256, 128, 128
	x, w, dy := randSlice(rng, n*in, 1), randSlice(rng, in*out, 1), randSlice(rng, n*out, 1)
	y, dw, dx := make([]float64, n*out), make([]float64, in*out), make([]float64, n*in)
	cases := []struct {
		name   string
		ta, tb bool
		m, k   int
		a, bb  []float64
		lda    int
		ldb    int
		c      []float64
		cn     int
	}{
		{"forward_XW", false, false, n, in, x, w, in, out, y, out},
		{"input_dYWt", false, true, n, out, dy, w, out, out, dx, in},
		{"weight_XtdY", true, false, in, n, x, dy, in, out, dw, out},
	}
	for _, c := range cases {
		e := NewExec(0)
		b.Run(fmt.Sprintf("%s/nn", c.name), func(b *testing.B) {
			for b.Loop() {
				Gemm(e, c.ta, c.tb, c.m, c.cn, c.k, c.a, c.lda, c.bb, c.ldb, c.c, c.cn)
			}
		})
		b.Run(fmt.Sprintf("%s/gonum", c.name), func(b *testing.B) {
			ar, ac := c.m, c.k
			if c.ta {
				ar, ac = c.k, c.m
			}
			br, bc := c.k, c.cn
			if c.tb {
				br, bc = c.cn, c.k
			}
			A := blas64.General{Rows: ar, Cols: ac, Stride: c.lda, Data: c.a}
			B := blas64.General{Rows: br, Cols: bc, Stride: c.ldb, Data: c.bb}
			C := blas64.General{Rows: c.m, Cols: c.cn, Stride: c.cn, Data: c.c}
			ta, tb := blas.NoTrans, blas.NoTrans
			if c.ta {
				ta = blas.Trans
			}
			if c.tb {
				tb = blas.Trans
			}
			for b.Loop() {
				blas64.Gemm(ta, tb, 1, A, B, 1, C)
			}
		})
	}
}

// BenchmarkControl times the pieces an SOC loss needs from a control
// u_θ(t, x) on R³ with 8 time frequencies and three hidden layers of 128
// SiLU units, batch 512: forward, forward+backward (parameter gradients)
// and forward+VJP (∇_x only).
func BenchmarkControl(b *testing.B) {
	a := Arch{In: 3, Out: 3, Hidden: []int{128, 128, 128}, Activation: "silu", TimeFreqs: 8, OmegaMin: 1, OmegaMax: 100}
	const n = 512
	m, err := NewMLP(a, NewExec(0))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	m.Init(rng)
	ts, x, dy, dx := randSlice(rng, n, 1), randSlice(rng, n*a.In, 1), randSlice(rng, n*a.Out, 1), make([]float64, n*a.In)
	b.Run("Forward", func(b *testing.B) {
		for b.Loop() {
			m.Forward(ts, x, n)
		}
	})
	b.Run("ForwardBackward", func(b *testing.B) {
		for b.Loop() {
			m.Forward(ts, x, n)
			m.ZeroGrad()
			m.Backward(dy, nil)
		}
	})
	b.Run("ForwardVJP", func(b *testing.B) {
		for b.Loop() {
			m.Forward(ts, x, n)
			m.VJP(dy, dx)
		}
	})
}
