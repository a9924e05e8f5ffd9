package sampler

import (
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/manifold"
)

// The annealing path shared by AIS, SMC and PT is the geometric path
//
//	π_β(x) ∝ p₀(x)^{1−β} γ(x)^β,  β ∈ [0, 1],
//
// from the normalised reference p₀ (N(0, σ²I) on R^d, the uniform law on a
// compact manifold) to the target γ (Neal 2001, "Annealed importance
// sampling", §2). Its normaliser Z_β = ∫ p₀^{1−β} γ^β has Z₀ = 1, Z₁ = Z.

// DefaultRefSigma is the reference standard deviation σ on R^d when a
// method's RefSigma is 0.
const DefaultRefSigma = 1.0

// Target acceptance rates of the step-size adaptation: 0.574 for MALA
// (Roberts & Rosenthal 1998, "Optimal scaling of discrete approximations
// to Langevin diffusions") and 0.234 for random-walk Metropolis (Roberts,
// Gelman & Gilks 1997).
const (
	MALAAccept = 0.574
	RWMAccept  = 0.234
)

// kernel holds the reference law and one worker's scratch vectors.
type kernel struct {
	e        *env
	sigma    float64 // reference σ on R^d
	logNorm  float64 // −(d/2) log(2πσ²) on R^d; −log Vol(M) on a manifold
	y, gy, v []float64
}

func (e *env) kernels(sigma float64) []*kernel {
	if sigma == 0 {
		sigma = DefaultRefSigma
	}
	ks := make([]*kernel, e.workers)
	for w := range ks {
		k := &kernel{e: e, sigma: sigma, y: make([]float64, e.d), gy: make([]float64, e.d), v: make([]float64, e.d)}
		if e.flat {
			k.logNorm = -0.5 * float64(e.d) * math.Log(2*math.Pi*sigma*sigma)
		} else {
			k.logNorm = -e.space.LogVolume()
		}
		ks[w] = k
	}
	return ks
}

// logRef returns log p₀(x): −|x|²/(2σ²) − (d/2) log 2πσ² on R^d, −log Vol(M)
// on a compact manifold.
func (k *kernel) logRef(x []float64) float64 {
	if !k.e.flat {
		return k.logNorm
	}
	var s float64
	for _, v := range x {
		s += v * v
	}
	return k.logNorm - 0.5*s/(k.sigma*k.sigma)
}

// init draws x ~ p₀ and evaluates log γ (and on R^d its gradient into g).
func (k *kernel) init(x, g []float64, rng *rand.Rand) float64 {
	if k.e.flat {
		for j := range x {
			x[j] = k.sigma * rng.NormFloat64()
		}
		return k.e.t.GradLogDensity(g, x)
	}
	k.e.space.Rand(x, rng)
	return k.e.t.LogDensity(x)
}

// move makes one Metropolis–Hastings step targeting π_β from x (with
// cached log γ(x) = *lg and, on R^d, ∇log γ(x) = g), updating x, g and *lg
// in place on acceptance. It returns the acceptance probability α.
//
// On R^d it is MALA (Roberts & Tweedie 1996): with a(x) = ∇log π_β(x) =
// β∇log γ(x) − (1−β)x/σ²,
//
//	y = x + h a(x) + √(2h) ξ,  log q(y|x) = −|y − x − h a(x)|²/(4h),
//
// accepted with probability min(1, π_β(y)q(x|y)/(π_β(x)q(y|x))); one
// gradient evaluation. On a compact manifold it is random-walk Metropolis
// with the geodesic proposal y = Exp_x(√(2h) ξ), ξ a standard Gaussian
// tangent vector (manifold.RandTangent). On S², T^n and SO(3) (isotropic
// spaces with isotropic tangent noise) the proposal density depends only
// on the geodesic distance d(x, y), so it is symmetric and α = min(1,
// (γ(y)/γ(x))^β); one energy evaluation, no gradient.
func (k *kernel) move(x, g []float64, lg *float64, beta, h float64, rng *rand.Rand) float64 {
	y := k.y
	if !k.e.flat {
		manifold.RandTangent(k.e.space, k.v, x, rng)
		s := math.Sqrt(2 * h)
		for j := range k.v {
			k.v[j] *= s
		}
		k.e.space.Exp(y, x, k.v)
		lgy := k.e.t.LogDensity(y)
		la := beta * (lgy - *lg)
		a := acceptProb(la)
		if rng.Float64() < a {
			copy(x, y)
			*lg = lgy
		}
		return a
	}
	gy := k.gy
	is2 := 1 / (k.sigma * k.sigma)
	s := math.Sqrt(2 * h)
	var xx float64
	for j, xj := range x {
		a := beta*g[j] - (1-beta)*xj*is2
		y[j] = xj + h*a + s*rng.NormFloat64()
		xx += xj * xj
	}
	lgy := k.e.t.GradLogDensity(gy, y)
	var yy, qf, qb float64
	for j, yj := range y {
		ax := beta*g[j] - (1-beta)*x[j]*is2
		ay := beta*gy[j] - (1-beta)*yj*is2
		f := yj - x[j] - h*ax
		b := x[j] - yj - h*ay
		qf += f * f
		qb += b * b
		yy += yj * yj
	}
	lpx := beta**lg - (1-beta)*0.5*xx*is2
	lpy := beta*lgy - (1-beta)*0.5*yy*is2
	la := lpy - lpx - (qb-qf)/(4*h)
	a := acceptProb(la)
	if rng.Float64() < a {
		copy(x, y)
		copy(g, gy)
		*lg = lgy
	}
	return a
}

// acceptProb returns min(1, e^la), 0 for NaN.
func acceptProb(la float64) float64 {
	if la >= 0 {
		return 1
	}
	if math.IsNaN(la) {
		return 0
	}
	return math.Exp(la)
}

// targetAccept returns the acceptance rate the step adaptation aims at.
func (e *env) targetAccept() float64 {
	if e.flat {
		return MALAAccept
	}
	return RWMAccept
}

// betaSchedule returns β_k = (k/K)^p, k = 0…K: the polynomial spacing
// that puts more temperatures near β = 0 where π_β changes fastest
// (p = 4 is the common choice, e.g. Neal 2001 and Kiwaki 2015).
func betaSchedule(K int, p float64) []float64 {
	b := make([]float64, K+1)
	for k := range b {
		b[k] = math.Pow(float64(k)/float64(K), p)
	}
	b[K] = 1
	return b
}
