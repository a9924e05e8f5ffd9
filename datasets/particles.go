package datasets

import (
	"fmt"
	"math"
)

// DoubleWellParticles is the DW-n particle system of Köhler, Klein and Noé
// (Equivariant flows, ICML 2020) as defined in reference/targets.md: n
// particles in R^D, flattened row by row (x[i·D : (i+1)·D] is particle i),
// with the pair energy
//
//	E(x) = Σ_{i<j} [ 0.9 (r_ij − 4)⁴ − 4 (r_ij − 4)² ],  r_ij = |x_i − x_j|,
//	∇_{x_i} E = Σ_{j≠i} φ′(r_ij) (x_i − x_j)/r_ij,  φ′(r) = 3.6 (r − 4)³ − 8 (r − 4).
//
// E is invariant under rotations, reflections, translations and particle
// permutations, so Z is infinite; LogZ reports it unknown. At coincident
// particles (r_ij = 0) E has a cone-like kink; the pair then contributes 0
// to the gradient.
type DoubleWellParticles struct {
	n, dim int
}

// NewDoubleWellParticles returns DW with n ≥ 2 particles in R^dim. It
// panics for n < 2 or dim < 1.
func NewDoubleWellParticles(n, dim int) DoubleWellParticles {
	if n < 2 || dim < 1 {
		panic(fmt.Sprintf("datasets: double-well particles n = %d, dim = %d", n, dim))
	}
	return DoubleWellParticles{n: n, dim: dim}
}

// NewDW4 returns DW-4: 4 particles in 2-D, named "dw4".
func NewDW4() DoubleWellParticles { return NewDoubleWellParticles(4, 2) }

// Name returns "dw<n>" for 2-D particles and "dw<n>-<dim>d" otherwise.
func (p DoubleWellParticles) Name() string {
	if p.dim == 2 {
		return fmt.Sprintf("dw%d", p.n)
	}
	return fmt.Sprintf("dw%d-%dd", p.n, p.dim)
}

// Dim returns n·D.
func (p DoubleWellParticles) Dim() int { return p.n * p.dim }

// Particles returns the number of particles n and their spatial dimension D.
func (p DoubleWellParticles) Particles() (n, dim int) { return p.n, p.dim }

// LogZ returns NaN, false: Z is not finite (translation invariance).
func (p DoubleWellParticles) LogZ() (float64, bool) { return math.NaN(), false }

// Energy returns E(x).
func (p DoubleWellParticles) Energy(x []float64) float64 {
	checkLen(x, p.n*p.dim)
	D := p.dim
	var e float64
	for i := 0; i < p.n; i++ {
		xi := x[i*D : (i+1)*D]
		for j := i + 1; j < p.n; j++ {
			xj := x[j*D : (j+1)*D]
			var r2 float64
			for k := range xi {
				d := xi[k] - xj[k]
				r2 += d * d
			}
			s := math.Sqrt(r2) - 4
			s2 := s * s
			e += 0.9*s2*s2 - 4*s2
		}
	}
	return e
}

// LogDensity returns −E(x).
func (p DoubleWellParticles) LogDensity(x []float64) float64 { return -p.Energy(x) }

// GradLogDensity writes −∇E(x) into dst and returns −E(x).
func (p DoubleWellParticles) GradLogDensity(dst, x []float64) float64 {
	checkLen(x, p.n*p.dim)
	checkLen(dst, p.n*p.dim)
	for k := range dst {
		dst[k] = 0
	}
	D := p.dim
	var e float64
	for i := 0; i < p.n; i++ {
		xi := x[i*D : (i+1)*D]
		gi := dst[i*D : (i+1)*D]
		for j := i + 1; j < p.n; j++ {
			xj := x[j*D : (j+1)*D]
			gj := dst[j*D : (j+1)*D]
			var r2 float64
			for k := range xi {
				d := xi[k] - xj[k]
				r2 += d * d
			}
			r := math.Sqrt(r2)
			s := r - 4
			s2 := s * s
			e += 0.9*s2*s2 - 4*s2
			if r == 0 {
				continue
			}
			// c = −φ′(r)/r, so that −∇_{x_i} = c (x_i − x_j).
			c := -(3.6*s2*s - 8*s) / r
			for k := range xi {
				f := c * (xi[k] - xj[k])
				gi[k] += f
				gj[k] -= f
			}
		}
	}
	return -e
}

// LennardJones is the LJ-n cluster of reference/targets.md (the iDEM /
// Adjoint Sampling benchmark): n particles in R³, flattened row by row, with
//
//	E(x) = 2 Σ_{i<j} [ r_ij^{−12} − 2 r_ij^{−6} ] + ½ Σ_i |x_i − x̄|²,
//	∇_{x_i} E = Σ_{j≠i} 24 (r_ij^{−8} − r_ij^{−14}) (x_i − x_j) + (x_i − x̄),
//
// x̄ the centre of mass (ε = 1, r_m = 1; the factor 2 is the original
// code's sum over ordered pairs; the centre term's gradient is x_i − x̄ since
// Σ_i (x_i − x̄) = 0). E is invariant under rotations and reflections about
// the centre, translations and permutations; Z is infinite (translations),
// so LogZ reports it unknown. At coincident particles E = +Inf.
type LennardJones struct {
	n int
}

// NewLennardJones returns LJ-n (n ≥ 2), named "lj<n>". It panics for n < 2.
func NewLennardJones(n int) LennardJones {
	if n < 2 {
		panic(fmt.Sprintf("datasets: Lennard-Jones with %d particles", n))
	}
	return LennardJones{n: n}
}

// Name returns "lj<n>".
func (p LennardJones) Name() string { return fmt.Sprintf("lj%d", p.n) }

// Dim returns 3n.
func (p LennardJones) Dim() int { return 3 * p.n }

// Particles returns n and the spatial dimension 3.
func (p LennardJones) Particles() (n, dim int) { return p.n, 3 }

// LogZ returns NaN, false.
func (p LennardJones) LogZ() (float64, bool) { return math.NaN(), false }

// centre returns x̄.
func (p LennardJones) centre(x []float64) (c [3]float64) {
	for i := 0; i < len(x); i += 3 {
		c[0] += x[i]
		c[1] += x[i+1]
		c[2] += x[i+2]
	}
	inv := 1 / float64(p.n)
	c[0] *= inv
	c[1] *= inv
	c[2] *= inv
	return c
}

// Energy returns E(x).
func (p LennardJones) Energy(x []float64) float64 {
	checkLen(x, 3*p.n)
	c := p.centre(x)
	var lj, h float64
	for i := 0; i < len(x); i += 3 {
		dx, dy, dz := x[i]-c[0], x[i+1]-c[1], x[i+2]-c[2]
		h += dx*dx + dy*dy + dz*dz
		for j := i + 3; j < len(x); j += 3 {
			dx, dy, dz := x[i]-x[j], x[i+1]-x[j+1], x[i+2]-x[j+2]
			inv2 := 1 / (dx*dx + dy*dy + dz*dz)
			inv6 := inv2 * inv2 * inv2
			lj += inv6*inv6 - 2*inv6
		}
	}
	return 2*lj + 0.5*h
}

// LogDensity returns −E(x).
func (p LennardJones) LogDensity(x []float64) float64 { return -p.Energy(x) }

// GradLogDensity writes −∇E(x) into dst and returns −E(x).
func (p LennardJones) GradLogDensity(dst, x []float64) float64 {
	checkLen(x, 3*p.n)
	checkLen(dst, 3*p.n)
	c := p.centre(x)
	var lj, h float64
	for i := 0; i < len(x); i += 3 {
		dx, dy, dz := x[i]-c[0], x[i+1]-c[1], x[i+2]-c[2]
		h += dx*dx + dy*dy + dz*dz
		dst[i], dst[i+1], dst[i+2] = -dx, -dy, -dz
	}
	for i := 0; i < len(x); i += 3 {
		for j := i + 3; j < len(x); j += 3 {
			dx, dy, dz := x[i]-x[j], x[i+1]-x[j+1], x[i+2]-x[j+2]
			inv2 := 1 / (dx*dx + dy*dy + dz*dz)
			inv6 := inv2 * inv2 * inv2
			lj += inv6*inv6 - 2*inv6
			// −24 (r^{−8} − r^{−14}) = −24 r^{−2} r^{−6} (1 − r^{−6}).
			f := -24 * inv2 * inv6 * (1 - inv6)
			fx, fy, fz := f*dx, f*dy, f*dz
			dst[i] += fx
			dst[i+1] += fy
			dst[i+2] += fz
			dst[j] -= fx
			dst[j+1] -= fy
			dst[j+2] -= fz
		}
	}
	return -(2*lj + 0.5*h)
}
