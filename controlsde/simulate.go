package controlsde

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/geosoc/geosoc/manifold"
)

// ErrSpace is returned by ParseSpace for a name it does not know.
var ErrSpace = errors.New("controlsde: unknown space")

// ParseSpace returns the manifold named by spec, as manifold.Parse (the
// shared parser of the CLI): "rN"/"euclidean:N", "sK"/"sphere:K" (S^K ⊂
// R^{K+1}), "so3", "tN"/"torus:N", and products such as "s2xso3xt2". An
// unknown name gives an error wrapping both ErrSpace and
// manifold.ErrUnknownManifold.
func ParseSpace(spec string) (manifold.Manifold, error) {
	m, err := manifold.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSpace, err)
	}
	return m, nil
}

// ParseMethod returns the integrator named by name: "geodesic-em" (or
// "em"), "projected-em", "lie-em", "heun" or "exact".
func ParseMethod(name string) (Method, error) {
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "", "em", "geodesic-em", "euler-maruyama":
		return EulerMaruyama{}, nil
	case "projected-em":
		return ProjectedEM{}, nil
	case "lie-em":
		return LieEM{}, nil
	case "heun":
		return Heun{}, nil
	case "exact":
		return Exact{}, nil
	}
	return nil, fmt.Errorf("%w: unknown method %q (want geodesic-em, projected-em, lie-em, heun or exact)", ErrProblem, name)
}

// BrownianOptions configures SimulateBrownian. Zero values mean: 1000
// particles, 100 steps, T = 1, the method "geodesic-em", and the start
// manifold.BasePoint (the last basis vector on a sphere, the identity on
// SO(3), 0 on R^n and T^n, factor by factor on products).
type BrownianOptions struct {
	Space     string
	Method    string
	Particles int
	Steps     int
	T         float64
	Seed      uint64
	Start     []float64
}

// BrownianReport is the outcome of SimulateBrownian: the samples X_T (N·Dim
// values) and the moment checks, for a CLI to print (or marshal as JSON)
// and to write with internal/fileio.WriteMatrixFile.
type BrownianReport struct {
	Space     string                 `json:"space"`
	Method    string                 `json:"method"`
	T         float64                `json:"t"`
	Steps     int                    `json:"steps"`
	Particles int                    `json:"particles"`
	Seed      uint64                 `json:"seed"`
	Dim       int                    `json:"dim"` // ambient dimension of a sample
	Start     []float64              `json:"start"`
	Samples   []float64              `json:"-"` // Particles × Dim values
	Moments   []manifold.MomentCheck `json:"moments"`
}

// SimulateBrownian runs standard Brownian motion (generator ½Δ) on the
// manifold named by o.Space from o.Start to time o.T and compares sample
// moments with their exact values, the statistics of
// manifold.BrownianMoments (manifolds.md):
//
//	R^n:      E|X_T − x₀|² = nT
//	S^{d−1}:  E⟨x₀, X_T⟩ = e^{−(d−1)T/2},  E⟨x₀, X_T⟩² = 1/d + (1 − 1/d)e^{−dT}
//	SO(3):    E tr(R₀ᵀR_T) = 3e^{−T},  E χ₂(R₀ᵀR_T) = 5e^{−3T}
//	T^n:      mean_i E cos(X_i − x₀_i) = e^{−T/2},  mean_i E cos 2(X_i − x₀_i) = e^{−2T}
//
// and those of each factor on a product.
func SimulateBrownian(o BrownianOptions) (*BrownianReport, error) {
	m, err := ParseSpace(o.Space)
	if err != nil {
		return nil, err
	}
	meth, err := ParseMethod(o.Method)
	if err != nil {
		return nil, err
	}
	if o.Particles == 0 {
		o.Particles = 1000
	}
	if o.Steps == 0 {
		o.Steps = 100
	}
	if o.T == 0 {
		o.T = 1
	}
	if o.Particles < 2 || o.Steps < 1 || !(o.T > 0) || math.IsInf(o.T, 0) {
		return nil, fmt.Errorf("%w: need particles ≥ 2, steps ≥ 1 and finite T > 0", ErrProblem)
	}
	d := m.AmbientDim()
	x0 := o.Start
	if x0 == nil {
		x0 = manifold.BasePoint(m)
	}
	if len(x0) != d {
		return nil, fmt.Errorf("%w: start has %d values, %s needs %d", ErrProblem, len(x0), o.Space, d)
	}
	if r := m.Residual(x0); !(r <= manifold.OnManifoldTol) {
		return nil, fmt.Errorf("%w: start is off %s by %g", manifold.ErrNotOnManifold, o.Space, r)
	}
	res, err := Simulate(Problem{Reference: Reference{Space: m, Start: x0}},
		&Settings{Grid: UniformGrid(o.Steps, 0, o.T), Particles: o.Particles, Seed: o.Seed}, meth)
	if err != nil {
		return nil, err
	}
	rep := &BrownianReport{Space: o.Space, Method: strings.TrimPrefix(fmt.Sprintf("%T", meth), "controlsde."),
		T: o.T, Steps: o.Steps, Particles: o.Particles, Seed: o.Seed, Dim: d,
		Start: append([]float64(nil), x0...), Samples: res.X}
	rep.Moments = manifold.CheckMoments(res.X, d, manifold.BrownianMoments(m, x0, o.T))
	return rep, nil
}
