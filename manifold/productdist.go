package manifold

import (
	"fmt"
	"math/rand/v2"
)

// ProductDist is the law of independent components X = (X_1, …, X_k),
// X_i ~ P_i on M_i, on the product manifold M_1 × … × M_k:
//
//	log p(x) = Σ_i log p_i(x_i),   score(x) = (score_1(x_1), …, score_k(x_k)),
//
// the density being with respect to the product of the factors' Riemannian
// volumes, which is the Riemannian volume of the product metric (Lee 2018,
// Introduction to Riemannian Manifolds, Prop. 2.44: the volume form of a
// product is the wedge product of the factors' volume forms). The score is
// the Riemannian gradient because the product metric is block diagonal.
// Rand draws each block independently, components in order. A ProductDist
// is immutable and safe for concurrent use if its components are; its
// methods allocate nothing beyond what the components do.
type ProductDist struct {
	space Product
	comps []Distribution
	lps   []mixtureLogProbScorer // lps[i] = comps[i] if it has LogProbScore, else nil
}

// NewProductDist returns the independent product of the given laws on
// NewProduct(ds[0].Space(), …, ds[k−1].Space()). It returns an error
// wrapping ErrParameter if no component is given or one is nil.
func NewProductDist(ds ...Distribution) (*ProductDist, error) {
	if len(ds) == 0 {
		return nil, fmt.Errorf("manifold: NewProductDist: no components: %w", ErrParameter)
	}
	ms := make([]Manifold, len(ds))
	for i, d := range ds {
		if d == nil {
			return nil, fmt.Errorf("manifold: NewProductDist: component %d is nil: %w", i, ErrParameter)
		}
		ms[i] = d.Space()
	}
	return &ProductDist{
		space: NewProduct(ms...),
		comps: append([]Distribution(nil), ds...),
		lps:   mixtureFindLogProbScorers(ds),
	}, nil
}

// Space returns the product manifold (a Product).
func (p *ProductDist) Space() Manifold { return p.space }

// Product returns the product manifold as a Product, for its offsets.
func (p *ProductDist) Product() Product { return p.space }

// Components returns a copy of the list of component laws.
func (p *ProductDist) Components() []Distribution {
	return append([]Distribution(nil), p.comps...)
}

// LogProb returns Σ_i log p_i(x_i).
func (p *ProductDist) LogProb(x []float64) float64 {
	checkLen("ProductDist.LogProb", p.space.AmbientDim(), x)
	var s float64
	for i, c := range p.comps {
		s += c.LogProb(x[p.space.d.off[i]:p.space.d.off[i+1]])
	}
	return s
}

// Score writes (score_1(x_1), …, score_k(x_k)) into dst. dst may alias x
// where every component allows it.
func (p *ProductDist) Score(dst, x []float64) {
	checkLen("ProductDist.Score", p.space.AmbientDim(), dst, x)
	for i, c := range p.comps {
		a, b := p.space.d.off[i], p.space.d.off[i+1]
		c.Score(dst[a:b], x[a:b])
	}
}

// LogProbScore returns LogProb(x) and writes Score(x) into dst, using each
// component's own LogProbScore where it has one (one pass per block).
func (p *ProductDist) LogProbScore(dst, x []float64) float64 {
	checkLen("ProductDist.LogProbScore", p.space.AmbientDim(), dst, x)
	var s float64
	for i, c := range p.comps {
		a, b := p.space.d.off[i], p.space.d.off[i+1]
		if f := p.lps[i]; f != nil {
			s += f.LogProbScore(dst[a:b], x[a:b])
			continue
		}
		s += c.LogProb(x[a:b])
		c.Score(dst[a:b], x[a:b])
	}
	return s
}

// Rand draws each block from its component, in order.
func (p *ProductDist) Rand(dst []float64, rng *rand.Rand) {
	checkLen("ProductDist.Rand", p.space.AmbientDim(), dst)
	for i, c := range p.comps {
		c.Rand(dst[p.space.d.off[i]:p.space.d.off[i+1]], rng)
	}
}
