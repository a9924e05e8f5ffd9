package manifold

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// VonMisesFisher is the von Mises–Fisher law on S^{d−1} ⊂ R^d with mean
// direction μ and concentration κ ≥ 0. Its density with respect to the
// Riemannian volume (surface measure) of S^{d−1}, total 2π^{d/2}/Γ(d/2), is
//
//	p(x) = C_d(κ) e^{κ⟨μ,x⟩},  C_d(κ) = κ^{d/2−1} / ((2π)^{d/2} I_{d/2−1}(κ)),
//
// (Mardia & Jupp 2000, Directional Statistics, §9.3.2), with I_ν the
// modified Bessel function of the first kind; κ = 0 is the uniform law
// C_d(0) = Γ(d/2)/(2π^{d/2}). On S² (d = 3) C_3(κ) = κ/(4π sinh κ).
//
// The density is evaluated as exp(L − κ|x−μ|²/2), L = log C_d(κ) + κ its
// log at the mode, |x−μ|²/2 = 1 − ⟨μ,x⟩, so that nothing cancels for large
// κ. L comes from log I_ν(κ) − κ (see bessel.go; relative error of C_d
// below 1e-13), on S² from the closed form
// L = log κ − log 2π − log(1 − e^{−2κ}) (limit −log 4π at κ = 0).
type VonMisesFisher struct {
	s     Sphere
	mu    []float64
	kappa float64
	// logMode is L = log C_d(κ) + κ.
	logMode float64
	// Wood (1994) constants: b, x0 = (1−b)/(1+b), 1 − x0 and
	// log(1 − x0²), all in cancellation-free forms.
	b, x0, omx0, logOmx0sq float64
	// ex2 = 1 − e^{−2κ}, for the exact S² sampler.
	ex2 float64
}

// NewVonMisesFisher returns the vMF law on S^{d−1}, d = len(mu) ≥ 2. It
// returns an error wrapping ErrParameter if κ < 0, κ is NaN or +Inf, or
// d < 2, and ErrNotOnManifold if ||μ| − 1| > OnManifoldTol. μ is copied and
// renormalised.
func NewVonMisesFisher(mu []float64, kappa float64) (*VonMisesFisher, error) {
	d := len(mu)
	if d < 2 {
		return nil, fmt.Errorf("manifold: NewVonMisesFisher: len(mu) = %d < 2: %w", d, ErrParameter)
	}
	if !(kappa >= 0) || math.IsInf(kappa, 1) {
		return nil, fmt.Errorf("manifold: NewVonMisesFisher: kappa = %g: %w", kappa, ErrParameter)
	}
	s := NewSphere(d)
	if r := s.Residual(mu); !(r <= OnManifoldTol) {
		return nil, fmt.Errorf("manifold: NewVonMisesFisher: ||mu| − 1| = %g: %w", r, ErrNotOnManifold)
	}
	v := &VonMisesFisher{s: s, mu: make([]float64, d), kappa: kappa}
	s.Project(v.mu, mu)
	v.logMode = vmfLogMode(d, kappa)
	// Wood (1994): b = (−2κ + √(4κ² + (d−1)²))/(d−1), rationalised to
	// b = (d−1)/(2κ + √(4κ² + (d−1)²)) (no cancellation for large κ;
	// the root by Hypot, so 4κ² cannot overflow).
	m := float64(d - 1)
	v.b = m / (2*kappa + math.Hypot(2*kappa, m))
	v.x0 = (1 - v.b) / (1 + v.b)
	v.omx0 = 2 * v.b / (1 + v.b)                      // 1 − x0
	v.logOmx0sq = math.Log(4*v.b) - 2*math.Log1p(v.b) // log(1 − x0²)
	v.ex2 = -math.Expm1(-2 * kappa)                   // 1 − e^{−2κ}
	return v, nil
}

// vmfLogMode returns L = log C_d(κ) + κ, the log density at the mode.
//
//	d = 3:  L = log κ − log 2π − log(1 − e^{−2κ}), → −log 4π as κ → 0;
//	κ < 700: L = ν log 2 + log Γ(ν+1) − (d/2) log 2π − log S(κ) + κ,
//	         S = Σ_k (κ²/4)^k/(k!(ν+1)_k) (the power series of I_ν with
//	         (κ/2)^ν/Γ(ν+1) taken out, so κ^ν cancels exactly);
//	else:    L = ν log κ − (d/2) log 2π − (log I_ν(κ) − κ),
//
// with ν = d/2 − 1.
func vmfLogMode(d int, kappa float64) float64 {
	if kappa == 0 {
		return -logSphereVolume(d)
	}
	if d == 3 {
		return math.Log(kappa/(-math.Expm1(-2*kappa))) - math.Log(2*math.Pi)
	}
	nu := float64(d)/2 - 1
	half := float64(d) / 2
	if kappa < besselSeriesMax {
		lg, _ := math.Lgamma(nu + 1)
		return nu*math.Ln2 + lg - half*math.Log(2*math.Pi) - besselSeriesLogSum(nu, kappa) + kappa
	}
	return nu*math.Log(kappa) - half*math.Log(2*math.Pi) - besselLogIScaled(nu, kappa)
}

// VMFLogNormalizer returns log C_d(κ), the log normalising constant of the
// vMF density on S^{d−1} with respect to the surface measure. It panics
// if d < 2 and returns NaN for κ < 0 or NaN.
func VMFLogNormalizer(d int, kappa float64) float64 {
	if d < 2 {
		panic("manifold: VMFLogNormalizer: d < 2")
	}
	if !(kappa >= 0) {
		return math.NaN()
	}
	return vmfLogMode(d, kappa) - kappa
}

// Space returns the sphere.
func (v *VonMisesFisher) Space() Manifold { return v.s }

// Kappa returns κ.
func (v *VonMisesFisher) Kappa() float64 { return v.kappa }

// MeanResultantLength returns E⟨μ, X⟩ = A_d(κ) = I_{d/2}(κ)/I_{d/2−1}(κ)
// (Mardia & Jupp 2000, eq. 9.3.9); coth κ − 1/κ on S²; 0 at κ = 0.
func (v *VonMisesFisher) MeanResultantLength() float64 {
	if v.kappa == 0 {
		return 0
	}
	return besselRatio(float64(v.s.d)/2-1, v.kappa)
}

// LogProb returns L − κ|x−μ|²/2 = log C_d(κ) + κ⟨μ,x⟩ for unit x.
func (v *VonMisesFisher) LogProb(x []float64) float64 {
	checkLen("VonMisesFisher.LogProb", v.s.d, x)
	var d2 float64
	for i, xi := range x {
		e := xi - v.mu[i]
		d2 += e * e
	}
	return v.logMode - v.kappa*d2/2
}

// Score writes κ(μ − ⟨μ,x⟩x), the tangent projection at x of the
// Euclidean gradient κμ, into dst.
func (v *VonMisesFisher) Score(dst, x []float64) {
	checkLen("VonMisesFisher.Score", v.s.d, dst, x)
	c := dot(v.mu, x)
	for i := range dst {
		dst[i] = v.kappa * (v.mu[i] - c*x[i])
	}
}

// Rand writes a draw into dst: x = Wμ + √(1−W²) ξ, W = ⟨μ, X⟩, ξ uniform
// on the unit sphere of μ^⊥ (a standard Gaussian vector projected onto μ^⊥
// and normalised, built in dst itself, so Rand allocates nothing).
//
// On S² W is drawn exactly by inversion of its CDF
// F(w) = (e^{κw} − e^{−κ})/(e^{κ} − e^{−κ}):
// 1 − W = −log1p(−V(1 − e^{−2κ}))/κ, V = 1 − U uniform on (0, 1], which is
// stable as κ → 0 (W → 2U − 1 uniform) and as κ → ∞. For d ≠ 3 W comes
// from Wood's (1994) rejection sampler (Commun. Statist. Simul. 23, 157),
// written so that 1 − W, 1 − x0 and the acceptance test are free of
// cancellation for κ up to 1e300:
//
//	Z ~ Beta((d−1)/2, (d−1)/2),  1 − W = 2bZ/((1−Z) + bZ),
//	accept if κ((1−x0) − (1−W)) + (d−1)(log(1 − x0W) − log(1 − x0²)) ≥ log U.
func (v *VonMisesFisher) Rand(dst []float64, rng *rand.Rand) {
	checkLen("VonMisesFisher.Rand", v.s.d, dst)
	var omw float64 // 1 − W
	if v.s.d == 3 {
		omw = v.randS2(rng)
	} else {
		omw = v.randWood(rng)
	}
	w := 1 - omw
	sw := math.Sqrt(math.Max(0, omw*(2-omw))) // √(1−W²) = √((1−W)(1+W))
	sphereRandOrthogonal(dst, v.mu, rng)
	for i := range dst {
		dst[i] = w*v.mu[i] + sw*dst[i]
	}
	v.s.Project(dst, dst)
}

// randS2 returns 1 − W for the exact S² sampler.
func (v *VonMisesFisher) randS2(rng *rand.Rand) float64 {
	if v.kappa == 0 {
		return 2 * rng.Float64()
	}
	vv := 1 - rng.Float64()
	return math.Min(2, -math.Log1p(-vv*v.ex2)/v.kappa)
}

// randWood returns 1 − W by Wood's rejection sampler (any d ≥ 2).
func (v *VonMisesFisher) randWood(rng *rand.Rand) float64 {
	a := float64(v.s.d-1) / 2
	m := float64(v.s.d - 1)
	for {
		g1, g2 := vmfGamma(a, rng), vmfGamma(a, rng)
		z, zc := g1/(g1+g2), g2/(g1+g2) // Z and 1 − Z
		omw := 2 * v.b * z / (zc + v.b*z)
		omw = math.Min(2, omw)
		// 1 − x0 W = (1 − x0) + x0 (1 − W).
		lhs := v.kappa*(v.omx0-omw) + m*(math.Log(v.omx0+v.x0*omw)-v.logOmx0sq)
		u := 1 - rng.Float64() // (0, 1]
		if lhs >= math.Log(u) {
			return omw
		}
	}
}

// vmfGamma draws a Gamma(a, 1) variate by Marsaglia & Tsang (2000), ACM
// TOMS 26, 363, with the boost Gamma(a) = Gamma(a+1) U^{1/a} for a < 1.
func vmfGamma(a float64, rng *rand.Rand) float64 {
	boost := 1.0
	if a < 1 {
		boost = math.Pow(1-rng.Float64(), 1/a)
		a++
	}
	d := a - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := rng.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := 1 - rng.Float64()
		x2 := x * x
		if u < 1-0.0331*x2*x2 || math.Log(u) < 0.5*x2+d*(1-v+math.Log(v)) {
			return d * v * boost
		}
	}
}
