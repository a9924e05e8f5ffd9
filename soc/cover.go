package soc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/manifold"
	"gonum.org/v1/gonum/num/quat"
)

// lrds beyond R^d. The chain (mixtureChain) always runs on R^D with a
// Gaussian-mixture terminal law q̃; a map π: R^D → M carries it to the
// state space M, whose terminal law is the pushforward q = π_* q̃ with
// density q(x) with respect to the Riemannian volume of M. The extension
//
//	γ̃(y) = γ(π y) q̃(y) / q(π y)
//
// of the target to R^D has the normaliser Z of γ: the disintegration of
// q̃ along the fibres of π gives ∫ γ̃ dy = ∫_M γ(x) [∫_{π⁻¹x} q̃]/q(x) dx = Z,
// since the inner fibre integral is q(x) by definition. So the chain's
// path weight against the path measure tilted to γ̃ is exact, and its
// terminal term is γ̃(Y)/q̃(Y) = γ(x)/q(x), x = π(Y): only q is needed.
// Given X = x, the law of Y under γ̃/Z is q̃ restricted to the fibre
// π⁻¹x (lift), from which the EUBO's backward paths start.
//
//   - Torus T^n: π wraps R^n onto [−π, π)^n; q is the wrapped mixture
//     (wrappedLaw).
//   - Sphere S^{D−1}: π(y) = y/|y|; with polar coordinates y = ru,
//     dy = r^{D−1} dr dσ(u), so q(u) = ∫₀^∞ r^{D−1} q̃(ru) dr, in closed
//     form per component (logRadial); the fibre is the ray {ru: r > 0}
//     (projLaw; the projected normal law of Mardia & Jupp 2000, §9.3.3,
//     for one component).
//   - SO(3): π(y) = R(y/|y|), the rotation of the unit quaternion (the
//     convention of manifold.SO3.FromQuat). u ↦ R(u) is a 2:1 local
//     isometry onto SO(3) from S³ with lengths doubled (S³ of radius 2:
//     rotation angle = 2 × quaternion angle), so volumes scale by 2³ and
//     q(R) = (q_{S³}(u) + q_{S³}(−u))/8 with ±u the quaternions of R
//     (∫_{SO(3)} q = ∫_{S³} q_{S³} = 1). The fibre is the two rays ±u.
//
//   - A product of tori, spheres and SO(3): π acts factor by factor on the
//     blocks of R^D = R^{D₁} × … × R^{D_F}. An isotropic component
//     N(m_k, s_k² I) is the product of its block marginals N(m_kb, s_k² I),
//     so q(x) = Σ_k w_k Π_b q_kb(x_b) with q_kb the pushforward of one
//     block (wrapped normal, ray integral, or its SO(3) form), and the lift
//     draws k ∝ w_k Π_b q_kb(x_b), then each block given k (prodLaw).
//
// Spheres and SO(3) use the isotropic family only, products the isotropic
// or the diagonal one with variances shared inside each sphere and SO(3)
// block (coverTies): the ray integral needs an isotropic block, and that
// of a mean-field mixture of K^D diagonal components has no closed form
// per coordinate.

// coverKind says how the chain's R^D reaches the state space.
type coverKind int

const (
	flatCover    coverKind = iota // R^d itself
	torusCover                    // T^d: wrapped
	sphereCover                   // S^{D−1}: y/|y|
	so3Cover                      // SO(3): the rotation of y/|y| ∈ S³
	productCover                  // a product of tori, spheres and SO(3): blockwise
)

// radial reports whether k is a sphere or SO(3), reached by the radial
// projection y/|y| (isotropic family only).
func (k coverKind) radial() bool { return k == sphereCover || k == so3Cover }

// onManifold reports whether the chain for k is fitted to samples on the
// manifold (spheres, SO(3) and their products), with the control acting
// on the chain's R^D.
func (k coverKind) onManifold() bool { return k.radial() || k == productCover }

// coverLaw is the terminal law q = π_* q̃ on M of a chain on R^D: its
// density on M (LogDensity, w.r.t. the Riemannian volume) and draws (Rand,
// on M), the map π (project: AmbientDim(M) values from D), draws of
// Y ~ q̃ given π(Y) = x (lift; tmp holds 2K values), and the coordinates
// in which refineMixture refits q̃ to a point Y of R^D (fitCoords, in
// place: torus angles wrapped, sphere and SO(3) coordinates unchanged).
type coverLaw interface {
	mixtureLaw
	project(dst, y []float64)
	lift(y, x, tmp []float64, rng *rand.Rand)
	fitCoords(y []float64)
}

// chainGeometry returns the cover kind of space and the dimension D of
// the chain's R^D, or an error for spaces lrds does not run on.
func chainGeometry(space manifold.Manifold) (coverKind, int, error) {
	switch s := space.(type) {
	case manifold.Euclidean:
		return flatCover, s.AmbientDim(), nil
	case manifold.Torus:
		return torusCover, s.AmbientDim(), nil
	case manifold.Sphere:
		return sphereCover, s.AmbientDim(), nil
	case manifold.SO3:
		return so3Cover, 4, nil
	case manifold.Product:
		var D int
		for _, f := range s.Factors() {
			k, d, err := chainGeometry(f)
			if err != nil || k == flatCover || k == productCover {
				return flatCover, 0, fmt.Errorf("%w: lrds on a product needs tori, spheres and SO(3) factors, have %s", ErrSettings, spaceName(space))
			}
			D += d
		}
		return productCover, D, nil
	}
	return flatCover, 0, fmt.Errorf("%w: lrds runs on R^d, tori, spheres and SO(3) (its exact chain needs Gaussian transitions on R^D and a map onto the space), have %s", ErrSettings, spaceName(space))
}

// netSpace returns the space the control network of method acts on: lrds
// on a sphere or SO(3) controls the chain on R^D, everything else acts on
// space itself (lrds on a torus keeps the periodic inputs of the cover).
func netSpace(method string, space manifold.Manifold) manifold.Manifold {
	if method != "lrds" {
		return space
	}
	if k, D, err := chainGeometry(space); err == nil && k.onManifold() {
		return manifold.NewEuclidean(D)
	}
	return space
}

// projLaw is q = π_* q̃ on a sphere (so3 false) or on SO(3) (so3 true) for
// the isotropic mixture q̃ of its chain; see the comment above coverKind.
// base, iv2 and isd hold the per-component constants of logRay.
type projLaw struct {
	c              *mixtureChain
	so3            bool
	base, iv2, isd []float64
}

// newProjLaw returns the projected law of the isotropic chain c.
func newProjLaw(c *mixtureChain, so3 bool) projLaw {
	p := projLaw{c: c, so3: so3, base: make([]float64, c.k), iv2: make([]float64, c.k), isd: make([]float64, c.k)}
	D := c.d
	for j := range c.k {
		var mm float64
		for _, v := range c.means[j*D : (j+1)*D] {
			mm += v * v
		}
		s2 := c.vars[j]
		p.base[j] = c.logW[j] - 0.5*float64(D)*math.Log(2*math.Pi) - mm/(2*s2)
		p.iv2[j] = 1 / (2 * s2)
		p.isd[j] = 1 / math.Sqrt(s2)
	}
	return p
}

// logRay returns log ∫₀^∞ r^{D−1} q̃(ru) dr for u = x·inv, inv = 1/|x|:
// with t_k = u·m_k, per component
//
//	log w_k − (D/2) log 2π − (|m_k|² − t_k²)/(2s_k²) + log m_{D−1}(t_k/s_k)
//
// (logRadial; the powers of s_k cancel). If comp is not nil it receives
// the K component terms.
func (p projLaw) logRay(x []float64, inv float64, comp []float64) float64 {
	c := p.c
	D := c.d
	m, s := math.Inf(-1), 0.0
	for j := range c.k {
		mu := c.means[j*D : (j+1)*D]
		var t float64
		for i, xi := range x {
			t += xi * mu[i]
		}
		t *= inv
		v := p.base[j] + t*t*p.iv2[j] + logRadial(D-1, t*p.isd[j])
		if comp != nil {
			comp[j] = v
		}
		m, s, _ = lseScale(m, s, v)
	}
	return m + math.Log(s)
}

// quatOf writes the unit quaternion (w, x, y, z) of the rotation r into u.
func quatOf(u, r []float64) {
	q := manifold.NewSO3().Quat(r)
	u[0], u[1], u[2], u[3] = q.Real, q.Imag, q.Jmag, q.Kmag
}

// LogDensity returns log q(x): on the sphere log q(x/|x|) per logRay, on
// SO(3) log((q_{S³}(u) + q_{S³}(−u))/8) with u the quaternion of x.
func (p projLaw) LogDensity(x []float64) float64 {
	var buf [4]float64
	if p.so3 {
		u := buf[:]
		quatOf(u, x)
		a := p.logRay(u, 1, nil)
		b := p.logRay(u, -1, nil) // the ray of −u
		hi, lo := math.Max(a, b), math.Min(a, b)
		return hi + math.Log1p(math.Exp(lo-hi)) - math.Log(8)
	}
	return p.logRay(x, 1/norm(x), nil)
}

// fitCoords leaves y as it is: q̃ is refitted to the drawn points.
func (projLaw) fitCoords([]float64) {}

// GradLogDensity is not needed by lrds; it panics.
func (p projLaw) GradLogDensity(dst, x []float64) float64 {
	panic("soc: projLaw: no gradient")
}

// Rand writes a draw of q: π of a draw of q̃.
func (p projLaw) Rand(dst []float64, rng *rand.Rand) {
	var buf [4]float64
	y := buf[:]
	if !p.so3 {
		y = make([]float64, p.c.d)
	}
	p.c.cover.Rand(y, rng)
	p.project(dst, y)
}

// project writes π(y): y/|y| on the sphere, the rotation of y/|y| on
// SO(3). y = 0 (probability zero under q̃) gives NaN.
func (p projLaw) project(dst, y []float64) {
	if p.so3 {
		manifold.NewSO3().FromQuat(dst, quat.Number{Real: y[0], Imag: y[1], Jmag: y[2], Kmag: y[3]})
		return
	}
	n := norm(y)
	for i, v := range y {
		dst[i] = v / n
	}
}

// lift writes into y a draw of Y ~ q̃ given π(Y) = x: a ray (on SO(3) one
// of ±u) and a component k with probability ∝ w_k ∫₀^∞ r^{D−1} N(ru; m_k, s_k²I) dr
// (the terms of logRay), then r from the density ∝ r^{D−1} N(ru; m_k, s_k²I),
// i.e. ρ = r/s_k ∝ ρ^{D−1} e^{−(ρ − t_k/s_k)²/2} (randRadial).
func (p projLaw) lift(y, x, tmp []float64, rng *rand.Rand) {
	c := p.c
	D, K := c.d, c.k
	var buf [4]float64
	u := buf[:]
	if p.so3 {
		quatOf(u, x)
	} else {
		u = y // y doubles as the direction until r is known
		n := norm(x)
		for i, v := range x {
			u[i] = v / n
		}
	}
	p.logRay(u, 1, tmp[:K])
	nt := K
	if p.so3 {
		p.logRay(u, -1, tmp[K:2*K]) // the ray of −u
		nt = 2 * K
	}
	j := pickLog(tmp[:nt], rng)
	if j >= K {
		for i := range u {
			u[i] = -u[i] // the ray of −u (SO(3))
		}
	}
	j %= K
	mu := c.means[j*D : (j+1)*D]
	var t float64
	for i, ui := range u {
		t += ui * mu[i]
	}
	s := math.Sqrt(c.vars[j])
	r := s * randRadial(D-1, t/s, rng)
	for i := range D {
		y[i] = r * u[i]
	}
}

// norm returns the Euclidean norm of x.
func norm(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v * v
	}
	return math.Sqrt(s)
}

// coverTies returns the chain coordinate ranges of the sphere and SO(3)
// factors of a product space, whose variances a diagonal mixture must
// share (the ray integral needs an isotropic block); nil otherwise.
func coverTies(space manifold.Manifold) [][2]int {
	p, ok := space.(manifold.Product)
	if !ok {
		return nil
	}
	var ties [][2]int
	var off int
	for _, f := range p.Factors() {
		k, D, err := chainGeometry(f)
		if err != nil {
			return nil
		}
		if k.radial() {
			ties = append(ties, [2]int{off, off + D})
		}
		off += D
	}
	return ties
}

// prodBlock is one factor of a product space in prodLaw: its cover kind,
// its chain coordinates [off, off+D) and its ambient coordinates
// [moff, moff+md).
type prodBlock struct {
	kind             coverKind
	off, D, moff, md int
}

// prodLaw is q = π_* q̃ on a product of tori, spheres and SO(3) for the
// isotropic mixture q̃ of its chain, or a diagonal one whose variances are
// equal within each sphere and SO(3) block (coverTies); see the comment
// above coverKind.
type prodLaw struct {
	c      *mixtureChain
	blocks []prodBlock
}

// newProdLaw returns the product law of the isotropic chain c on p, whose
// factors chainGeometry accepted.
func newProdLaw(c *mixtureChain, p manifold.Product) prodLaw {
	pl := prodLaw{c: c}
	var off int
	for i, f := range p.Factors() {
		k, D, _ := chainGeometry(f)
		pl.blocks = append(pl.blocks, prodBlock{kind: k, off: off, D: D, moff: p.Offset(i), md: f.AmbientDim()})
		off += D
	}
	return pl
}

// rayTerm returns log ∫₀^∞ r^{n} N(ru; m, s²I) dr (n + 1 = len(m)) for
// u = x·inv, inv = 1/|x|: −((n+1)/2) log 2π − (|m|² − t²)/(2s²) + log m_n(t/s)
// with t = u·m (see projLaw.logRay).
func rayTerm(x []float64, inv float64, m []float64, s2 float64) float64 {
	var t, mm float64
	for i, xi := range x {
		t += xi * m[i]
		mm += m[i] * m[i]
	}
	t *= inv
	return -0.5*float64(len(m))*math.Log(2*math.Pi) - (mm-t*t)/(2*s2) + logRadial(len(m)-1, t/math.Sqrt(s2))
}

// variance returns the variance of component k at chain coordinate i.
func (p prodLaw) variance(k, i int) float64 {
	if p.c.diag {
		return p.c.vars[k*p.c.d+i]
	}
	return p.c.vars[k]
}

// prepare writes into pre (4 values per block) what blockLog needs of x
// for every component, so it is computed once per point: the inverse
// norm of a sphere block at pre[4b], the unit quaternion of an SO(3) block
// at pre[4b:4b+4].
func (p prodLaw) prepare(pre, x []float64) {
	for bi, b := range p.blocks {
		xb := x[b.moff : b.moff+b.md]
		switch b.kind {
		case sphereCover:
			pre[4*bi] = 1 / norm(xb)
		case so3Cover:
			quatOf(pre[4*bi:4*bi+4], xb)
		}
	}
}

// prepared returns a buffer for prepare, on the stack for up to 8 blocks.
func (p prodLaw) prepared(buf *[32]float64, x []float64) []float64 {
	pre := buf[:]
	if n := 4 * len(p.blocks); n > len(pre) {
		pre = make([]float64, n)
	}
	p.prepare(pre, x)
	return pre
}

// blockLog returns log q_kb(x_b), the pushforward of block b of component
// k at the block's ambient point xb; pb holds the block's values from
// prepare.
func (p prodLaw) blockLog(k int, b prodBlock, xb, pb []float64) float64 {
	c := p.c
	m := c.means[k*c.d+b.off : k*c.d+b.off+b.D]
	s2 := p.variance(k, b.off)
	switch b.kind {
	case torusCover:
		var l float64
		for i, xi := range xb {
			l += wrappedNormalLog(manifold.TorusWrap(xi), m[i], p.variance(k, b.off+i))
		}
		return l
	case sphereCover:
		return rayTerm(xb, pb[0], m, s2)
	default: // SO(3)
		a, bb := rayTerm(pb, 1, m, s2), rayTerm(pb, -1, m, s2)
		hi, lo := math.Max(a, bb), math.Min(a, bb)
		return hi + math.Log1p(math.Exp(lo-hi)) - math.Log(8)
	}
}

// compLog returns log w_k + Σ_b log q_kb(x_b).
func (p prodLaw) compLog(k int, x, pre []float64) float64 {
	l := p.c.logW[k]
	for bi, b := range p.blocks {
		l += p.blockLog(k, b, x[b.moff:b.moff+b.md], pre[4*bi:4*bi+4])
	}
	return l
}

// LogDensity returns log q(x) = log Σ_k w_k Π_b q_kb(x_b).
func (p prodLaw) LogDensity(x []float64) float64 {
	var buf [32]float64
	pre := p.prepared(&buf, x)
	m, s := math.Inf(-1), 0.0
	for k := range p.c.k {
		m, s, _ = lseScale(m, s, p.compLog(k, x, pre))
	}
	return m + math.Log(s)
}

// GradLogDensity is not needed by lrds; it panics.
func (p prodLaw) GradLogDensity(dst, x []float64) float64 {
	panic("soc: prodLaw: no gradient")
}

// Rand writes a draw of q: π of a draw of q̃.
func (p prodLaw) Rand(dst []float64, rng *rand.Rand) {
	y := make([]float64, p.c.d)
	p.c.cover.Rand(y, rng)
	p.project(dst, y)
}

// project writes π(y) block by block.
func (p prodLaw) project(dst, y []float64) {
	for _, b := range p.blocks {
		yb, xb := y[b.off:b.off+b.D], dst[b.moff:b.moff+b.md]
		switch b.kind {
		case torusCover:
			for i, v := range yb {
				xb[i] = manifold.TorusWrap(v)
			}
		case sphereCover:
			n := norm(yb)
			for i, v := range yb {
				xb[i] = v / n
			}
		default:
			manifold.NewSO3().FromQuat(xb, quat.Number{Real: yb[0], Imag: yb[1], Jmag: yb[2], Kmag: yb[3]})
		}
	}
}

// fitCoords wraps the torus coordinates of a chain point y in place.
func (p prodLaw) fitCoords(y []float64) {
	for _, b := range p.blocks {
		if b.kind == torusCover {
			for i := b.off; i < b.off+b.D; i++ {
				y[i] = manifold.TorusWrap(y[i])
			}
		}
	}
}

// lift writes into y a draw of Y ~ q̃ given π(Y) = x: a component k with
// probability ∝ w_k Π_b q_kb(x_b), then each block from N(m_kb, s_k² I)
// given its image: torus coordinates pick an image x_i + 2πm ∝ N(x_i + 2πm; m_ki, s_k²)
// (within 12 s_k), sphere blocks a radius (randRadial), SO(3) blocks a ray
// ±u ∝ their ray terms and then a radius. tmp holds K values.
func (p prodLaw) lift(y, x, tmp []float64, rng *rand.Rand) {
	c := p.c
	K := c.k
	var pbuf [32]float64
	pre := p.prepared(&pbuf, x)
	for k := range K {
		tmp[k] = p.compLog(k, x, pre)
	}
	k := pickLog(tmp[:K], rng)
	var buf [4]float64
	for bi, b := range p.blocks {
		m := c.means[k*c.d+b.off : k*c.d+b.off+b.D]
		xb, yb := x[b.moff:b.moff+b.md], y[b.off:b.off+b.D]
		s2 := p.variance(k, b.off)
		s := math.Sqrt(s2)
		switch b.kind {
		case torusCover:
			for i, xi := range xb {
				s2 := p.variance(k, b.off+i)
				s := math.Sqrt(s2)
				xi = manifold.TorusWrap(xi)
				lo := math.Floor((m[i] - 12*s - xi) / (2 * math.Pi))
				hi := math.Ceil((m[i] + 12*s - xi) / (2 * math.Pi))
				mi := m[i]
				yb[i] = pickImage(xi, lo, hi, func(y float64) float64 { e := y - mi; return -0.5 * e * e / s2 }, rng)
			}
		case sphereCover:
			n := norm(xb)
			var t float64
			for i, v := range xb {
				t += v / n * m[i]
			}
			r := s * randRadial(b.D-1, t/s, rng)
			for i, v := range xb {
				yb[i] = r * v / n
			}
		default: // SO(3)
			u := buf[:]
			copy(u, pre[4*bi:4*bi+4])
			a, bb := rayTerm(u, 1, m, s2), rayTerm(u, -1, m, s2)
			sign := 1.0
			if rng.Float64() < 1/(1+math.Exp(a-bb)) { // P(−u) = e^bb/(e^a+e^bb)
				sign = -1
			}
			var t float64
			for i := range u {
				u[i] *= sign
				t += u[i] * m[i]
			}
			r := s * randRadial(3, t/s, rng)
			for i := range u {
				yb[i] = r * u[i]
			}
		}
	}
}
