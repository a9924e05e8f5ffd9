package soc

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/internal/nn"
	"github.com/geosoc/geosoc/manifold"
)

// Net is the neural control u_θ(t, x) ∈ T_xM: a time-embedded MLP (nn.MLP)
// that takes the ambient coordinates of x and the sinusoidal embedding of
// t, followed, on a curved manifold, by the orthogonal projection onto the
// tangent space,
//
//	u_θ(t, x) = P_x NN_θ(t, x),   P_x = manifold.ProjectTangent at x
//
// (P_x is the identity on R^n and T^n, where every ambient vector is
// tangent, and is skipped there).
//
// # Periodic coordinates
//
// An angle of a torus factor (T^n, alone or in a product) enters the MLP
// as the pair (cos x_j, sin x_j) instead of x_j, so that u_θ is continuous
// across the identification −π ≡ π; the network then has
// arch.In = AmbientDim + (number of angles) inputs (InputDim). The input
// gradient of Backward is chained through the embedding:
// ∂L/∂x_j = −sin x_j ∂L/∂c_j + cos x_j ∂L/∂s_j.
//
// # Target-gradient term
//
// With a Grad target set (NewNetGrad), the network has d + 1 outputs and
// the last one is a learned scalar gate c_θ(t, x) multiplying the clipped
// gradient of the target, as in the PIS control of Zhang & Chen (2022,
// "Path integral sampler", §4: u = NN₁(t, x) + NN₂(t)·∇ log γ(x)), here
// with the gate allowed to depend on x too:
//
//	u_θ(t, x) = P_x NN_θ(t, x)_{1…d} + c_θ(t, x) · clip(∇ log γ(x)),
//
// clip(v) = v·min(1, GradClip/|v|), |v| the ambient Euclidean norm (√2
// times the Riemannian norm on SO(3)); ∇ log γ is already tangent. Each
// evaluation costs one gradient evaluation of the target per point. The
// backward pass gives ∂L/∂NN_{1…d} = P_x δ and ∂L/∂c = δ·clip(∇ log γ);
// the input gradient of Backward then omits the path through ∇ log γ(x)
// (it would need the Hessian of log γ).
//
// # Backward pass
//
// For a scalar loss L with ∂L/∂u = δ, the chain rule through the
// projection gives ∂L/∂NN = P_xᵀ δ. For the embedded spheres P_x = I − xxᵀ
// is symmetric, so P_xᵀ δ = P_x δ: the vector-Jacobian product of the
// projection is the projection itself. On SO(3) ⊂ R^{3×3} the projection
// R·skew(Rᵀ V) is orthogonal for the Frobenius product, hence also
// self-adjoint in ambient coordinates; the Riemannian metric there is
// ½⟨·,·⟩_F, a constant factor that the caller's δ (an ambient Euclidean
// gradient) must already contain. Backward therefore applies ProjectTangent
// to δ and runs the MLP's backward pass.
//
// # Concurrency
//
// Net implements controlsde.Forker: each fork is its own nn.MLP (own
// activation buffers, a one-worker nn.Exec) whose layers are bound to the
// parent's parameter slice, which the forks only read. The parameters must
// not change while a simulation uses the forks.
type Net struct {
	MLP   *nn.MLP
	Space manifold.Manifold

	// Base, when not nil, is a fixed control added to the output,
	// u = u_base + u_θ (the learned-reference method lrds uses the Föllmer
	// drift of the fitted mixture). It has no parameters; it is forked
	// with the net.
	Base controlsde.Control

	// Grad, when not nil, is the target whose clipped gradient the gate
	// multiplies; GradClip bounds its ambient Euclidean norm.
	Grad     controlsde.Target
	GradClip float64

	d        int
	project  bool
	periodic []bool               // per ambient coordinate: an angle, embedded as (cos, sin); nil if none
	feat     []float64            // embedded rows of the last Forward
	dfeat    []float64            // gradient with respect to the embedded rows
	workers  int                  // goroutines for the gradient evaluations of Forward
	g        []float64            // clipped ∇ log γ at the rows of the last Forward
	dout     []float64            // gradient with respect to the network outputs
	bases    []controlsde.Control // per-worker forks of Base for Forward
	bbufs    [][]float64          // their row buffers
	params   []float64            // the parameters the layers read (the parent's)
	t        []float64            // per-row times
	buf      []float64            // projected gradient
}

// NewNet returns the control of a freshly built network with architecture
// arch (arch.In = arch.Out = space.AmbientDim()) on space, using e for its
// kernels (nil means nn.NewExec(0)). The parameters are zero; set them with
// copy(n.Params(), …) or n.MLP.Init.
func NewNet(arch nn.Arch, space manifold.Manifold, e *nn.Exec) (*Net, error) {
	d := space.AmbientDim()
	if arch.In != InputDim(space) || arch.Out != d {
		return nil, fmt.Errorf("%w: network maps R^%d to R^%d, space needs R^%d to R^%d", nn.ErrArch, arch.In, arch.Out, InputDim(space), d)
	}
	m, err := nn.NewMLP(arch, e)
	if err != nil {
		return nil, err
	}
	return &Net{MLP: m, Space: space, d: d, project: !isFlat(space), periodic: periodicCoords(space), params: m.Params(), workers: 1}, nil
}

// NewNetGrad returns the control with the target-gradient term: arch must
// have Out = In + 1 = space.AmbientDim() + 1, the last output being the
// gate c_θ(t, x). workers goroutines evaluate the gradients of a batch in
// Forward (the result does not depend on it).
func NewNetGrad(arch nn.Arch, space manifold.Manifold, e *nn.Exec, target controlsde.Target, clip float64, workers int) (*Net, error) {
	d := space.AmbientDim()
	if arch.In != InputDim(space) || arch.Out != d+1 {
		return nil, fmt.Errorf("%w: gated network maps R^%d to R^%d, want R^%d to R^%d", nn.ErrArch, arch.In, arch.Out, InputDim(space), d+1)
	}
	if target == nil || !(clip > 0) {
		return nil, fmt.Errorf("%w: gradient term needs a target and a positive clip", nn.ErrArch)
	}
	m, err := nn.NewMLP(arch, e)
	if err != nil {
		return nil, err
	}
	return &Net{MLP: m, Space: space, Grad: target, GradClip: clip, d: d, project: !isFlat(space), periodic: periodicCoords(space),
		params: m.Params(), workers: max(1, workers)}, nil
}

func isFlat(m manifold.Manifold) bool {
	switch m.(type) {
	case manifold.Euclidean, manifold.Torus:
		return true
	}
	return false
}

// Params returns the parameter slice the network reads (not a copy).
func (n *Net) Params() []float64 { return n.params }

// Grads returns the gradient slice of the parent network.
func (n *Net) Grads() []float64 { return n.MLP.Grads() }

// Fork returns a copy with its own buffers whose layers read n's
// parameters.
func (n *Net) Fork() controlsde.Control {
	m, err := nn.NewMLP(n.MLP.Arch, nn.NewExec(1))
	if err != nil {
		panic("soc: " + err.Error()) // the architecture was validated by NewNet
	}
	off := 0
	for _, l := range m.Net.Layers() {
		k := l.NumParams()
		if k == 0 {
			continue
		}
		l.Bind(n.params[off:off+k:off+k], make([]float64, k))
		off += k
	}
	if off != len(n.params) {
		panic("soc: Fork: parameter layout mismatch")
	}
	return &Net{MLP: m, Space: n.Space, Base: forkControl(n.Base), Grad: n.Grad, GradClip: n.GradClip, d: n.d, project: n.project, periodic: n.periodic, params: n.params, workers: 1}
}

func forkControl(c controlsde.Control) controlsde.Control {
	if f, ok := c.(controlsde.Forker); ok {
		return f.Fork()
	}
	return c
}

// SetBase sets the base control (forking it, so n owns its scratch).
func (n *Net) SetBase(c controlsde.Control) { n.Base = forkControl(c); n.bases = nil }

// addBase adds u_base(t_i, x_i) to every row of dst, the rows split over
// the workers (each row is independent, so the result does not depend on
// their number).
func (n *Net) addBase(dst, t, x []float64) {
	if n.Base == nil {
		return
	}
	d := n.d
	if n.bases == nil {
		n.bases = make([]controlsde.Control, n.workers)
		n.bbufs = make([][]float64, n.workers)
		n.bases[0] = n.Base
		for w := range n.workers {
			if w > 0 {
				n.bases[w] = forkControl(n.Base)
			}
			n.bbufs[w] = make([]float64, d)
		}
	}
	rows := len(t)
	workers := min(n.workers, rows)
	parallelFor(workers, workers, func(lo, hi int) {
		for w := lo; w < hi; w++ {
			base, buf := n.bases[w], n.bbufs[w]
			for i := rows * w / workers; i < rows*(w+1)/workers; i++ {
				base.Control(buf, t[i], x[i*d:(i+1)*d])
				for j, v := range buf {
					dst[i*d+j] += v
				}
			}
		}
	})
}

// Forward evaluates u_θ(t_i, x_i) for the rows of x (len(t) rows of d
// values) into dst, keeping what Backward needs.
func (n *Net) Forward(dst, t, x []float64) {
	rows := len(t)
	if len(x) != rows*n.d || len(dst) != rows*n.d {
		panic("soc: Net.Forward: batch length mismatch")
	}
	out := n.MLP.Forward(t, n.embed(x, rows), rows)
	d := n.d
	defer n.addBase(dst, t, x)
	if n.Grad == nil {
		if !n.project {
			copy(dst, out)
			return
		}
		for i := range rows {
			n.Space.ProjectTangent(dst[i*d:(i+1)*d], x[i*d:(i+1)*d], out[i*d:(i+1)*d])
		}
		return
	}
	n.g = grow(n.g, rows*d)
	parallelFor(rows, n.workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			g := n.g[i*d : (i+1)*d]
			n.Grad.GradLogDensity(g, x[i*d:(i+1)*d])
			var s float64
			for _, v := range g {
				s += v * v
			}
			f := 1.0
			if s = math.Sqrt(s); s > n.GradClip {
				f = n.GradClip / s
			}
			if math.IsNaN(s) || math.IsInf(s, 0) {
				f = 0
			}
			for c := range g {
				g[c] *= f
			}
		}
	})
	for i := range rows {
		o := out[i*(d+1) : (i+1)*(d+1)]
		u := dst[i*d : (i+1)*d]
		if n.project {
			n.Space.ProjectTangent(u, x[i*d:(i+1)*d], o[:d])
		} else {
			copy(u, o[:d])
		}
		c := o[d]
		for j, v := range n.g[i*d : (i+1)*d] {
			u[j] += c * v
		}
	}
}

// Backward adds ∂L/∂θ to Grads for the loss gradient du = ∂L/∂u at the
// rows of the last Forward (x the same rows) and, when dx is not nil,
// writes the part of ∂L/∂x that flows through the network input (the
// dependence of P_x on x is not included; on flat spaces this is all of
// ∂L/∂x).
func (n *Net) Backward(du, x, dx []float64) {
	g := du
	d := n.d
	if n.project {
		n.buf = grow(n.buf, len(du))
		for i := 0; i < len(du)/d; i++ {
			n.Space.ProjectTangent(n.buf[i*d:(i+1)*d], x[i*d:(i+1)*d], du[i*d:(i+1)*d])
		}
		g = n.buf
	}
	if n.Grad != nil {
		rows := len(du) / d
		n.dout = grow(n.dout, rows*(d+1))
		for i := range rows {
			o := n.dout[i*(d+1) : (i+1)*(d+1)]
			copy(o[:d], g[i*d:(i+1)*d])
			var s float64
			for j, v := range n.g[i*d : (i+1)*d] {
				s += du[i*d+j] * v
			}
			o[d] = s
		}
		g = n.dout
	}
	if n.periodic == nil || dx == nil {
		n.MLP.Backward(g, dx)
		return
	}
	n.dfeat = grow(n.dfeat, len(n.feat))
	n.MLP.Backward(g, n.dfeat)
	in := len(n.feat) / (len(x) / d)
	for i := 0; i < len(x)/d; i++ {
		f, xi, di := n.dfeat[i*in:(i+1)*in], x[i*d:(i+1)*d], dx[i*d:(i+1)*d]
		k := 0
		for j, p := range n.periodic {
			if p {
				sn, cs := math.Sincos(xi[j])
				di[j] = -sn*f[k] + cs*f[k+1]
				k += 2
			} else {
				di[j] = f[k]
				k++
			}
		}
	}
}

// embed returns the network input of the rows of x: x itself, or with
// every angle replaced by (cos, sin) (see Periodic coordinates).
func (n *Net) embed(x []float64, rows int) []float64 {
	if n.periodic == nil {
		return x
	}
	d := n.d
	in := d
	for _, p := range n.periodic {
		if p {
			in++
		}
	}
	n.feat = grow(n.feat, rows*in)
	for i := range rows {
		f, xi := n.feat[i*in:(i+1)*in], x[i*d:(i+1)*d]
		k := 0
		for j, p := range n.periodic {
			if p {
				f[k+1], f[k] = math.Sincos(xi[j])
				k += 2
			} else {
				f[k] = xi[j]
				k++
			}
		}
	}
	return n.feat
}

// InputDim returns the number of network inputs on space: its ambient
// dimension plus one per torus angle (each angle enters as (cos, sin)).
func InputDim(space manifold.Manifold) int {
	in := space.AmbientDim()
	for _, p := range periodicCoords(space) {
		if p {
			in++
		}
	}
	return in
}

// periodicCoords marks the ambient coordinates of space that are torus
// angles; nil when there are none.
func periodicCoords(space manifold.Manifold) []bool {
	var mark func(m manifold.Manifold, dst []bool) bool
	mark = func(m manifold.Manifold, dst []bool) bool {
		switch s := m.(type) {
		case manifold.Torus:
			for i := range dst {
				dst[i] = true
			}
			return true
		case manifold.Product:
			found := false
			for i, f := range s.Factors() {
				if mark(f, dst[s.Offset(i):s.Offset(i+1)]) {
					found = true
				}
			}
			return found
		}
		return false
	}
	p := make([]bool, space.AmbientDim())
	if !mark(space, p) {
		return nil
	}
	return p
}

// Control implements controlsde.Control: u_θ(t, x_i) for every point of
// the block x.
func (n *Net) Control(dst []float64, t float64, x []float64) {
	rows := len(x) / n.d
	n.t = grow(n.t, rows)
	for i := range n.t {
		n.t[i] = t
	}
	n.Forward(dst, n.t, x)
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
