package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Layer is one stage of a network acting on a batch in batch-major layout:
// a batch of n inputs is n×InDim() contiguous float64, row i holding input
// i. A layer's parameters and their gradients are views into the flat
// storage of the network that holds it (see Bind).
type Layer interface {
	InDim() int
	OutDim() int
	// NumParams is the number of float64 parameters.
	NumParams() int
	// Bind makes the layer use params and grads (both of length
	// NumParams) as its parameter and gradient storage.
	Bind(params, grads []float64)
	// Init sets the parameters from rng.
	Init(rng *rand.Rand)
	// Forward writes the outputs for the n inputs x into y.
	Forward(e *Exec, y, x []float64, n int)
	// Backward takes the inputs x and outputs y of the last Forward and
	// the gradient dy of a scalar loss with respect to y. If accumulate
	// is set it adds the parameter gradients to the bound gradient
	// storage; if dx is not nil it writes the gradient with respect to x
	// into dx.
	Backward(e *Exec, dx, dy, x, y []float64, n int, accumulate bool)
}

// Dense is the affine layer y = xW + b, with W an In×Out matrix stored
// row-major followed by the bias b (Out values) in the parameter vector.
type Dense struct {
	In, Out int
	w, b    []float64
	dw, db  []float64
}

// NewDense returns an unbound in→out dense layer.
func NewDense(in, out int) *Dense {
	if in <= 0 || out <= 0 {
		panic(fmt.Sprintf("nn: bad dense dimensions %d→%d", in, out))
	}
	return &Dense{In: in, Out: out}
}

// InDim, OutDim and NumParams implement Layer; NumParams = In·Out + Out.
func (d *Dense) InDim() int     { return d.In }
func (d *Dense) OutDim() int    { return d.Out }
func (d *Dense) NumParams() int { return d.In*d.Out + d.Out }

// Weights returns the bound weight matrix (In×Out, row-major) and bias.
func (d *Dense) Weights() (w, b []float64) { return d.w, d.b }

// Bind implements Layer: params and grads hold W (In×Out, row-major)
// then b.
func (d *Dense) Bind(params, grads []float64) {
	n := d.NumParams()
	if len(params) != n || len(grads) != n {
		panic("nn: Dense.Bind length mismatch")
	}
	k := d.In * d.Out
	d.w, d.b = params[:k:k], params[k:n:n]
	d.dw, d.db = grads[:k:k], grads[k:n:n]
}

// Init draws every weight and bias independently from U(−1/√In, 1/√In),
// the default of PyTorch's nn.Linear (He et al. 2015 uniform
// initialisation with gain 1/√3, "Delving deep into rectifiers").
func (d *Dense) Init(rng *rand.Rand) {
	bound := 1 / math.Sqrt(float64(d.In))
	for i := range d.w {
		d.w[i] = bound * (2*rng.Float64() - 1)
	}
	for i := range d.b {
		d.b[i] = bound * (2*rng.Float64() - 1)
	}
}

// Forward computes y_i = x_i W + b for the n rows of x.
func (d *Dense) Forward(e *Exec, y, x []float64, n int) {
	checkBatch(y, n, d.Out, "dense output")
	checkBatch(x, n, d.In, "dense input")
	for i := range n {
		copy(y[i*d.Out:(i+1)*d.Out], d.b)
	}
	Gemm(e, false, false, n, d.Out, d.In, x, d.In, d.w, d.Out, y, d.Out)
}

// Backward computes ∂W += xᵀ·∂y, ∂b_j += Σ_i ∂y_ij and ∂x = ∂y·Wᵀ.
func (d *Dense) Backward(e *Exec, dx, dy, x, y []float64, n int, accumulate bool) {
	checkBatch(dy, n, d.Out, "dense output gradient")
	if accumulate {
		checkBatch(x, n, d.In, "dense input")
		Gemm(e, true, false, d.In, d.Out, n, x, d.In, dy, d.Out, d.dw, d.Out)
		for i := range n {
			row := dy[i*d.Out : (i+1)*d.Out]
			db := d.db[:len(row)]
			for j, v := range row {
				db[j] += v
			}
		}
	}
	if dx != nil {
		checkBatch(dx, n, d.In, "dense input gradient")
		clear(dx[:n*d.In])
		Gemm(e, false, true, n, d.In, d.Out, dy, d.Out, d.w, d.Out, dx, d.In)
	}
}

func checkBatch(s []float64, n, dim int, what string) {
	if len(s) < n*dim {
		panic(fmt.Sprintf("nn: %s has %d values, want %d×%d", what, len(s), n, dim))
	}
}
