package nn

import (
	"fmt"
	"math"
)

// Adam is the Adam optimiser of Kingma & Ba ("Adam: a method for
// stochastic optimization", ICLR 2015, Algorithm 1) with optional
// decoupled weight decay (AdamW, Loshchilov & Hutter, "Decoupled weight
// decay regularization", ICLR 2019). At step t = 1, 2, … with gradient g
// and learning rate η:
//
//	θ ← θ·(1 − ηλ)                                   (AdamW, if λ > 0)
//	m ← β₁m + (1−β₁)g,   v ← β₂v + (1−β₂)g²
//	θ ← θ − η·m̂/(√v̂ + ε),  m̂ = m/(1−β₁ᵗ),  v̂ = v/(1−β₂ᵗ)
//
// evaluated as θ − (η/(1−β₁ᵗ))·m/(√v/√(1−β₂ᵗ) + ε), the same order of
// operations as PyTorch's torch.optim.Adam/AdamW. All state is in flat
// slices (M, V) and the step counter T, so it can be saved and restored.
type Adam struct {
	Beta1       float64 `json:"beta1"`
	Beta2       float64 `json:"beta2"`
	Eps         float64 `json:"eps"`
	WeightDecay float64 `json:"weight_decay"`

	M []float64 `json:"-"` // first-moment estimate
	V []float64 `json:"-"` // second-moment estimate
	T int       `json:"t"` // number of steps taken

	// Exec, if not nil, splits the update across its workers (the
	// update is elementwise, so the result is the same).
	Exec *Exec `json:"-"`

	// state of the current Step for the workers
	params, grads                  []float64
	step, rbc2, decay, b1, b2, eps float64
}

// NewAdam returns Adam for n parameters with the defaults of the paper:
// β₁ = 0.9, β₂ = 0.999, ε = 1e-8, no weight decay.
func NewAdam(n int) *Adam {
	return &Adam{Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, M: make([]float64, n), V: make([]float64, n)}
}

// Step applies one update with learning rate lr to params given grads.
func (a *Adam) Step(params, grads []float64, lr float64) {
	if len(params) != len(a.M) || len(grads) != len(a.M) || len(a.V) != len(a.M) {
		panic(fmt.Sprintf("nn: Adam has %d moments for %d parameters and %d gradients", len(a.M), len(params), len(grads)))
	}
	a.T++
	t := float64(a.T)
	bc1 := 1 - math.Pow(a.Beta1, t)
	bc2 := 1 - math.Pow(a.Beta2, t)
	a.step, a.rbc2 = lr/bc1, 1/math.Sqrt(bc2)
	a.decay = 1 - lr*a.WeightDecay
	a.b1, a.b2, a.eps = a.Beta1, a.Beta2, a.Eps
	a.params, a.grads = params, grads
	if a.Exec != nil {
		a.Exec.parallel(a, len(a.M), 4096)
	} else {
		a.run(0, 0, len(a.M))
	}
	a.params, a.grads = nil, nil
}

func (a *Adam) run(_, lo, hi int) {
	m, v := a.M[lo:hi], a.V[lo:hi]
	v = v[:len(m)]
	params, grads := a.params[lo:hi], a.grads[lo:hi]
	params, grads = params[:len(m)], grads[:len(m)]
	b1, b2, eps, step, rbc2, decay := a.b1, a.b2, a.eps, a.step, a.rbc2, a.decay
	wd := a.WeightDecay != 0
	for i, g := range grads {
		p := params[i]
		if wd {
			p *= decay
		}
		mi := b1*m[i] + (1-b1)*g
		vi := b2*v[i] + (1-b2)*g*g
		m[i], v[i] = mi, vi
		params[i] = p - step*mi/(math.Sqrt(vi)*rbc2+eps)
	}
}

// ClipGradNorm scales g in place so that its Euclidean norm is at most
// maxNorm (g ← g·maxNorm/‖g‖ when ‖g‖ > maxNorm; Pascanu, Mikolov &
// Bengio 2013) and returns the norm before clipping. A non-finite norm
// leaves g unchanged.
func ClipGradNorm(g []float64, maxNorm float64) float64 {
	s := 0.0
	for _, v := range g {
		s += v * v
	}
	norm := math.Sqrt(s)
	if norm > maxNorm && !math.IsInf(norm, 0) {
		f := maxNorm / norm
		for i := range g {
			g[i] *= f
		}
	}
	return norm
}

// Schedule is a learning-rate schedule over steps t = 1, 2, …:
//
//	"constant": η(t) = Base
//	"warmup":   η(t) = Base·min(1, t/Warmup)
//	"cosine":   linear warm-up as above for t ≤ Warmup, then
//	            η(t) = Min + ½(Base − Min)(1 + cos(π·p)),
//	            p = min(1, (t − Warmup)/(Total − Warmup))
//
// (cosine annealing without restarts, Loshchilov & Hutter, "SGDR",
// ICLR 2017). Warmup 0 means no warm-up.
type Schedule struct {
	Kind   string  `json:"kind"`
	Base   float64 `json:"base"`
	Min    float64 `json:"min,omitempty"`
	Warmup int     `json:"warmup,omitempty"`
	Total  int     `json:"total,omitempty"`
}

// Validate reports whether s is usable.
func (s Schedule) Validate() error {
	switch {
	case s.Kind != "constant" && s.Kind != "warmup" && s.Kind != "cosine":
		return fmt.Errorf("nn: unknown schedule %q (want constant, warmup or cosine)", s.Kind)
	case !(s.Base > 0) || math.IsInf(s.Base, 0):
		return fmt.Errorf("nn: schedule base rate %v is not positive", s.Base)
	case s.Warmup < 0:
		return fmt.Errorf("nn: negative warm-up %d", s.Warmup)
	case s.Kind == "cosine" && s.Total <= s.Warmup:
		return fmt.Errorf("nn: cosine schedule needs total %d > warm-up %d", s.Total, s.Warmup)
	case s.Kind == "cosine" && !(s.Min >= 0 && s.Min <= s.Base):
		return fmt.Errorf("nn: cosine floor %v outside [0, base]", s.Min)
	}
	return nil
}

// LR returns the learning rate for step t ≥ 1.
func (s Schedule) LR(t int) float64 {
	if s.Kind != "constant" && s.Warmup > 0 && t < s.Warmup {
		return s.Base * float64(t) / float64(s.Warmup)
	}
	if s.Kind != "cosine" {
		return s.Base
	}
	p := min(1, float64(t-s.Warmup)/float64(s.Total-s.Warmup))
	return s.Min + 0.5*(s.Base-s.Min)*(1+math.Cos(math.Pi*p))
}
