package nn

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Arch describes a multilayer perceptron for a control u(t, x): the input
// is x (In values) followed, when TimeFreqs > 0, by the sinusoidal time
// embedding of t (2·TimeFreqs values), then Dense layers to the widths in
// Hidden, each followed by Activation, and a final Dense layer to Out.
type Arch struct {
	In         int     `json:"in"`
	Out        int     `json:"out"`
	Hidden     []int   `json:"hidden"`
	Activation string  `json:"activation"`
	TimeFreqs  int     `json:"time_freqs"`
	OmegaMin   float64 `json:"omega_min,omitempty"`
	OmegaMax   float64 `json:"omega_max,omitempty"`
}

// Limits that keep a described network within reason; they protect the
// loader from files that ask for absurd allocations.
const (
	MaxWidth  = 1 << 16
	MaxLayers = 256
	MaxParams = 1 << 28
)

// ErrArch is wrapped by every error about a bad architecture.
var ErrArch = errors.New("nn: bad architecture")

// Validate reports whether a describes a buildable network.
func (a Arch) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrArch, fmt.Sprintf(format, args...))
	}
	if a.In <= 0 || a.In > MaxWidth || a.Out <= 0 || a.Out > MaxWidth {
		return bad("input/output dimensions %d/%d", a.In, a.Out)
	}
	if len(a.Hidden) > MaxLayers {
		return bad("%d hidden layers", len(a.Hidden))
	}
	for i, h := range a.Hidden {
		if h <= 0 || h > MaxWidth {
			return bad("hidden layer %d has width %d", i, h)
		}
	}
	if _, err := ParseAct(a.Activation); err != nil {
		return bad("%v", err)
	}
	if a.TimeFreqs < 0 || a.TimeFreqs > MaxWidth {
		return bad("%d time frequencies", a.TimeFreqs)
	}
	if a.TimeFreqs > 0 {
		if !(a.OmegaMin > 0) || !(a.OmegaMax >= a.OmegaMin) || math.IsInf(a.OmegaMax, 0) {
			return bad("time frequencies must satisfy 0 < omega_min ≤ omega_max < ∞, got %v, %v", a.OmegaMin, a.OmegaMax)
		}
	}
	if p := a.numParams(); p > MaxParams {
		return bad("%d parameters (limit %d)", p, MaxParams)
	}
	return nil
}

// NumParams is the number of parameters of the network a describes.
func (a Arch) NumParams() int { return a.numParams() }

func (a Arch) numParams() int {
	total, in := 0, a.In+2*a.TimeFreqs
	for _, h := range append(a.Hidden[:len(a.Hidden):len(a.Hidden)], a.Out) {
		total += in*h + h
		if total > MaxParams {
			return total
		}
		in = h
	}
	return total
}

// MLP is the network described by an Arch, evaluated on batches of
// (t, x) pairs.
//
// # Time embedding
//
// With K = TimeFreqs, the embedding of t is
//
//	embed(t) = [sin(ω₀t), …, sin(ω_{K−1}t), cos(ω₀t), …, cos(ω_{K−1}t)],
//	ω_k = ω_min·(ω_max/ω_min)^{k/(K−1)}  (ω₀ = ω_min when K = 1),
//
// geometrically spaced frequencies as in the positional encoding of
// Vaswani et al. 2017 ("Attention is all you need", §3.5) and the Fourier
// features of Tancik et al. 2020. For t ∈ [0, 1] a range such as
// ω_min = 1, ω_max = 100 resolves both slow and fast changes in t.
type MLP struct {
	Arch  Arch
	Net   *Sequential
	omega []float64
	in    []float64 // n×(In+2K) network input
	din   []float64 // its gradient
	n     int
}

// NewMLP builds the network described by a, with zero parameters, using e
// for its kernels (nil e means NewExec(0)).
func NewMLP(a Arch, e *Exec) (*MLP, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	act, _ := ParseAct(a.Activation)
	a.Hidden = append([]int(nil), a.Hidden...)
	var layers []Layer
	in := a.In + 2*a.TimeFreqs
	for _, h := range a.Hidden {
		layers = append(layers, NewDense(in, h), NewAct(act, h))
		in = h
	}
	layers = append(layers, NewDense(in, a.Out))
	m := &MLP{Arch: a, Net: NewSequential(e, layers...)}
	K := a.TimeFreqs
	m.omega = make([]float64, K)
	for k := range K {
		if K == 1 {
			m.omega[k] = a.OmegaMin
			continue
		}
		m.omega[k] = a.OmegaMin * math.Pow(a.OmegaMax/a.OmegaMin, float64(k)/float64(K-1))
	}
	return m, nil
}

// Omegas returns the embedding frequencies ω_k.
func (m *MLP) Omegas() []float64 { return m.omega }

// Params, Grads, ZeroGrad and Init act on the underlying Sequential.
func (m *MLP) Params() []float64   { return m.Net.Params() }
func (m *MLP) Grads() []float64    { return m.Net.Grads() }
func (m *MLP) ZeroGrad()           { m.Net.ZeroGrad() }
func (m *MLP) Init(rng *rand.Rand) { m.Net.Init(rng) }

// Embed writes embed(t) (2·TimeFreqs values) into dst.
func (m *MLP) Embed(dst []float64, t float64) {
	K := len(m.omega)
	dst = dst[:2*K]
	for k, w := range m.omega {
		dst[k], dst[K+k] = math.Sincos(w * t)
	}
}

// Forward evaluates the network at the n pairs (t[i], x[i·In:(i+1)·In])
// and returns the n×Out outputs in a buffer owned by m, valid until the
// next Forward. t is ignored (and may be nil) when TimeFreqs is 0.
func (m *MLP) Forward(t, x []float64, n int) []float64 {
	if n <= 0 {
		panic("nn: non-positive batch size")
	}
	checkBatch(x, n, m.Arch.In, "MLP input")
	m.n = n
	K := m.Arch.TimeFreqs
	if K == 0 {
		return m.Net.Forward(x, n)
	}
	if len(t) < n {
		panic("nn: MLP time slice too short")
	}
	d := m.Arch.In + 2*K
	m.in = grow(m.in, n*d)
	for i := range n {
		row := m.in[i*d : (i+1)*d]
		copy(row, x[i*m.Arch.In:(i+1)*m.Arch.In])
		m.Embed(row[m.Arch.In:], t[i])
	}
	return m.Net.Forward(m.in, n)
}

// Backward adds the parameter gradients of the loss with output gradient
// dy (n×Out) to Grads and, when dx is not nil, writes the gradient with
// respect to x (n×In) into dx.
func (m *MLP) Backward(dy, dx []float64) { m.backward(dy, dx, true) }

// VJP writes dyᵀ·∂u/∂x, the vector-Jacobian product with respect to x at
// the last Forward, into dx (n×In), leaving Grads unchanged.
func (m *MLP) VJP(dy, dx []float64) {
	if dx == nil {
		panic("nn: VJP with nil dx")
	}
	m.backward(dy, dx, false)
}

func (m *MLP) backward(dy, dx []float64, accumulate bool) {
	K := m.Arch.TimeFreqs
	if K == 0 || dx == nil {
		m.Net.backward(dy, dx, accumulate)
		return
	}
	n, in, d := m.n, m.Arch.In, m.Arch.In+2*K
	checkBatch(dx, n, in, "MLP input gradient")
	m.din = grow(m.din, n*d)
	m.Net.backward(dy, m.din, accumulate)
	for i := range n {
		copy(dx[i*in:(i+1)*in], m.din[i*d:i*d+in])
	}
}
