package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// ActKind names an elementwise activation function.
type ActKind int

const (
	// Identity is f(x) = x.
	Identity ActKind = iota
	// SiLU (swish) is f(x) = x·σ(x), σ(x) = 1/(1+e^{−x}), with
	// f'(x) = σ(x)(1 + x(1−σ(x))) (Elfwing, Uchibe & Doya 2018;
	// Ramachandran, Zoph & Le 2017).
	SiLU
	// Tanh is f(x) = tanh x, f'(x) = 1 − f(x)².
	Tanh
	// Softplus is f(x) = log(1+eˣ), evaluated as max(x,0) + log1p(e^{−|x|}),
	// with f'(x) = σ(x).
	Softplus
	// GELU is the exact f(x) = x·Φ(x) = ½x(1 + erf(x/√2)), with
	// f'(x) = Φ(x) + x·φ(x) (Hendrycks & Gimpel 2016).
	GELU
)

var actNames = [...]string{"identity", "silu", "tanh", "softplus", "gelu"}

// String returns the name ParseAct accepts.
func (k ActKind) String() string {
	if k >= 0 && int(k) < len(actNames) {
		return actNames[k]
	}
	return fmt.Sprintf("ActKind(%d)", int(k))
}

// ParseAct returns the activation named s ("identity", "silu" or
// "swish", "tanh", "softplus", "gelu"; case-insensitive).
func ParseAct(s string) (ActKind, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "swish" {
		return SiLU, nil
	}
	for i, n := range actNames {
		if n == name {
			return ActKind(i), nil
		}
	}
	return 0, fmt.Errorf("nn: unknown activation %q", s)
}

// Act applies an activation elementwise to Dim-dimensional rows. It has no
// parameters. SiLU keeps σ(x) from the last Forward for Backward.
type Act struct {
	Kind ActKind
	Dim  int
	sig  []float64

	// job state for the parallel loops
	dy, x, y, dx []float64
	back         bool
}

// NewAct returns an activation layer on dim-dimensional rows.
func NewAct(kind ActKind, dim int) *Act {
	if dim <= 0 || kind < 0 || int(kind) >= len(actNames) {
		panic(fmt.Sprintf("nn: bad activation %v on dimension %d", kind, dim))
	}
	return &Act{Kind: kind, Dim: dim}
}

// InDim, OutDim, NumParams, Bind and Init implement Layer for a layer
// without parameters.
func (a *Act) InDim() int                   { return a.Dim }
func (a *Act) OutDim() int                  { return a.Dim }
func (a *Act) NumParams() int               { return 0 }
func (a *Act) Bind(params, grads []float64) {}
func (a *Act) Init(rng *rand.Rand)          {}

const (
	actGrain = 2048 // elements per worker below which splitting does not pay
	actBlock = 64   // elements per unit of work
)

// Forward applies the activation to the n rows of x.
func (a *Act) Forward(e *Exec, y, x []float64, n int) {
	m := n * a.Dim
	checkBatch(y, n, a.Dim, "activation output")
	checkBatch(x, n, a.Dim, "activation input")
	if a.Kind == SiLU {
		a.sig = grow(a.sig, m)
	}
	a.x, a.y, a.back = x[:m], y[:m], false
	e.parallel(a, (m+actBlock-1)/actBlock, actGrain/actBlock)
	a.x, a.y = nil, nil
}

// Backward writes ∂x = ∂y ⊙ f'(x) (nothing if dx is nil).
func (a *Act) Backward(e *Exec, dx, dy, x, y []float64, n int, accumulate bool) {
	if dx == nil {
		return
	}
	m := n * a.Dim
	checkBatch(dx, n, a.Dim, "activation input gradient")
	checkBatch(dy, n, a.Dim, "activation output gradient")
	checkBatch(x, n, a.Dim, "activation input")
	checkBatch(y, n, a.Dim, "activation output")
	if a.Kind == SiLU && len(a.sig) < m {
		panic("nn: activation Backward before Forward")
	}
	a.dx, a.dy, a.x, a.y, a.back = dx[:m], dy[:m], x[:m], y[:m], true
	e.parallel(a, (m+actBlock-1)/actBlock, actGrain/actBlock)
	a.dx, a.dy, a.x, a.y = nil, nil, nil, nil
}

// run works on the blocks [lo, hi) of actBlock elements. Splitting on
// block boundaries keeps the vector code's share of the elements, and so
// the results, independent of the number of workers.
func (a *Act) run(_, lo, hi int) {
	lo, hi = lo*actBlock, min(hi*actBlock, len(a.x))
	if a.back {
		a.backward(lo, hi)
	} else {
		a.forward(lo, hi)
	}
}

func (a *Act) forward(lo, hi int) {
	x, y := a.x[lo:hi], a.y[lo:hi]
	y = y[:len(x)]
	switch a.Kind {
	case Identity:
		copy(y, x)
	case SiLU:
		s := a.sig[lo:hi]
		s = s[:len(x)]
		done := siluVec(x, y, s)
		x, y, s = x[done:], y[done:], s[done:]
		for i, v := range x {
			sv := 1 / (1 + math.Exp(-v))
			s[i] = sv
			y[i] = v * sv
		}
	case Tanh:
		for i, v := range x {
			y[i] = math.Tanh(v)
		}
	case Softplus:
		for i, v := range x {
			y[i] = max(v, 0) + math.Log1p(math.Exp(-math.Abs(v)))
		}
	case GELU:
		for i, v := range x {
			y[i] = 0.5 * v * (1 + math.Erf(v/math.Sqrt2))
		}
	}
}

func (a *Act) backward(lo, hi int) {
	dx, dy := a.dx[lo:hi], a.dy[lo:hi]
	dy = dy[:len(dx)]
	switch a.Kind {
	case Identity:
		copy(dx, dy)
	case SiLU:
		x, s := a.x[lo:hi], a.sig[lo:hi]
		x, s = x[:len(dx)], s[:len(dx)]
		for i, g := range dy {
			sv := s[i]
			dx[i] = g * sv * (1 + x[i]*(1-sv))
		}
	case Tanh:
		y := a.y[lo:hi]
		y = y[:len(dx)]
		for i, g := range dy {
			dx[i] = g * (1 - y[i]*y[i])
		}
	case Softplus:
		x := a.x[lo:hi]
		x = x[:len(dx)]
		for i, g := range dy {
			dx[i] = g / (1 + math.Exp(-x[i]))
		}
	case GELU:
		x := a.x[lo:hi]
		x = x[:len(dx)]
		const invSqrt2Pi = 0.3989422804014327 // 1/√(2π)
		for i, g := range dy {
			v := x[i]
			dx[i] = g * (0.5*(1+math.Erf(v/math.Sqrt2)) + v*invSqrt2Pi*math.Exp(-0.5*v*v))
		}
	}
}

func siluVecNone(x, y, s []float64) int { return 0 }
