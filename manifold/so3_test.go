package manifold

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/num/quat"
	"gonum.org/v1/gonum/spatial/r3"
)

// so3RandAxis writes a uniform unit vector of R³ into dst.
func so3RandAxis(dst []float64, rng *rand.Rand) {
	NewSphere(3).Rand(dst, rng)
}

func TestSO3GeometryIdentities(t *testing.T) {
	// inj slightly below π: random tangent vectors reach angle 0.999π, so
	// the symmetric-part branch of Log (cos θ < 0) is exercised heavily.
	c := geometryCase{name: "SO3", m: SO3{}, inj: 0.999 * math.Pi}
	checkGeometry(t, c, 1000, 301)
}

func TestSO3HatVee(t *testing.T) {
	var g SO3
	rng := newRand(1)
	w, v, k, x, y := make([]float64, 3), make([]float64, 3), make([]float64, 9), make([]float64, 3), make([]float64, 3)
	for it := 0; it < 100; it++ {
		for i := range w {
			w[i], v[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		g.Hat(k, w)
		// [ω]× v = ω × v.
		for i := 0; i < 3; i++ {
			x[i] = k[3*i]*v[0] + k[3*i+1]*v[1] + k[3*i+2]*v[2]
		}
		cr := r3.Cross(r3.Vec{X: w[0], Y: w[1], Z: w[2]}, r3.Vec{X: v[0], Y: v[1], Z: v[2]})
		requireClose(t, []float64{cr.X, cr.Y, cr.Z}, x, 1e-15, "[ω]× v = ω × v")
		g.Vee(y, k)
		requireClose(t, w, y, 0, "vee(hat ω) = ω")
	}
}

func TestSO3ExpRodrigues(t *testing.T) {
	// Reference: rotation about e_z by θ is [[cos, −sin, 0], [sin, cos, 0],
	// [0, 0, 1]] (right-handed), for θ across (0, π].
	var g SO3
	id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
	dst := make([]float64, 9)
	for _, th := range []float64{1e-12, 1e-4, 0.3, 1, 2, math.Pi - 1e-8, math.Pi} {
		g.ExpBody(dst, id, []float64{0, 0, th})
		s, c := math.Sincos(th)
		requireClose(t, []float64{c, -s, 0, s, c, 0, 0, 0, 1}, dst, 1e-15, "Exp about e_z")
	}
}

func TestSO3NearPi(t *testing.T) {
	// Rotations R·Exp(θ n) with θ = π − δ: Dist must be θ to rounding, the
	// Log must have length θ and reproduce the rotation; near π its
	// direction is read from the symmetric part, so ω itself is recovered
	// to rounding too (no 1/δ loss).
	var g SO3
	rng := newRand(2)
	r, y, l, e := make([]float64, 9), make([]float64, 9), make([]float64, 9), make([]float64, 9)
	n, w, wl := make([]float64, 3), make([]float64, 3), make([]float64, 3)
	for it := 0; it < 200; it++ {
		g.Rand(r, rng)
		so3RandAxis(n, rng)
		for _, delta := range []float64{0.5, 1e-3, 1e-8, 1e-12} {
			th := math.Pi - delta
			for i := range w {
				w[i] = th * n[i]
			}
			g.ExpBody(y, r, w)
			require.InDelta(t, th, g.Dist(r, y), exactTol, "dist at π−%g", delta)
			got := g.LogBody(wl, r, y)
			require.InDelta(t, th, got, exactTol, "LogBody angle at π−%g", delta)
			requireClose(t, w, wl, exactTol, "LogBody recovers ω near π")
			g.Log(l, r, y)
			require.InDelta(t, th, Norm(g, r, l), exactTol)
			g.Exp(e, r, l)
			require.Less(t, g.Dist(e, y), exactTol, "exp∘log near π")
		}
		// Exactly π (up to the rounding of the matrix entries): either
		// sign is a minimising log; both must reach y and have length π.
		for i := range w {
			w[i] = math.Pi * n[i]
		}
		g.ExpBody(y, r, w)
		require.InDelta(t, math.Pi, g.Dist(r, y), exactTol)
		g.LogBody(wl, r, y)
		require.InDelta(t, math.Pi, norm(wl), exactTol)
		dot := wl[0]*n[0] + wl[1]*n[1] + wl[2]*n[2]
		require.InDelta(t, math.Pi, math.Abs(dot), exactTol, "log at π is ±πn")
		g.Log(l, r, y)
		g.Exp(e, r, l)
		require.Less(t, g.Dist(e, y), exactTol, "exp∘log at π")
	}
	// Exactly π in exact arithmetic: diag(1, −1, −1) is the rotation by π
	// about e_x; the documented choice gives +πe_x.
	wl0 := make([]float64, 3)
	id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
	require.Equal(t, math.Pi, g.LogBody(wl0, id, []float64{1, 0, 0, 0, -1, 0, 0, 0, -1}))
	require.Equal(t, []float64{math.Pi, 0, 0}, wl0)
	g.LogBody(wl0, id, []float64{-1, 0, 0, 0, -1, 0, 0, 0, 1})
	require.Equal(t, []float64{0, 0, math.Pi}, wl0)
}

func TestSO3Tiny(t *testing.T) {
	// Angles far below √ε_mach: the atan2 angle resolves them to rounding
	// where arccos((tr − 1)/2) returns 0 or ~1e-8.
	var g SO3
	id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
	r, w := make([]float64, 9), make([]float64, 3)
	for _, th := range []float64{1e-5, 1e-10, 1e-15} {
		g.ExpBody(r, id, []float64{0, th, 0})
		require.InDelta(t, th, g.Dist(id, r), 1e-15*th, "angle %g", th)
		g.LogBody(w, id, r)
		require.InDelta(t, th, w[1], 1e-15*th)
	}
	require.Zero(t, g.Dist(id, id))
	require.Zero(t, g.LogBody(w, id, id))
	require.Equal(t, []float64{0, 0, 0}, w)
}

// TestSO3TransportNumerical checks the closed-form transport against an
// independent construction: SO(3) ⊂ R⁹ carries the metric induced by the
// Frobenius inner product (up to the factor ½, which does not change the
// Levi-Civita connection), and for an embedded submanifold parallel
// transport is the limit of projecting the vector onto the tangent spaces
// of K successive points of the curve (error O(1/K)).
func TestSO3TransportNumerical(t *testing.T) {
	var g SO3
	rng := newRand(3)
	const k = 20000
	// Transport error of the projection scheme is O(|ξ|²|η|/K) ≈ 1e-3.
	const tol = 2e-3
	r, y, v, tv, cur, p, xi := make([]float64, 9), make([]float64, 9), make([]float64, 9),
		make([]float64, 9), make([]float64, 9), make([]float64, 9), make([]float64, 3)
	ws := make([]float64, 3)
	for it := 0; it < 5; it++ {
		g.Rand(r, rng)
		so3RandAxis(xi, rng)
		L := 0.5 + 2.4*rng.Float64()
		for i := range xi {
			xi[i] *= L
		}
		g.ExpBody(y, r, xi)
		g.RandTangent(v, r, rng)
		g.Transport(tv, r, y, v)

		copy(cur, v)
		for s := 1; s <= k; s++ {
			for i := range ws {
				ws[i] = xi[i] * float64(s) / k
			}
			g.ExpBody(p, r, ws)
			g.ProjectTangent(cur, p, cur)
		}
		requireClose(t, tv, cur, tol, "closed-form transport vs projected transport")
		// The velocity R[ξ]× is carried to Y[ξ]×.
		g.Tangent(v, r, xi)
		g.Transport(tv, r, y, v)
		g.Tangent(cur, y, xi)
		requireClose(t, cur, tv, exactTol, "velocity transported to velocity")
	}
}

func TestSO3Project(t *testing.T) {
	var g SO3
	rng := newRand(4)
	r, x, p := make([]float64, 9), make([]float64, 9), make([]float64, 9)
	for it := 0; it < 50; it++ {
		g.Rand(r, rng)
		// A rotation projects to itself.
		g.Project(p, r)
		requireClose(t, r, p, 1e-14, "Project(R) = R")
		// A positive scaling with a small symmetric perturbation:
		// R(sI + εS) has polar factor R exactly (S symmetric, sI + εS ≻ 0).
		var sym [9]float64
		for i := 0; i < 3; i++ {
			for j := 0; j <= i; j++ {
				v := 0.1 * rng.NormFloat64()
				sym[3*i+j], sym[3*j+i] = v, v
			}
			sym[4*i] += 2
		}
		c := so3Mul(so3Arr(r), &sym)
		copy(x, c[:])
		g.Project(x, x) // dst aliases x
		requireClose(t, r, x, 1e-13, "polar factor of R·SPD")
		require.Less(t, g.Residual(x), 1e-14)
	}
	// det < 0: the nearest rotation to a reflection diag(1, 1, −1)·R flips
	// the direction of least singular value: with x = R·diag(3, 2, −1) the
	// nearest rotation is R.
	g.Rand(r, rng)
	d := [9]float64{3, 0, 0, 0, 2, 0, 0, 0, -1}
	c := so3Mul(so3Arr(r), &d)
	g.Project(p, c[:])
	requireClose(t, r, p, 1e-13, "det-fixed polar factor")
	// Non-finite input gives NaN.
	g.Project(p, []float64{math.NaN(), 0, 0, 0, 1, 0, 0, 0, 1})
	require.True(t, math.IsNaN(p[0]))
	g.Project(p, []float64{math.Inf(1), 0, 0, 0, 1, 0, 0, 0, 1})
	require.True(t, math.IsNaN(p[0]))
	require.Zero(t, testing.AllocsPerRun(100, func() { g.Project(p, r) }), "Project allocations")
}

// so3ProjectSVD is the reference nearest rotation U diag(1, 1, det(UVᵀ)) Vᵀ
// by gonum's SVD, with the gap σ₂ + det(UVᵀ)σ₃ of the problem.
func so3ProjectSVD(x []float64) (r []float64, gap float64) {
	var svd mat.SVD
	if !svd.Factorize(mat.NewDense(3, 3, append([]float64(nil), x...)), mat.SVDFull) {
		panic("SVD failed")
	}
	var u, v mat.Dense
	svd.UTo(&u)
	svd.VTo(&v)
	d := 1.0
	if mat.Det(&u)*mat.Det(&v) < 0 {
		d = -1
	}
	r = make([]float64, 9)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			r[3*i+j] = u.At(i, 0)*v.At(j, 0) + u.At(i, 1)*v.At(j, 1) + d*u.At(i, 2)*v.At(j, 2)
		}
	}
	sv := svd.Values(nil)
	return r, sv[1] + d*sv[2]
}

func TestSO3ProjectVsSVD(t *testing.T) {
	// Random Gaussian 3×3 matrices (both signs of det) and near-rotations:
	// the quaternion/Jacobi Project must match the SVD polar factor where
	// the problem is well conditioned (error ≲ ε/gap), and never be worse
	// in the objective tr(RᵀX).
	var g SO3
	rng := newRand(11)
	x, p, r := make([]float64, 9), make([]float64, 9), make([]float64, 9)
	for it := 0; it < 500; it++ {
		if it%2 == 0 {
			for i := range x {
				x[i] = rng.NormFloat64()
			}
		} else {
			g.Rand(r, rng)
			for i := range x {
				x[i] = r[i] + 1e-3*rng.NormFloat64()
			}
		}
		want, gap := so3ProjectSVD(x)
		g.Project(p, x)
		require.Less(t, g.Residual(p), 1e-14, "Project lands on SO(3)")
		require.GreaterOrEqual(t, dot(p, x), dot(want, x)-1e-13*(1+norm(x)), "tr(RᵀX) optimal")
		if gap > 1e-2 {
			requireClose(t, want, p, 1e-13/gap, "Project vs SVD polar factor")
		}
	}
}

func TestSO3Residual(t *testing.T) {
	var g SO3
	require.Zero(t, g.Residual([]float64{1, 0, 0, 0, 1, 0, 0, 0, 1}))
	// A reflection is orthogonal but has det −1: residual 2.
	require.InDelta(t, 2, g.Residual([]float64{1, 0, 0, 0, 1, 0, 0, 0, -1}), 1e-15)
	require.Equal(t, math.Inf(1), g.Residual([]float64{math.NaN(), 0, 0, 0, 1, 0, 0, 0, 1}))
	// Long chains of Exp steps stay on SO(3) (Newton–Schulz polish).
	rng := newRand(5)
	r := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
	w := make([]float64, 3)
	for i := 0; i < 100000; i++ {
		for j := range w {
			w[j] = 0.3 * rng.NormFloat64()
		}
		g.ExpBody(r, r, w)
	}
	require.Less(t, g.Residual(r), 1e-14, "residual after 1e5 steps")
}

func TestSO3Quaternion(t *testing.T) {
	var g SO3
	rng := newRand(6)
	r, q2, y := make([]float64, 9), make([]float64, 9), make([]float64, 3)
	axis := make([]float64, 3)
	for it := 0; it < 200; it++ {
		g.Rand(r, rng)
		q := g.Quat(r)
		require.GreaterOrEqual(t, q.Real, 0.0)
		require.InDelta(t, 1, quat.Abs(q), 1e-15)
		g.FromQuat(q2, q)
		requireClose(t, r, q2, 1e-14, "matrix → quaternion → matrix")
		// Non-unit quaternions are renormalised; −q is the same rotation.
		g.FromQuat(q2, quat.Scale(-3.5, q))
		requireClose(t, r, q2, 1e-14, "FromQuat(−3.5q)")

		// gonum r3.Rotation: rotating a vector must agree with R·v.
		rot := g.Rotation(r)
		v := r3.Vec{X: rng.NormFloat64(), Y: rng.NormFloat64(), Z: rng.NormFloat64()}
		want := rot.Rotate(v)
		g.Apply(y, r, []float64{v.X, v.Y, v.Z})
		requireClose(t, []float64{want.X, want.Y, want.Z}, y, 1e-14, "r3.Rotation.Rotate vs R·v")

		// r3.NewRotation(α, axis) is the right-handed rotation Exp(α[n]×).
		so3RandAxis(axis, rng)
		alpha := math.Pi * rng.Float64()
		nr := r3.NewRotation(alpha, r3.Vec{X: axis[0], Y: axis[1], Z: axis[2]})
		g.FromRotation(q2, nr)
		g.FromAxisAngle(r, axis, alpha)
		requireClose(t, r, q2, 1e-14, "r3.NewRotation vs FromAxisAngle")
		got := g.AxisAngle(y, r)
		require.InDelta(t, alpha, got, 1e-12)
		requireClose(t, axis, y, 1e-10, "axis round trip")
	}
	// Quarter turn about e_z maps e_x to e_y in both conventions.
	g.FromRotation(r, r3.NewRotation(math.Pi/2, r3.Vec{Z: 1}))
	g.Apply(y, r, []float64{1, 0, 0})
	requireClose(t, []float64{0, 1, 0}, y, 1e-15, "quarter turn")
	// Identity and bad quaternions.
	require.Equal(t, 0.0, g.AxisAngle(y, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}))
	require.Equal(t, []float64{0, 0, 1}, y)
	g.FromQuat(r, quat.Number{})
	require.True(t, math.IsNaN(r[0]))
}

func TestSO3UniformAngle(t *testing.T) {
	// Haar measure: the rotation angle has density (1 − cos θ)/π on [0, π]
	// (Weyl integration formula), CDF (θ − sin θ)/π; the rotation axis is
	// uniform on S², so its z-component is uniform on [−1, 1]; E tr R = 0
	// (χ₁ has zero Haar mean).
	var g SO3
	rng := newRand(7)
	n := 20000
	id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
	r, w := make([]float64, 9), make([]float64, 3)
	ang, z, tr := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range ang {
		g.Rand(r, rng)
		ang[i] = g.LogBody(w, id, r)
		z[i] = w[2] / ang[i]
		tr[i] = r[0] + r[4] + r[8]
	}
	requireKS(t, ang, func(th float64) float64 { return (th - math.Sin(th)) / math.Pi }, "Haar angle")
	requireKS(t, z, func(v float64) float64 { return (v + 1) / 2 }, "Haar axis z")
	requireMean(t, tr, 0, "E tr R under Haar")
}

func TestSO3Volume(t *testing.T) {
	// Vol = ∫_{|ω|≤π} 2(1 − cos|ω|)/|ω|² d³ω = 8π ∫₀^π (1 − cos θ) dθ = 8π².
	require.InDelta(t, math.Log(8*math.Pi*math.Pi), SO3{}.LogVolume(), 1e-15)
	u, err := NewUniform(SO3{})
	require.NoError(t, err)
	require.InDelta(t, -math.Log(8*math.Pi*math.Pi), u.LogProb(make([]float64, 9)), 1e-15)
}

func TestSO3RandTangent(t *testing.T) {
	// SO3.RandTangent: body ω ~ N(0, I₃), so E|V|² = E|ω|² = 3; the package
	// RandTangent dispatches to it (ambient projection would give 3/2).
	var g SO3
	rng := newRand(8)
	r, v := make([]float64, 9), make([]float64, 9)
	n := 20000
	a, b := make([]float64, n), make([]float64, n)
	g.Rand(r, rng)
	for i := 0; i < n; i++ {
		g.RandTangent(v, r, rng)
		a[i] = g.Inner(r, v, v)
		RandTangent(g, v, r, rng)
		b[i] = g.Inner(r, v, v)
	}
	requireMean(t, a, 3, "E|ω|² of SO3.RandTangent")
	requireMean(t, b, 3, "E|ω|² of the package RandTangent on SO(3)")
}

func TestSO3Helpers(t *testing.T) {
	var g SO3
	rng := newRand(9)
	a, b, c, d := make([]float64, 9), make([]float64, 9), make([]float64, 9), make([]float64, 9)
	g.Rand(a, rng)
	g.Rand(b, rng)
	g.Compose(c, a, b)
	g.Inverse(d, a)
	g.Compose(d, d, c) // aᵀ(ab) = b, with aliasing
	requireClose(t, b, d, 1e-14, "Inverse/Compose")
	copy(d, a)
	g.Inverse(d, d)
	g.Compose(d, a, d)
	requireClose(t, []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}, d, 1e-14, "R Rᵀ = I")
	// BodyVector inverts Tangent.
	w, w2 := []float64{0.3, -1, 2}, make([]float64, 3)
	g.Tangent(c, a, w)
	g.BodyVector(w2, a, c)
	requireClose(t, w, w2, 1e-14, "BodyVector∘Tangent")
}

func TestSO3Panics(t *testing.T) {
	var g SO3
	require.PanicsWithValue(t, "manifold: SO3.Exp: dimension mismatch", func() {
		g.Exp(make([]float64, 9), make([]float64, 3), make([]float64, 9))
	})
	require.PanicsWithValue(t, "manifold: SO3.ExpBody: dimension mismatch", func() {
		g.ExpBody(make([]float64, 9), make([]float64, 9), make([]float64, 9))
	})
	require.Panics(t, func() { g.LogBody(make([]float64, 9), make([]float64, 9), make([]float64, 9)) })
	require.Panics(t, func() { g.Dist(make([]float64, 9), make([]float64, 8)) })
	require.Panics(t, func() { g.Rand(make([]float64, 3), newRand(1)) })
}

func TestSO3NoAllocs(t *testing.T) {
	var g SO3
	rng := newRand(10)
	x, y, v, d := make([]float64, 9), make([]float64, 9), make([]float64, 9), make([]float64, 9)
	w := []float64{0.1, 0.2, 0.3}
	g.Rand(x, rng)
	g.Rand(y, rng)
	g.Log(v, x, y)
	var m Manifold = g
	for name, f := range map[string]func(){
		"Exp":       func() { m.Exp(d, x, v) },
		"Log":       func() { m.Log(d, x, y) },
		"Dist":      func() { m.Dist(x, y) },
		"Transport": func() { m.Transport(d, x, y, v) },
		"Rand":      func() { m.Rand(d, rng) },
		"ExpBody":   func() { g.ExpBody(d, x, w) },
		"LogBody":   func() { g.LogBody(w, x, y) },
	} {
		require.Zero(t, testing.AllocsPerRun(100, f), name)
	}
}
