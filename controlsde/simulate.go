package controlsde

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/geosoc/geosoc/manifold"
)

// ErrSpace is returned by ParseSpace for a name it does not know.
var ErrSpace = errors.New("controlsde: unknown space")

// ParseSpace returns the manifold named by spec (case-insensitive); it
// accepts the names of internal/draw.ParseManifold (rN, sK, so3, tN) and
// the long forms:
//
//	"s2", "s<n>", "sphere:<n>"     the sphere S^n ⊂ R^{n+1} (n ≥ 1)
//	"so3"                          the rotation group SO(3)
//	"t<n>", "torus:<n>"            the torus T^n (n ≥ 1)
//	"r<n>", "euclidean:<n>"        Euclidean space R^n (n ≥ 1)
//
// It returns an error wrapping ErrSpace otherwise.
func ParseSpace(spec string) (manifold.Manifold, error) {
	s := strings.ToLower(strings.TrimSpace(spec))
	if s == "so3" || s == "so(3)" {
		return manifold.NewSO3(), nil
	}
	name, num := s, ""
	if i := strings.IndexByte(s, ':'); i >= 0 {
		name, num = s[:i], s[i+1:]
	} else {
		j := len(s)
		for j > 0 && s[j-1] >= '0' && s[j-1] <= '9' {
			j--
		}
		name, num = s[:j], s[j:]
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > 1<<20 {
		return nil, fmt.Errorf("%w: %q (want s<n>, sphere:<n>, so3, t<n>, torus:<n>, r<n>, euclidean:<n> with n ≥ 1)", ErrSpace, spec)
	}
	switch name {
	case "s", "sphere":
		return manifold.NewSphere(n + 1), nil
	case "t", "torus":
		return manifold.NewTorus(n), nil
	case "r", "euclidean":
		return manifold.NewEuclidean(n), nil
	}
	return nil, fmt.Errorf("%w: %q", ErrSpace, spec)
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
// particles, 100 steps, T = 1, the method "geodesic-em", and the base point
// (the last basis vector on a sphere, the identity on SO(3), 0 on R^n and
// T^n).
type BrownianOptions struct {
	Space     string
	Method    string
	Particles int
	Steps     int
	T         float64
	Seed      uint64
	Start     []float64
}

// MomentCheck compares a Monte Carlo mean with its exact value (the JSON
// form matches internal/draw.MomentResult).
type MomentCheck struct {
	Name   string  `json:"name"`    // the statistic, e.g. "E<x0,X_T>"
	Mean   float64 `json:"mean"`    // sample mean
	StdErr float64 `json:"std_err"` // its standard error
	Exact  float64 `json:"exact"`   // exact value for Brownian motion (manifolds.md)
	Z      float64 `json:"z"`       // (Mean − Exact)/StdErr; |Z| > 4 signals a wrong scheme or too coarse a grid
}

// BrownianReport is the outcome of SimulateBrownian: the samples X_T (N·Dim
// values) and the moment checks, for a CLI to print (or marshal as JSON)
// and to write with internal/fileio.WriteMatrixFile.
type BrownianReport struct {
	Space     string        `json:"space"`
	Method    string        `json:"method"`
	T         float64       `json:"t"`
	Steps     int           `json:"steps"`
	Particles int           `json:"particles"`
	Seed      uint64        `json:"seed"`
	Dim       int           `json:"dim"` // ambient dimension of a sample
	Start     []float64     `json:"start"`
	Samples   []float64     `json:"-"` // Particles × Dim values
	Moments   []MomentCheck `json:"moments"`
}

// SimulateBrownian runs standard Brownian motion (generator ½Δ) on the
// manifold named by o.Space from o.Start to time o.T and compares sample
// moments with their exact values (manifolds.md):
//
//	R^n:      E|X_T − x₀|² = nT,  E(X_T − x₀)₁ = 0
//	S^{d−1}:  E⟨x₀, X_T⟩ = e^{−(d−1)T/2},  E⟨x₀, X_T⟩² = 1/d + (1 − 1/d)e^{−dT}
//	SO(3):    E tr R_T = 3e^{−T},  E χ₂(R_T) = E[tr² − tr − 1] = 5e^{−3T}
//	T^n:      mean_i E cos(X_i − x₀_i) = e^{−T/2},  mean_i E cos 2(X_i − x₀_i) = e^{−2T}
//
// (the second sphere moment is the degree-2 zonal harmonic, eigenvalue
// l(l+d−2) = 2d of −Δ).
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
		x0 = make([]float64, d)
		switch m.(type) {
		case manifold.Sphere:
			x0[d-1] = 1
		case manifold.SO3:
			x0[0], x0[4], x0[8] = 1, 1, 1
		}
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
	rep := &BrownianReport{Space: o.Space, Method: fmt.Sprintf("%T", meth), T: o.T, Steps: o.Steps,
		Particles: o.Particles, Seed: o.Seed, Dim: d, Start: append([]float64(nil), x0...), Samples: res.X}
	rep.Method = strings.TrimPrefix(rep.Method, "controlsde.")
	T := o.T
	check := func(name string, exact float64, f func(x []float64) float64) {
		mean, se := meanOf(res, f)
		z := 0.0
		if se > 0 {
			z = (mean - exact) / se
		}
		rep.Moments = append(rep.Moments, MomentCheck{Name: name, Mean: mean, StdErr: se, Exact: exact, Z: z})
	}
	inner := func(x []float64) float64 {
		var s float64
		for i := range x {
			s += x[i] * x0[i]
		}
		return s
	}
	switch m.(type) {
	case manifold.Euclidean:
		check("E|X_T-x0|^2", float64(d)*T, func(x []float64) float64 {
			var s float64
			for i := range x {
				s += (x[i] - x0[i]) * (x[i] - x0[i])
			}
			return s
		})
		check("E(X_T-x0)_1", 0, func(x []float64) float64 { return x[0] - x0[0] })
	case manifold.Sphere:
		fd := float64(d)
		check("E<x0,X_T>", math.Exp(-(fd-1)*T/2), inner)
		check("E<x0,X_T>^2", 1/fd+(1-1/fd)*math.Exp(-fd*T), func(x []float64) float64 { c := inner(x); return c * c })
	case manifold.SO3:
		// tr(R₀ᵀR) = Σ_ij R₀_ij R_ij.
		check("E tr(R0^T R_T)", 3*math.Exp(-T), inner)
		check("E chi_2(R0^T R_T)", 5*math.Exp(-3*T), func(x []float64) float64 { c := inner(x); return c*c - c - 1 })
	case manifold.Torus:
		check("mean_i E cos(X_i-x0_i)", math.Exp(-T/2), func(x []float64) float64 {
			var s float64
			for i := range x {
				s += math.Cos(x[i] - x0[i])
			}
			return s / float64(len(x))
		})
		check("mean_i E cos 2(X_i-x0_i)", math.Exp(-2*T), func(x []float64) float64 {
			var s float64
			for i := range x {
				s += math.Cos(2 * (x[i] - x0[i]))
			}
			return s / float64(len(x))
		})
	}
	return rep, nil
}

// meanOf returns the sample mean of f over the final states of r and its
// standard error.
func meanOf(r *Result, f func(x []float64) float64) (mean, se float64) {
	n := float64(r.N)
	var m float64
	for i := 0; i < r.N; i++ {
		m += f(r.X[i*r.Dim : (i+1)*r.Dim])
	}
	m /= n
	var v float64
	for i := 0; i < r.N; i++ {
		e := f(r.X[i*r.Dim:(i+1)*r.Dim]) - m
		v += e * e
	}
	if r.N > 1 {
		v /= n - 1
	}
	return m, math.Sqrt(v / n)
}
