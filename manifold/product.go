package manifold

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
)

// Product is the Riemannian product M_1 × … × M_k of manifolds with the
// product metric. A point (and a tangent vector) is the concatenation of
// the factors' ambient coordinates; factor i occupies the half-open range
// [Offset(i), Offset(i+1)).
//
// Formulas (product metric, e.g. Lee 2018, Introduction to Riemannian
// Manifolds, Ex. 2.7 and Prop. 5.17: geodesics of a product are products of
// geodesics):
//
//	exp_x(v)     = (exp_{x_1}(v_1), …, exp_{x_k}(v_k))
//	log_x(y)     = (log_{x_1}(y_1), …, log_{x_k}(y_k))
//	dist²(x, y)  = Σ_i dist_i²(x_i, y_i)
//	g_x(u, v)    = Σ_i g_i(u_i, v_i)
//	Γ_{x→y}(v)   = (Γ^1_{x_1→y_1}(v_1), …, Γ^k_{x_k→y_k}(v_k))
//	Vol(M)       = Π_i Vol(M_i)   (log: Σ_i log Vol(M_i), +Inf if any
//	                              factor is non-compact)
//
// The reference law of Rand is the product of the factors' reference laws
// (uniform × uniform × standard normal …). The cut locus of x is the set
// of y with some y_i in the cut locus of x_i, where each factor's Log makes
// its documented choice.
//
// A Product holds its factors and precomputed offsets; methods slice the
// caller's buffers and call each factor once, allocating nothing. Product
// values are immutable and safe for concurrent use. A Product is a single
// pointer: copies share the factor list, and == compares identity (two
// products built separately from equal factors are different values but
// the same space for NewMixture). The zero Product is not usable; call
// NewProduct.
type Product struct {
	d *productData
}

type productData struct {
	factors []Manifold
	off     []int // off[i] = Offset(i), len(factors)+1 entries
	dim     int
	logVol  float64
}

// NewProduct returns the product of the given manifolds, in order. It
// panics if no factor is given, a factor is nil, a zero Product, or has
// AmbientDim() < 1 (e.g. the zero value Sphere{}, Torus{} or Euclidean{}
// instead of NewSphere(d), …): programmer errors.
func NewProduct(ms ...Manifold) Product {
	if len(ms) == 0 {
		panic("manifold: NewProduct: no factors")
	}
	p := &productData{
		factors: make([]Manifold, len(ms)),
		off:     make([]int, len(ms)+1),
	}
	copy(p.factors, ms)
	for i, m := range ms {
		if m == nil {
			panic("manifold: NewProduct: nil factor")
		}
		checkUsable(fmt.Sprintf("NewProduct: factor %d", i), m)
		p.off[i+1] = p.off[i] + m.AmbientDim()
		p.dim += m.Dim()
		p.logVol += m.LogVolume()
	}
	if math.IsInf(p.logVol, 1) || math.IsNaN(p.logVol) {
		p.logVol = math.Inf(1)
	}
	return Product{d: p}
}

// Factors returns a copy of the list of factors.
func (p Product) Factors() []Manifold {
	f := make([]Manifold, len(p.d.factors))
	copy(f, p.d.factors)
	return f
}

// NumFactors returns the number of factors k.
func (p Product) NumFactors() int { return len(p.d.factors) }

// Factor returns factor i.
func (p Product) Factor(i int) Manifold { return p.d.factors[i] }

// Offset returns the index of the first ambient coordinate of factor i in a
// point of the product; Offset(NumFactors()) is AmbientDim(). Factor i of a
// point x is x[p.Offset(i):p.Offset(i+1)].
func (p Product) Offset(i int) int { return p.d.off[i] }

// Dim returns Σ_i dim M_i.
func (p Product) Dim() int { return p.d.dim }

// AmbientDim returns Σ_i AmbientDim(M_i).
func (p Product) AmbientDim() int { return p.d.off[len(p.d.factors)] }

// Project projects each factor's block onto its factor. dst may alias x.
func (p Product) Project(dst, x []float64) {
	checkLen("Product.Project", p.AmbientDim(), dst, x)
	for i, m := range p.d.factors {
		a, b := p.d.off[i], p.d.off[i+1]
		m.Project(dst[a:b], x[a:b])
	}
}

// ProjectTangent projects each block of v onto the factor's tangent space
// at the corresponding block of x. dst may alias v.
func (p Product) ProjectTangent(dst, x, v []float64) {
	checkLen("Product.ProjectTangent", p.AmbientDim(), dst, x, v)
	for i, m := range p.d.factors {
		a, b := p.d.off[i], p.d.off[i+1]
		m.ProjectTangent(dst[a:b], x[a:b], v[a:b])
	}
}

// Exp writes (exp_{x_1}(v_1), …, exp_{x_k}(v_k)) into dst. dst may alias x
// where every factor allows it (all factors of this package do).
func (p Product) Exp(dst, x, v []float64) {
	checkLen("Product.Exp", p.AmbientDim(), dst, x, v)
	for i, m := range p.d.factors {
		a, b := p.d.off[i], p.d.off[i+1]
		m.Exp(dst[a:b], x[a:b], v[a:b])
	}
}

// Log writes (log_{x_1}(y_1), …, log_{x_k}(y_k)) into dst, each factor
// making its documented choice at its cut locus.
func (p Product) Log(dst, x, y []float64) {
	checkLen("Product.Log", p.AmbientDim(), dst, x, y)
	for i, m := range p.d.factors {
		a, b := p.d.off[i], p.d.off[i+1]
		m.Log(dst[a:b], x[a:b], y[a:b])
	}
}

// Dist returns √(Σ_i dist_i(x_i, y_i)²).
func (p Product) Dist(x, y []float64) float64 {
	checkLen("Product.Dist", p.AmbientDim(), x, y)
	var s float64
	for i, m := range p.d.factors {
		a, b := p.d.off[i], p.d.off[i+1]
		d := m.Dist(x[a:b], y[a:b])
		s += d * d
	}
	return math.Sqrt(s)
}

// Inner returns Σ_i g_i(u_i, v_i).
func (p Product) Inner(x, u, v []float64) float64 {
	checkLen("Product.Inner", p.AmbientDim(), x, u, v)
	var s float64
	for i, m := range p.d.factors {
		a, b := p.d.off[i], p.d.off[i+1]
		s += m.Inner(x[a:b], u[a:b], v[a:b])
	}
	return s
}

// Transport transports each block of v along its factor's minimising
// geodesic; dst may alias v.
func (p Product) Transport(dst, x, y, v []float64) {
	checkLen("Product.Transport", p.AmbientDim(), dst, x, y, v)
	for i, m := range p.d.factors {
		a, b := p.d.off[i], p.d.off[i+1]
		m.Transport(dst[a:b], x[a:b], y[a:b], v[a:b])
	}
}

// Rand draws each block from its factor's reference law, factors in order.
func (p Product) Rand(dst []float64, rng *rand.Rand) {
	checkLen("Product.Rand", p.AmbientDim(), dst)
	for i, m := range p.d.factors {
		m.Rand(dst[p.d.off[i]:p.d.off[i+1]], rng)
	}
}

// RandTangent draws each block from its factor's standard tangent normal
// law (RandTangent of the factor), so that Product implements TangentRander
// correctly when a factor's metric is not the ambient one (SO(3)).
func (p Product) RandTangent(dst, x []float64, rng *rand.Rand) {
	checkLen("Product.RandTangent", p.AmbientDim(), dst, x)
	for i, m := range p.d.factors {
		a, b := p.d.off[i], p.d.off[i+1]
		RandTangent(m, dst[a:b], x[a:b], rng)
	}
}

// LogVolume returns Σ_i log Vol(M_i), or +Inf if any factor has infinite
// volume.
func (p Product) LogVolume() float64 { return p.d.logVol }

// Residual returns the largest of the factors' residuals.
func (p Product) Residual(x []float64) float64 {
	checkLen("Product.Residual", p.AmbientDim(), x)
	var r float64
	for i, m := range p.d.factors {
		ri := m.Residual(x[p.d.off[i]:p.d.off[i+1]])
		if math.IsNaN(ri) {
			return math.Inf(1)
		}
		r = math.Max(r, ri)
	}
	return r
}

// productSameSpace reports whether a and b are the same manifold: equal
// values of a comparable type (Torus{4} == Torus{4}), or products with the
// same factors in the same order, recursively. Values of other
// non-comparable types are compared with reflect.DeepEqual.
func productSameSpace(a, b Manifold) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	pa, okA := a.(Product)
	pb, okB := b.(Product)
	if okA || okB {
		if !okA || !okB || len(pa.d.factors) != len(pb.d.factors) {
			return false
		}
		if pa.d == pb.d {
			return true
		}
		for i := range pa.d.factors {
			if !productSameSpace(pa.d.factors[i], pb.d.factors[i]) {
				return false
			}
		}
		return true
	}
	ta, tb := reflect.TypeOf(a), reflect.TypeOf(b)
	if ta != tb {
		return false
	}
	if ta.Comparable() {
		return a == b
	}
	return reflect.DeepEqual(a, b)
}
