package manifold

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/num/quat"
	"gonum.org/v1/gonum/spatial/r3"
)

// SO3 is the rotation group SO(3) = {R ∈ R^{3×3} : RᵀR = I, det R = 1} with
// its bi-invariant metric. A point is a rotation matrix stored as 9 float64
// values, row-major (R[3i+j] = R_ij). A tangent vector at R is the ambient
// 3×3 matrix R[ω]×, where ω ∈ R³ is the body-frame angular velocity and
// [ω]× is the skew matrix with rows (0, −ω₃, ω₂), (ω₃, 0, −ω₁), (−ω₂, ω₁, 0),
// so that [ω]× v = ω × v.
//
// The metric is ⟨A, B⟩_R = ½ tr(AᵀB), so that ⟨R[ω]×, R[η]×⟩ = ω·η and the
// geodesic distance is the rotation angle of R₁ᵀR₂, in [0, π]. With this
// metric SO(3) is isometric to the real projective space RP³ of radius 2
// (unit quaternions q ↦ R(q), angle θ = 2·(quaternion angle)), so its
// Riemannian volume is Vol(SO(3)) = ½·Vol(S³ of radius 2) = ½·2π²·2³ = 8π²
// and the uniform (normalised Haar) density is 1/(8π²). In exponential
// coordinates ω the volume element is 2(1 − cos|ω|)/|ω|² d³ω, so the angle θ
// of a Haar-uniform rotation has density (1 − cos θ)/π on [0, π].
//
// Formulas (Murray, Li & Sastry 1994, A Mathematical Introduction to Robotic
// Manipulation, §2.2; Chirikjian 2012, Stochastic Models, Information Theory,
// and Lie Groups vol. 2, ch. 10):
//
//	Exp([ω]×)   = I + (sin θ/θ)[ω]× + ((1 − cos θ)/θ²)[ω]×²,  θ = |ω|  (Rodrigues)
//	exp_R(R[ω]×) = R·Exp([ω]×)
//	log_R(Y)    = R[ω]×, ω = LogBody(R, Y) = body log of M = RᵀY
//	θ(M)        = atan2(|vee(M − Mᵀ)|/2, (tr M − 1)/2)
//	P_R V       = R·skew(RᵀV),  skew(A) = (A − Aᵀ)/2
//	Γ_{R→Y}(R[η]×) = Y[Exp(−[ξ]×/2) η]×,  ξ = LogBody(R, Y)
//
// Note on Gaussian tangent vectors: projecting an ambient standard normal
// matrix would give body vectors ω ~ N(0, ½I₃), because the ambient
// (Frobenius) inner product is twice the metric. SO3 therefore implements
// TangentRander: SO3.RandTangent (and so the package function RandTangent)
// draws ω ~ N(0, I₃), the standard normal law of the tangent space with this
// metric, i.e. the Brownian increment over unit time for the generator ½Δ.
type SO3 struct{}

// NewSO3 returns the rotation group SO(3).
func NewSO3() SO3 { return SO3{} }

// so3LogVolume is log Vol(SO(3)) = log(8π²) for the metric ½ tr(AᵀB).
var so3LogVolume = math.Log(8 * math.Pi * math.Pi)

// Dim returns 3.
func (SO3) Dim() int { return 3 }

// AmbientDim returns 9.
func (SO3) AmbientDim() int { return 9 }

// so3Arr views a checked 9-slice as an array pointer.
func so3Arr(s []float64) *[9]float64 { return (*[9]float64)(s) }

// so3Mul returns a·b for row-major 3×3 matrices.
func so3Mul(a, b *[9]float64) [9]float64 {
	var c [9]float64
	for i := 0; i < 3; i++ {
		a0, a1, a2 := a[3*i], a[3*i+1], a[3*i+2]
		c[3*i] = a0*b[0] + a1*b[3] + a2*b[6]
		c[3*i+1] = a0*b[1] + a1*b[4] + a2*b[7]
		c[3*i+2] = a0*b[2] + a1*b[5] + a2*b[8]
	}
	return c
}

// so3MulTN returns aᵀ·b for row-major 3×3 matrices.
func so3MulTN(a, b *[9]float64) [9]float64 {
	var c [9]float64
	for i := 0; i < 3; i++ {
		a0, a1, a2 := a[i], a[3+i], a[6+i]
		c[3*i] = a0*b[0] + a1*b[3] + a2*b[6]
		c[3*i+1] = a0*b[1] + a1*b[4] + a2*b[7]
		c[3*i+2] = a0*b[2] + a1*b[5] + a2*b[8]
	}
	return c
}

// so3ExpMat returns Exp([ω]×) by Rodrigues' formula written with half
// angles, which is accurate to rounding at every θ = |ω|:
//
//	Exp([ω]×) = cos θ I + (sin θ/θ)[ω]× + ((1 − cos θ)/θ²) ωωᵀ,
//	sin θ/θ = sinc(θ/2) cos(θ/2),  (1 − cos θ)/θ² = ½ sinc(θ/2)²,
//	cos θ = 1 − 2 sin²(θ/2).
//
// sinc uses its Taylor series for θ/2 < 1e-3.
func so3ExpMat(w1, w2, w3 float64) [9]float64 {
	th := math.Sqrt(w1*w1 + w2*w2 + w3*w3)
	h := th / 2
	sh, ch := math.Sincos(h)
	sc := SincSin(h, sh)
	a := sc * ch
	b := 0.5 * sc * sc
	c := 1 - 2*sh*sh
	return [9]float64{
		c + b*w1*w1, b*w1*w2 - a*w3, b*w1*w3 + a*w2,
		b*w2*w1 + a*w3, c + b*w2*w2, b*w2*w3 - a*w1,
		b*w3*w1 - a*w2, b*w3*w2 + a*w1, c + b*w3*w3,
	}
}

// so3Polish applies one Newton–Schulz step of the polar decomposition,
// X ← ½ X (3I − XᵀX) (Higham 2008, Functions of Matrices, §8.3). It maps an
// orthogonality defect δ = ‖XᵀX − I‖ to O(δ²), so that products of many
// rotations stay within a few ulps of SO(3) instead of drifting.
func so3Polish(x *[9]float64) {
	g := so3MulTN(x, x)
	for i := range g {
		g[i] = -g[i]
	}
	g[0] += 3
	g[4] += 3
	g[8] += 3
	y := so3Mul(x, &g)
	for i := range y {
		x[i] = 0.5 * y[i]
	}
}

// so3Angle returns the rotation angle of M ∈ SO(3),
// θ = atan2(|vee(M − Mᵀ)|/2, (tr M − 1)/2) ∈ [0, π]: the atan2 form is
// accurate to rounding near 0 and π, where arccos((tr M − 1)/2) loses half
// the digits.
func so3Angle(m *[9]float64) float64 {
	v1, v2, v3 := m[7]-m[5], m[2]-m[6], m[3]-m[1]
	s := 0.5 * math.Sqrt(v1*v1+v2*v2+v3*v3)
	c := 0.5 * (m[0] + m[4] + m[8] - 1)
	return math.Atan2(s, c)
}

// so3LogMat returns the body-frame vector ω of M ∈ SO(3) (M = Exp([ω]×),
// |ω| = θ ≤ π) and θ.
//
// For cos θ ≥ 0 it uses ω = θ/(2 sin θ)·vee(M − Mᵀ), with 2 sin θ = |vee(M −
// Mᵀ)|. For cos θ < 0 the antisymmetric part is small and its direction
// inaccurate, so the axis n comes from the symmetric part,
//
//	(M + Mᵀ)/2 = cos θ I + (1 − cos θ) n nᵀ,
//
// via the column k of the largest diagonal entry: n_k = √((S_kk − cos θ)/(1 −
// cos θ)), n_j = S_jk/((1 − cos θ) n_k), normalised, with the sign of n
// chosen so that n·vee(M − Mᵀ) ≥ 0. At θ = π exactly (vee(M − Mᵀ) = 0),
// both ±πn are minimising logarithms; the documented choice is the sign that
// makes the largest-magnitude component of n positive.
func so3LogMat(m *[9]float64) (w [3]float64, th float64) {
	v1, v2, v3 := m[7]-m[5], m[2]-m[6], m[3]-m[1]
	vn := math.Sqrt(v1*v1 + v2*v2 + v3*v3)
	c := 0.5 * (m[0] + m[4] + m[8] - 1)
	th = math.Atan2(0.5*vn, c)
	if c >= 0 {
		if vn == 0 {
			return w, 0
		}
		f := th / vn
		return [3]float64{f * v1, f * v2, f * v3}, th
	}
	k := 0
	if m[4] > m[0] {
		k = 1
	}
	if m[8] > m[4*k] {
		k = 2
	}
	omc := 1 - c
	var n [3]float64
	nk := math.Sqrt(math.Max(0, (m[4*k]-c)/omc))
	for j := 0; j < 3; j++ {
		if j == k {
			n[j] = nk
			continue
		}
		n[j] = 0.5 * (m[3*j+k] + m[3*k+j]) / (omc * nk)
	}
	nn := math.Sqrt(n[0]*n[0] + n[1]*n[1] + n[2]*n[2])
	f := th / nn
	if n[0]*v1+n[1]*v2+n[2]*v3 < 0 {
		f = -f
	}
	return [3]float64{f * n[0], f * n[1], f * n[2]}, th
}

// so3Vee returns vee(skew(A)) = ((A₃₂ − A₂₃)/2, (A₁₃ − A₃₁)/2, (A₂₁ − A₁₂)/2).
func so3Vee(a *[9]float64) (w1, w2, w3 float64) {
	return 0.5 * (a[7] - a[5]), 0.5 * (a[2] - a[6]), 0.5 * (a[3] - a[1])
}

// so3Body returns the body-frame vector vee(skew(RᵀV)) of the ambient V at R.
func so3Body(r, v *[9]float64) (w1, w2, w3 float64) {
	// Only the off-diagonal entries of A = RᵀV are needed:
	// A_ij = Σ_k R_ki V_kj.
	a := func(i, j int) float64 { return r[i]*v[j] + r[3+i]*v[3+j] + r[6+i]*v[6+j] }
	return 0.5 * (a(2, 1) - a(1, 2)), 0.5 * (a(0, 2) - a(2, 0)), 0.5 * (a(1, 0) - a(0, 1))
}

// so3SetTangent writes R[ω]× into dst.
func so3SetTangent(dst []float64, r *[9]float64, w1, w2, w3 float64) {
	// Column j of R[ω]× is R times column j of [ω]×.
	for i := 0; i < 3; i++ {
		r0, r1, r2 := r[3*i], r[3*i+1], r[3*i+2]
		dst[3*i] = r1*w3 - r2*w2
		dst[3*i+1] = -r0*w3 + r2*w1
		dst[3*i+2] = r0*w2 - r1*w1
	}
}

// Project writes the rotation nearest to the ambient 3×3 matrix x in the
// Frobenius norm into dst: the maximiser of tr(RᵀX) over SO(3), which is the
// special orthogonal polar factor
//
//	R = U diag(1, 1, det(UVᵀ)) Vᵀ,  X = U Σ Vᵀ (SVD, σ₁ ≥ σ₂ ≥ σ₃),
//
// equal to X(XᵀX)^{−1/2} when det X > 0 (Higham 2008, Functions of
// Matrices, §8.1; the det fix solves the special orthogonal Procrustes
// problem, Umeyama 1991). It is computed without allocation by the
// quaternion method (Horn 1987, J. Opt. Soc. Am. A 4:629; Bar-Itzhack 2000,
// J. Guidance 23:1085): for unit q, tr(R(q)ᵀX) = qᵀK q with the symmetric
//
//	    ⎡ X₁₁+X₂₂+X₃₃   X₃₂−X₂₃       X₁₃−X₃₁       X₂₁−X₁₂     ⎤
//	K = ⎢ X₃₂−X₂₃       X₁₁−X₂₂−X₃₃   X₁₂+X₂₁       X₁₃+X₃₁     ⎥
//	    ⎢ X₁₃−X₃₁       X₁₂+X₂₁      −X₁₁+X₂₂−X₃₃   X₂₃+X₃₂     ⎥
//	    ⎣ X₂₁−X₁₂       X₁₃+X₃₁       X₂₃+X₃₂      −X₁₁−X₂₂+X₃₃ ⎦
//
// so R = R(q) for the eigenvector q of the largest eigenvalue of K, found by
// cyclic Jacobi rotations. The eigen-gap is 2(σ₂ + det-sign·σ₃): the result
// is accurate to rounding near SO(3) and, like the SVD, ill-conditioned
// only where the nearest rotation is (nearly) not unique (then one of them is
// returned). A non-finite x gives NaN entries. dst may alias x.
func (SO3) Project(dst, x []float64) {
	checkLen("SO3.Project", 9, dst, x)
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			for i := range dst {
				dst[i] = math.NaN()
			}
			return
		}
	}
	k := [16]float64{
		x[0] + x[4] + x[8], x[7] - x[5], x[2] - x[6], x[3] - x[1],
		x[7] - x[5], x[0] - x[4] - x[8], x[1] + x[3], x[2] + x[6],
		x[2] - x[6], x[1] + x[3], -x[0] + x[4] - x[8], x[5] + x[7],
		x[3] - x[1], x[2] + x[6], x[5] + x[7], -x[0] - x[4] + x[8],
	}
	vec := so3Jacobi4(&k)
	best := 0
	for i := 1; i < 4; i++ {
		if k[5*i] > k[5*best] {
			best = i
		}
	}
	w, qx, qy, qz := vec[best], vec[4+best], vec[8+best], vec[12+best]
	so3QuatMat(dst, w, qx, qy, qz, w*w+qx*qx+qy*qy+qz*qz)
}

// so3Jacobi4 diagonalises the symmetric 4×4 matrix a (row-major) in place
// by cyclic Jacobi rotations (Golub & Van Loan 2013, Matrix Computations,
// §8.5; rotation formulas of Numerical Recipes §11.1) and returns the
// orthogonal matrix whose columns are the eigenvectors, eigenvalue i being
// a[5i] on return.
func so3Jacobi4(a *[16]float64) [16]float64 {
	v := [16]float64{0: 1, 5: 1, 10: 1, 15: 1}
	for sweep := 0; sweep < 50; sweep++ {
		var off, all float64
		for i := 0; i < 4; i++ {
			for j := 0; j < 4; j++ {
				e := a[4*i+j] * a[4*i+j]
				all += e
				if i != j {
					off += e
				}
			}
		}
		if off == 0 {
			break
		}
		tiny := 1e-18 * math.Sqrt(all)
		for p := 0; p < 3; p++ {
			for q := p + 1; q < 4; q++ {
				apq := a[4*p+q]
				// An entry below rounding of the diagonal (or of ‖a‖) is
				// set to zero, so that the sweeps end (Numerical Recipes
				// §11.1).
				g := 100 * math.Abs(apq)
				app, aqq := math.Abs(a[5*p]), math.Abs(a[5*q])
				if math.Abs(apq) <= tiny || (app+g == app && aqq+g == aqq) {
					a[4*p+q], a[4*q+p] = 0, 0
					continue
				}
				theta := (a[5*q] - a[5*p]) / (2 * apq)
				var t float64
				if math.Abs(theta) > 1e150 {
					t = 0.5 / theta
				} else {
					t = 1 / (math.Abs(theta) + math.Sqrt(theta*theta+1))
					if theta < 0 {
						t = -t
					}
				}
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for r := 0; r < 4; r++ { // columns p, q of a and v
					ap, aq := a[4*r+p], a[4*r+q]
					a[4*r+p], a[4*r+q] = c*ap-s*aq, s*ap+c*aq
					vp, vq := v[4*r+p], v[4*r+q]
					v[4*r+p], v[4*r+q] = c*vp-s*vq, s*vp+c*vq
				}
				for r := 0; r < 4; r++ { // rows p, q of a
					ap, aq := a[4*p+r], a[4*q+r]
					a[4*p+r], a[4*q+r] = c*ap-s*aq, s*ap+c*aq
				}
			}
		}
	}
	return v
}

// ProjectTangent writes R·skew(RᵀV) = R[vee(skew(RᵀV))]× into dst, the
// orthogonal projection of the ambient V onto T_R SO(3). dst may alias v.
func (SO3) ProjectTangent(dst, x, v []float64) {
	checkLen("SO3.ProjectTangent", 9, dst, x, v)
	r := so3Arr(x)
	w1, w2, w3 := so3Body(r, so3Arr(v))
	so3SetTangent(dst, r, w1, w2, w3)
}

// Exp writes exp_R(V) = R·Exp([ω]×), ω = vee(skew(RᵀV)), into dst
// (Rodrigues' formula, see ExpBody). dst may alias x.
func (SO3) Exp(dst, x, v []float64) {
	checkLen("SO3.Exp", 9, dst, x, v)
	r := so3Arr(x)
	w1, w2, w3 := so3Body(r, so3Arr(v))
	so3ExpBody(dst, r, w1, w2, w3)
}

// ExpBody writes R·Exp([ω]×) into dst: the Lie-group step along the
// body-frame vector ω ∈ R³ used by Lie-group (geometric) Euler–Maruyama
// schemes. Exp([ω]×) is Rodrigues' formula in half-angle form, exact to
// rounding for every |ω| (Taylor series of sinc below |ω| = 2e-3), and the
// product is polished by one Newton–Schulz polar step, ½X(3I − XᵀX), so
// that long chains of steps stay on SO(3) to a few ulps. dst may alias r.
func (SO3) ExpBody(dst, r, w []float64) {
	checkLen("SO3.ExpBody", 9, dst, r)
	checkLen("SO3.ExpBody", 3, w)
	so3ExpBody(dst, so3Arr(r), w[0], w[1], w[2])
}

func so3ExpBody(dst []float64, r *[9]float64, w1, w2, w3 float64) {
	e := so3ExpMat(w1, w2, w3)
	y := so3Mul(r, &e)
	so3Polish(&y)
	copy(dst, y[:])
}

// Log writes log_R(Y) = R[ω]× into dst, ω = LogBody(R, Y), the tangent
// vector of length dist(R, Y) ≤ π. At the cut locus (rotation angle of RᵀY
// exactly π) the choice of ±ω is documented at LogBody.
func (SO3) Log(dst, x, y []float64) {
	checkLen("SO3.Log", 9, dst, x, y)
	r := so3Arr(x)
	m := so3MulTN(r, so3Arr(y))
	w, _ := so3LogMat(&m)
	so3SetTangent(dst, r, w[0], w[1], w[2])
}

// LogBody writes the body-frame vector ω ∈ R³ of M = R₁ᵀR₂ into dst
// (R₂ = R₁·Exp([ω]×), |ω| = dist(R₁, R₂) ∈ [0, π]) and returns |ω|.
//
// The angle is θ = atan2(|vee(M − Mᵀ)|/2, (tr M − 1)/2). For cos θ ≥ 0,
// ω = θ vee(M − Mᵀ)/|vee(M − Mᵀ)|; for cos θ < 0 the axis n is read from the
// symmetric part (M + Mᵀ)/2 = cos θ I + (1 − cos θ) nnᵀ (at θ = π this is
// (M + I)/2 = nnᵀ) with its sign taken from vee(M − Mᵀ), which keeps full
// accuracy up to θ = π. At θ = π exactly, where ±πn are both minimising,
// the sign making the largest-magnitude component of n positive is chosen.
func (SO3) LogBody(dst, r1, r2 []float64) float64 {
	checkLen("SO3.LogBody", 9, r1, r2)
	checkLen("SO3.LogBody", 3, dst)
	m := so3MulTN(so3Arr(r1), so3Arr(r2))
	w, th := so3LogMat(&m)
	copy(dst, w[:])
	return th
}

// Dist returns the rotation angle of R₁ᵀR₂,
// atan2(|vee(M − Mᵀ)|/2, (tr M − 1)/2) ∈ [0, π] with M = R₁ᵀR₂.
func (SO3) Dist(x, y []float64) float64 {
	checkLen("SO3.Dist", 9, x, y)
	m := so3MulTN(so3Arr(x), so3Arr(y))
	return so3Angle(&m)
}

// Inner returns ½ tr(UᵀV) = ½ Σ_ij U_ij V_ij; for U = R[ω]×, V = R[η]× it
// equals ω·η.
func (SO3) Inner(x, u, v []float64) float64 {
	checkLen("SO3.Inner", 9, x, u, v)
	return 0.5 * dot(u, v)
}

// Transport writes the parallel transport of V = R[η]× along the minimising
// geodesic γ(s) = R·Exp(s[ξ]×), ξ = LogBody(R, Y), into dst:
//
//	Γ_{R→Y}(R[η]×) = Y[Exp(−[ξ]×/2) η]× = R Exp([ξ]×/2) [η]× Exp([ξ]×/2).
//
// Derivation: for a bi-invariant metric the Levi-Civita connection on
// left-invariant fields is ∇_X Y = ½[X, Y] (Cheeger & Ebin 1975,
// Comparison Theorems in Riemannian Geometry, §3.1; Milnor 1976), so a field
// γ(s)[η(s)]× along γ is parallel iff η' + ½ ξ × η = 0, i.e.
// η(s) = Exp(−s[ξ]×/2) η(0). The velocity R[ξ]× itself is carried to Y[ξ]×.
// At the cut locus (angle π) the geodesic is the one of the Log choice.
// dst may alias v.
func (SO3) Transport(dst, x, y, v []float64) {
	checkLen("SO3.Transport", 9, dst, x, y, v)
	r := so3Arr(x)
	m := so3MulTN(r, so3Arr(y))
	xi, _ := so3LogMat(&m)
	e1, e2, e3 := so3Body(r, so3Arr(v))
	q := so3ExpMat(-xi[0]/2, -xi[1]/2, -xi[2]/2)
	n1 := q[0]*e1 + q[1]*e2 + q[2]*e3
	n2 := q[3]*e1 + q[4]*e2 + q[5]*e3
	n3 := q[6]*e1 + q[7]*e2 + q[8]*e3
	so3SetTangent(dst, so3Arr(y), n1, n2, n3)
}

// Rand writes a Haar-uniform rotation into dst: the rotation of a unit
// quaternion q = g/|g| with g a standard normal vector of R⁴ (uniform on S³,
// hence Haar on SO(3) = S³/±1; Shoemake 1992, Graphics Gems III). A zero g,
// of probability zero, is redrawn.
func (SO3) Rand(dst []float64, rng *rand.Rand) {
	checkLen("SO3.Rand", 9, dst)
	for {
		w, x, y, z := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		n2 := w*w + x*x + y*y + z*z
		if n2 > 0 {
			so3QuatMat(dst, w, x, y, z, n2)
			return
		}
	}
}

// RandTangent writes R[ω]× with ω ~ N(0, I₃) into dst: the standard normal
// law of T_R SO(3) with the metric ½ tr(AᵀB), the Brownian increment over
// unit time for the generator ½Δ.
func (SO3) RandTangent(dst, x []float64, rng *rand.Rand) {
	checkLen("SO3.RandTangent", 9, dst, x)
	w1, w2, w3 := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
	so3SetTangent(dst, so3Arr(x), w1, w2, w3)
}

// so3QuatMat writes the rotation of the quaternion (w, x, y, z) with squared
// norm n2 > 0 into dst: with s = 2/n2,
//
//	R = ⎡1 − s(y²+z²)   s(xy − wz)    s(xz + wy)  ⎤
//	    ⎢ s(xy + wz)   1 − s(x²+z²)   s(yz − wx)  ⎥
//	    ⎣ s(xz − wy)    s(yz + wx)   1 − s(x²+y²) ⎦
//
// the matrix of v ↦ q v q̄/|q|² (the convention of gonum's r3.Rotation).
func so3QuatMat(dst []float64, w, x, y, z, n2 float64) {
	s := 2 / n2
	dst[0] = 1 - s*(y*y+z*z)
	dst[1] = s * (x*y - w*z)
	dst[2] = s * (x*z + w*y)
	dst[3] = s * (x*y + w*z)
	dst[4] = 1 - s*(x*x+z*z)
	dst[5] = s * (y*z - w*x)
	dst[6] = s * (x*z - w*y)
	dst[7] = s * (y*z + w*x)
	dst[8] = 1 - s*(x*x+y*y)
}

// LogVolume returns log(8π²), the log Riemannian volume of SO(3) with the
// metric ½ tr(AᵀB).
func (SO3) LogVolume() float64 { return so3LogVolume }

// Residual returns ‖RᵀR − I‖_F + |det R − 1| (+Inf if R is not finite).
func (SO3) Residual(x []float64) float64 {
	checkLen("SO3.Residual", 9, x)
	r := so3Arr(x)
	g := so3MulTN(r, r)
	g[0]--
	g[4]--
	g[8]--
	det := r[0]*(r[4]*r[8]-r[5]*r[7]) - r[1]*(r[3]*r[8]-r[5]*r[6]) + r[2]*(r[3]*r[7]-r[4]*r[6])
	res := norm(g[:]) + math.Abs(det-1)
	if math.IsNaN(res) {
		return math.Inf(1)
	}
	return res
}

// Hat writes [ω]× (row-major 3×3) into dst.
func (SO3) Hat(dst, w []float64) {
	checkLen("SO3.Hat", 9, dst)
	checkLen("SO3.Hat", 3, w)
	dst[0], dst[1], dst[2] = 0, -w[2], w[1]
	dst[3], dst[4], dst[5] = w[2], 0, -w[0]
	dst[6], dst[7], dst[8] = -w[1], w[0], 0
}

// Vee writes vee(skew(A)) = ((A₃₂ − A₂₃)/2, (A₁₃ − A₃₁)/2, (A₂₁ − A₁₂)/2)
// into dst; it inverts Hat on skew-symmetric matrices.
func (SO3) Vee(dst, a []float64) {
	checkLen("SO3.Vee", 9, a)
	checkLen("SO3.Vee", 3, dst)
	dst[0], dst[1], dst[2] = so3Vee(so3Arr(a))
}

// BodyVector writes the body-frame vector ω = vee(skew(RᵀV)) of the ambient
// tangent vector V = R[ω]× at R into dst.
func (SO3) BodyVector(dst, r, v []float64) {
	checkLen("SO3.BodyVector", 9, r, v)
	checkLen("SO3.BodyVector", 3, dst)
	dst[0], dst[1], dst[2] = so3Body(so3Arr(r), so3Arr(v))
}

// Tangent writes the ambient tangent vector R[ω]× at R into dst.
func (SO3) Tangent(dst, r, w []float64) {
	checkLen("SO3.Tangent", 9, dst, r)
	checkLen("SO3.Tangent", 3, w)
	so3SetTangent(dst, so3Arr(r), w[0], w[1], w[2])
}

// Compose writes the product a·b into dst; dst may alias a or b.
func (SO3) Compose(dst, a, b []float64) {
	checkLen("SO3.Compose", 9, dst, a, b)
	c := so3Mul(so3Arr(a), so3Arr(b))
	copy(dst, c[:])
}

// Inverse writes R⁻¹ = Rᵀ into dst; dst may alias r.
func (SO3) Inverse(dst, r []float64) {
	checkLen("SO3.Inverse", 9, dst, r)
	dst[0], dst[4], dst[8] = r[0], r[4], r[8]
	dst[1], dst[3] = r[3], r[1]
	dst[2], dst[6] = r[6], r[2]
	dst[5], dst[7] = r[7], r[5]
}

// Apply writes R·v into dst (length 3); dst may alias v.
func (SO3) Apply(dst, r, v []float64) {
	checkLen("SO3.Apply", 9, r)
	checkLen("SO3.Apply", 3, dst, v)
	a, b, c := v[0], v[1], v[2]
	dst[0] = r[0]*a + r[1]*b + r[2]*c
	dst[1] = r[3]*a + r[4]*b + r[5]*c
	dst[2] = r[6]*a + r[7]*b + r[8]*c
}

// FromAxisAngle writes Exp(angle·[n]×), n = axis/|axis|, the rotation by
// angle (right-handed) about axis, into dst. A zero axis gives the identity.
func (SO3) FromAxisAngle(dst, axis []float64, angle float64) {
	checkLen("SO3.FromAxisAngle", 9, dst)
	checkLen("SO3.FromAxisAngle", 3, axis)
	n := norm(axis)
	if n == 0 {
		e := so3ExpMat(0, 0, 0)
		copy(dst, e[:])
		return
	}
	f := angle / n
	e := so3ExpMat(f*axis[0], f*axis[1], f*axis[2])
	copy(dst, e[:])
}

// AxisAngle writes the unit rotation axis of R into axis and returns the
// angle θ ∈ [0, π], so that R = Exp(θ[axis]×). At θ = 0 the axis is
// (0, 0, 1) (a documented choice); at θ = π the sign follows LogBody.
func (SO3) AxisAngle(axis, r []float64) float64 {
	checkLen("SO3.AxisAngle", 9, r)
	checkLen("SO3.AxisAngle", 3, axis)
	w, th := so3LogMat(so3Arr(r))
	if th == 0 {
		axis[0], axis[1], axis[2] = 0, 0, 1
		return 0
	}
	n := math.Sqrt(w[0]*w[0] + w[1]*w[1] + w[2]*w[2])
	axis[0], axis[1], axis[2] = w[0]/n, w[1]/n, w[2]/n
	return th
}

// FromQuat writes the rotation v ↦ q v q̄ of the quaternion q, renormalised
// to unit length, into dst (the convention of gonum's r3.Rotation; q and −q
// give the same rotation). A zero or non-finite q gives NaN entries.
func (SO3) FromQuat(dst []float64, q quat.Number) {
	checkLen("SO3.FromQuat", 9, dst)
	n2 := q.Real*q.Real + q.Imag*q.Imag + q.Jmag*q.Jmag + q.Kmag*q.Kmag
	if !(n2 > 0) || math.IsInf(n2, 1) {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return
	}
	so3QuatMat(dst, q.Real, q.Imag, q.Jmag, q.Kmag, n2)
}

// Quat returns the unit quaternion of R with non-negative real part (the
// canonical one of ±q), by Shepperd's method (Shepperd 1978, J. Guidance
// Control 1(3):223): the largest of 4w², 4x², 4y², 4z² (read from the
// trace and diagonal) is taken as pivot, which avoids cancellation.
func (SO3) Quat(r []float64) quat.Number {
	checkLen("SO3.Quat", 9, r)
	tr := r[0] + r[4] + r[8]
	var w, x, y, z float64
	switch {
	case tr >= r[0] && tr >= r[4] && tr >= r[8]:
		s := 2 * math.Sqrt(1+tr) // 4w
		w = s / 4
		x = (r[7] - r[5]) / s
		y = (r[2] - r[6]) / s
		z = (r[3] - r[1]) / s
	case r[0] >= r[4] && r[0] >= r[8]:
		s := 2 * math.Sqrt(1+r[0]-r[4]-r[8]) // 4x
		w = (r[7] - r[5]) / s
		x = s / 4
		y = (r[1] + r[3]) / s
		z = (r[2] + r[6]) / s
	case r[4] >= r[8]:
		s := 2 * math.Sqrt(1+r[4]-r[0]-r[8]) // 4y
		w = (r[2] - r[6]) / s
		x = (r[1] + r[3]) / s
		y = s / 4
		z = (r[5] + r[7]) / s
	default:
		s := 2 * math.Sqrt(1+r[8]-r[0]-r[4]) // 4z
		w = (r[3] - r[1]) / s
		x = (r[2] + r[6]) / s
		y = (r[5] + r[7]) / s
		z = s / 4
	}
	if w < 0 {
		w, x, y, z = -w, -x, -y, -z
	}
	n := math.Sqrt(w*w + x*x + y*y + z*z)
	return quat.Number{Real: w / n, Imag: x / n, Jmag: y / n, Kmag: z / n}
}

// FromRotation writes the matrix of the gonum rotation q into dst, so that
// Apply(dst, R, v) equals q.Rotate(v) (renormalising q).
func (g SO3) FromRotation(dst []float64, q r3.Rotation) { g.FromQuat(dst, quat.Number(q)) }

// Rotation returns R as a gonum r3.Rotation (unit quaternion with
// non-negative real part).
func (g SO3) Rotation(r []float64) r3.Rotation { return r3.Rotation(g.Quat(r)) }
