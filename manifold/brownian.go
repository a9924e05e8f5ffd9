package manifold

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Parse returns the manifold named by spec: "rN" or "euclidean:N" (R^N),
// "sK" or "sphere:K" (the sphere S^K ⊂ R^{K+1}), "so3", and "tN" or
// "torus:N" (T^N), with 1 ≤ N, K ≤ 2²⁰; names are case-insensitive.
// Products are written with "x" between factors: "s2xso3xt2".
func Parse(spec string) (Manifold, error) {
	s := strings.ToLower(strings.TrimSpace(spec))
	if strings.Contains(s, "x") {
		parts := strings.Split(s, "x")
		fs := make([]Manifold, len(parts))
		for i, p := range parts {
			m, err := parseFactor(p)
			if err != nil {
				return nil, fmt.Errorf("%w (in %q)", err, spec)
			}
			fs[i] = m
		}
		return NewProduct(fs...), nil
	}
	return parseFactor(s)
}

// ErrUnknownManifold is returned by Parse for a name it does not know.
var ErrUnknownManifold = fmt.Errorf("manifold: unknown manifold")

func parseFactor(s string) (Manifold, error) {
	if s == "so3" || s == "so(3)" {
		return NewSO3(), nil
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
		return nil, fmt.Errorf("%w %q (want rN, sK, so3 or tN with N, K ≥ 1, or products such as s2xso3)", ErrUnknownManifold, s)
	}
	switch name {
	case "r", "euclidean":
		return NewEuclidean(n), nil
	case "s", "sphere":
		return NewSphere(n + 1), nil
	case "t", "torus":
		return NewTorus(n), nil
	}
	return nil, fmt.Errorf("%w %q (want rN, sK, so3 or tN with N, K ≥ 1, or products such as s2xso3)", ErrUnknownManifold, s)
}

// BasePoint returns the conventional origin of m: zero on R^n and T^n, the
// north pole (last basis vector) on spheres, the identity on SO(3), and the
// concatenation of the factors' base points on products. It panics if m is
// nil or a zero value (see NewProduct).
func BasePoint(m Manifold) []float64 {
	checkUsable("BasePoint", m)
	x := make([]float64, m.AmbientDim())
	setBasePoint(m, x)
	return x
}

func setBasePoint(m Manifold, x []float64) {
	switch mm := m.(type) {
	case Sphere:
		x[len(x)-1] = 1
	case SO3:
		x[0], x[4], x[8] = 1, 1, 1
	case Product:
		for i, f := range mm.Factors() {
			setBasePoint(f, x[mm.Offset(i):mm.Offset(i+1)])
		}
	}
}

// Moment is a statistic of a point together with its exact expectation.
type Moment struct {
	// Name describes the statistic, e.g. "<x0,X>".
	Name string
	// Exact is the expectation.
	Exact float64
	// Stat evaluates the statistic at a point.
	Stat func(x []float64) float64
}

// BrownianMoments returns statistics whose expectations under Brownian
// motion with generator ½Δ started at x0 are known in closed form at time t
// (the heat kernel at time t; t = +Inf gives the uniform law on compact
// manifolds). From the spectral decomposition of Δ (manifolds.md):
//
//	R^n:      E|X − x0|² = n t
//	S^{d−1}:  E⟨x0, X⟩ = e^{−(d−1)t/2},  E⟨x0, X⟩² = 1/d + (1 − 1/d) e^{−d t}
//	SO(3):    E tr(R0ᵀR) = 3e^{−t},  E χ₂(R0ᵀR) = 5e^{−3t}
//	T^n:      mean_i E cos(X_i − x0_i) = e^{−t/2},  mean_i E cos 2(X_i − x0_i) = e^{−2t}
//
// with χ₂ = tr² − tr − 1 = 1 + 2cos ω + 2cos 2ω the character of the
// l = 2 representation of SO(3) (eigenvalue l(l+1) = 6) and ⟨x0,X⟩² − 1/d
// a degree-2 zonal harmonic on S^{d−1} (eigenvalue 2d). On a product the
// factors are independent and each contributes its own moments, named with
// the factor index. The returned statistics close over x0.
func BrownianMoments(m Manifold, x0 []float64, t float64) []Moment {
	checkLen("BrownianMoments", m.AmbientDim(), x0)
	inner := func(x []float64) float64 { return dot(x, x0) }
	switch mm := m.(type) {
	case Euclidean:
		if math.IsInf(t, 1) {
			return nil
		}
		return []Moment{{Name: "|X-x0|^2", Exact: float64(mm.n) * t, Stat: func(x []float64) float64 {
			var s float64
			for i := range x {
				s += (x[i] - x0[i]) * (x[i] - x0[i])
			}
			return s
		}}}
	case Sphere:
		d := float64(mm.d)
		return []Moment{
			{Name: "<x0,X>", Exact: math.Exp(-(d - 1) * t / 2), Stat: inner},
			{Name: "<x0,X>^2", Exact: 1/d + (1-1/d)*math.Exp(-d*t), Stat: func(x []float64) float64 { c := inner(x); return c * c }},
		}
	case SO3:
		return []Moment{
			{Name: "tr(R0'R)", Exact: 3 * math.Exp(-t), Stat: inner},
			{Name: "chi2(R0'R)", Exact: 5 * math.Exp(-3*t), Stat: func(x []float64) float64 { c := inner(x); return c*c - c - 1 }},
		}
	case Torus:
		mc := func(k float64) func(x []float64) float64 {
			return func(x []float64) float64 {
				var s float64
				for i := range x {
					s += math.Cos(k * (x[i] - x0[i]))
				}
				return s / float64(len(x))
			}
		}
		return []Moment{
			{Name: "mean cos(X-x0)", Exact: math.Exp(-t / 2), Stat: mc(1)},
			{Name: "mean cos 2(X-x0)", Exact: math.Exp(-2 * t), Stat: mc(2)},
		}
	case Product:
		var out []Moment
		for i, f := range mm.Factors() {
			a, b := mm.Offset(i), mm.Offset(i+1)
			for _, mo := range BrownianMoments(f, x0[a:b], t) {
				stat := mo.Stat
				out = append(out, Moment{
					Name:  fmt.Sprintf("[%d] %s", i, mo.Name),
					Exact: mo.Exact,
					Stat:  func(x []float64) float64 { return stat(x[a:b]) },
				})
			}
		}
		return out
	}
	return nil
}

// MomentCheck compares the sample mean of a Moment's statistic with its
// exact expectation.
type MomentCheck struct {
	Name   string  `json:"name"`
	Mean   float64 `json:"mean"`    // sample mean
	StdErr float64 `json:"std_err"` // its standard error s/√n
	Exact  float64 `json:"exact"`
	// Z is (Mean − Exact)/StdErr (0 when StdErr is 0); |Z| > 4 signals a
	// wrong sampler or a discretisation bias larger than the Monte Carlo
	// error (a false alarm has probability 6e-5 for a normal mean).
	Z float64 `json:"z"`
}

// CheckMoments evaluates each moment on the n = len(batch)/dim points of
// batch (dim values each, back to back) and compares the sample mean with
// the exact value.
func CheckMoments(batch []float64, dim int, moments []Moment) []MomentCheck {
	if dim <= 0 || len(batch)%dim != 0 {
		panic("manifold: CheckMoments: batch length not a multiple of dim")
	}
	n := len(batch) / dim
	out := make([]MomentCheck, 0, len(moments))
	for _, mo := range moments {
		var sum float64
		for i := 0; i < n; i++ {
			sum += mo.Stat(batch[i*dim : (i+1)*dim])
		}
		mean := sum / float64(n)
		var ss float64
		for i := 0; i < n; i++ {
			e := mo.Stat(batch[i*dim:(i+1)*dim]) - mean
			ss += e * e
		}
		c := MomentCheck{Name: mo.Name, Mean: mean, Exact: mo.Exact}
		if n > 1 {
			c.StdErr = math.Sqrt(ss / float64(n-1) / float64(n))
		}
		if c.StdErr > 0 {
			c.Z = (mean - mo.Exact) / c.StdErr
		}
		out = append(out, c)
	}
	return out
}
