package nn

import (
	"fmt"
	"math/rand/v2"
)

// Sequential chains layers, owns their parameters and gradients as two
// contiguous slices (layer after layer, each in its own layout) and the
// activation buffers of the last batch. After the first call for a
// batch size, Forward and Backward do not allocate.
type Sequential struct {
	layers []Layer
	params []float64
	grads  []float64
	exec   *Exec

	n     int         // batch size of the last Forward
	acts  [][]float64 // acts[0] is the caller's input, acts[i+1] layer i's output
	dacts [][]float64 // dacts[i] is the gradient w.r.t. acts[i], i ≥ 1
}

// NewSequential chains layers (each layer's OutDim must equal the next
// one's InDim), binds them to fresh zero parameter and gradient storage
// and uses e for its kernels (a nil e means NewExec(0)).
func NewSequential(e *Exec, layers ...Layer) *Sequential {
	if len(layers) == 0 {
		panic("nn: empty Sequential")
	}
	if e == nil {
		e = NewExec(0)
	}
	total := 0
	for i, l := range layers {
		if i > 0 && layers[i-1].OutDim() != l.InDim() {
			panic(fmt.Sprintf("nn: layer %d has input dimension %d, previous output %d", i, l.InDim(), layers[i-1].OutDim()))
		}
		total += l.NumParams()
	}
	s := &Sequential{layers: layers, params: make([]float64, total), grads: make([]float64, total), exec: e}
	off := 0
	for _, l := range layers {
		k := l.NumParams()
		l.Bind(s.params[off:off+k:off+k], s.grads[off:off+k:off+k])
		off += k
	}
	s.acts = make([][]float64, len(layers)+1)
	s.dacts = make([][]float64, len(layers)+1)
	return s
}

// Layers returns the layers.
func (s *Sequential) Layers() []Layer { return s.layers }

// Exec returns the execution context.
func (s *Sequential) Exec() *Exec { return s.exec }

// InDim is the input dimension.
func (s *Sequential) InDim() int { return s.layers[0].InDim() }

// OutDim is the output dimension.
func (s *Sequential) OutDim() int { return s.layers[len(s.layers)-1].OutDim() }

// Params returns the flat parameter vector (not a copy).
func (s *Sequential) Params() []float64 { return s.params }

// Grads returns the flat gradient vector (not a copy), aligned with Params.
func (s *Sequential) Grads() []float64 { return s.grads }

// ZeroGrad sets every gradient to zero.
func (s *Sequential) ZeroGrad() { clear(s.grads) }

// Init initialises the layers in order from rng.
func (s *Sequential) Init(rng *rand.Rand) {
	for _, l := range s.layers {
		l.Init(rng)
	}
}

// Forward runs the n inputs x (n×InDim) through the network and returns
// the n×OutDim outputs in a buffer owned by s, valid until the next
// Forward. x is kept, not copied, for Backward: do not change it in
// between.
func (s *Sequential) Forward(x []float64, n int) []float64 {
	if n <= 0 {
		panic("nn: non-positive batch size")
	}
	checkBatch(x, n, s.InDim(), "network input")
	s.n = n
	s.acts[0] = x[:n*s.InDim()]
	for i, l := range s.layers {
		s.acts[i+1] = grow(s.acts[i+1], n*l.OutDim())
		l.Forward(s.exec, s.acts[i+1], s.acts[i], n)
	}
	return s.acts[len(s.layers)]
}

// Backward takes the gradient dy (n×OutDim) of a scalar loss with respect
// to the outputs of the last Forward, adds the parameter gradients to
// Grads and, if dx is not nil, writes the gradient with respect to the
// inputs into dx (n×InDim).
func (s *Sequential) Backward(dy, dx []float64) { s.backward(dy, dx, true) }

// VJP writes the vector-Jacobian product dyᵀ·∂f/∂x of the last Forward
// into dx without touching the parameter gradients.
func (s *Sequential) VJP(dy, dx []float64) {
	if dx == nil {
		panic("nn: VJP with nil dx")
	}
	s.backward(dy, dx, false)
}

func (s *Sequential) backward(dy, dx []float64, accumulate bool) {
	if s.n == 0 {
		panic("nn: Backward before Forward")
	}
	n := s.n
	checkBatch(dy, n, s.OutDim(), "network output gradient")
	g := dy[:n*s.OutDim()]
	for i := len(s.layers) - 1; i >= 0; i-- {
		l := s.layers[i]
		var gin []float64
		if i > 0 {
			s.dacts[i] = grow(s.dacts[i], n*l.InDim())
			gin = s.dacts[i]
		} else if dx != nil {
			checkBatch(dx, n, l.InDim(), "network input gradient")
			gin = dx[:n*l.InDim()]
		}
		l.Backward(s.exec, gin, g, s.acts[i], s.acts[i+1], n, accumulate)
		g = gin
	}
}
