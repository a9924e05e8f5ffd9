package manifold

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/integrate/quad"
)

// vmfQuadTol is the tolerance of the normalisation check (the brief's 1e-8).
const vmfQuadTol = 1e-8

var vmfKappas = []float64{0, 1e-6, 1e-2, 1, 10, 1e3, 1e6}

// vmfLogCRef holds {d, κ, log C_d(κ)} computed with python3 mpmath 1.3.0
// (Debian python3-mpmath) at mp.dps = 40, printed to 22 digits:
//
//	nu = mp.mpf(d)/2 - 1
//	c = nu*mp.log(k) - mp.mpf(d)/2*mp.log(2*mp.pi) - mp.log(mp.besseli(nu, k))
//
// for d in (2, 3, 5, 10, 50, 100), k in (1e-6, 1e-2, 1, 10, 1e3, 1e6).
var vmfLogCRef = [][3]float64{
	{2, 1e-6, -1.837877066409595483561},
	{2, 1e-2, -1.837902066253097219649},
	{2, 1, -2.07379142491652413225},
	{2, 10, -9.780849149528041038056},
	{2, 1e3, -997.465185956278810155},
	{2, 1e6, -999994.0111833792225982},
	{3, 1e-6, -2.531024246969457459645},
	{3, 1e-2, -2.53104091358040225682},
	{3, 1, -2.692463608540486426588},
	{3, 10, -9.53529197135414617498},
	{3, 1e3, -994.9301217874272084315},
	{3, 1e6, -999988.0223665084450714},
	{5, 1e-6, -3.270289024710626585143},
	{5, 1e-2, -3.270299024696240913185},
	{5, 1, -3.368901313378636276539},
	{5, 10, -8.965223433691961055443},
	{5, 1e3, -989.8592430745208333295},
	{5, 1e6, -999976.0447320168896428},
	{10, 1e-6, -3.238742779459050560487},
	{10, 1e-2, -3.238747779456917229138},
	{10, 1, -3.28853640654535590192},
	{10, 10, -7.090957108908095291975},
	{10, 1e3, -977.1776691123460030843},
	{10, 1e6, -999946.1006414129988837},
	{50, 1e-6, 25.47333507131735952709},
	{50, 1e-2, 25.47333407131738875786},
	{50, 1, 25.46333699344526531338},
	{50, 10, 24.49167560764158448573},
	{50, 1e3, -875.4999785614667095435},
	{50, 1e6, -999706.547691581760325},
	{100, 1e-6, 86.63610247331492699233},
	{100, 1e-2, 86.63610197331493444331},
	{100, 1, 86.63110271838155396139},
	{100, 10, 86.13852257746365011424},
	{100, 1e3, -747.8402933876203365894},
	{100, 1e6, -999407.1059417924310853},
}

// vmfLogModeRef holds {d, κ, log C_d(κ) + κ} from the same mpmath
// computation (the sum taken in 40-digit arithmetic).
var vmfLogModeRef = [][3]float64{
	{2, 1e-6, -1.837876066409595483561},
	{2, 1e-2, -1.827902066253097219649},
	{2, 1, -1.07379142491652413225},
	{2, 10, 0.2191508504719589619445},
	{2, 1e3, 2.534814043721189844972},
	{2, 1e6, 5.988816620777401810209},
	{3, 1e-6, -2.531023246969457459645},
	{3, 1e-2, -2.52104091358040225682},
	{3, 1, -1.692463608540486426588},
	{3, 10, 0.4647080286458538250201},
	{3, 1e3, 5.069878212572791568493},
	{3, 1e6, 11.97763349155492862055},
	{5, 1e-6, -3.270288024710626585143},
	{5, 1e-2, -3.260299024696240913185},
	{5, 1, -2.368901313378636276539},
	{5, 10, 1.034776566308038944557},
	{5, 1e3, 10.14075692547916667049},
	{5, 1e6, 23.95526798311035724143},
	{10, 1e-6, -3.238741779459050560487},
	{10, 1e-2, -3.228747779456917229138},
	{10, 1, -2.28853640654535590192},
	{10, 10, 2.909042891091904708025},
	{10, 1e3, 22.82233088765399691571},
	{10, 1e6, 53.89935858700111628606},
	{50, 1e-6, 25.47333607131735952709},
	{50, 1e-2, 25.48333407131738875786},
	{50, 1, 26.46333699344526531338},
	{50, 10, 34.49167560764158448573},
	{50, 1e3, 124.5000214385332904565},
	{50, 1e6, 293.4523084182396750353},
	{100, 1e-6, 86.63610347331492699233},
	{100, 1e-2, 86.64610197331493444331},
	{100, 1, 87.63110271838155396139},
	{100, 10, 96.13852257746365011424},
	{100, 1e3, 252.1597066123796634106},
	{100, 1e6, 592.8940582075689146665},
}

// vmfTotal integrates the density: the density depends on w = ⟨μ,x⟩ only,
// and dVol = Vol(S^{d−2}) (1 − w²)^{(d−3)/2} dw. For κ ≤ 100 the integral
// is taken in θ = arccos w (w = cosθ, so Vol(S^{d−2}) ∫_0^π p sin^{d−2}θ dθ,
// smooth for every d ≥ 2), 64 panels of 20-point Gauss–Legendre. For
// κ > 100 the peak has width 1/√κ; substitute 1 − w = s/κ, s = u²:
//
//	∫ = Vol(S^{d−2}) κ^{−(d−1)/2} ∫_0^{√80} e^{L−u²} 2u^{d−2} (2 − u²/κ)^{(d−3)/2} du,
//
// truncated at s = 80 (the rest is below e^{−80} relative), smooth for
// every d; 64 panels of 20 nodes.
func vmfTotal(d int, kappa float64, f func(w float64) float64) float64 {
	lm := vmfLogMode(d, kappa)
	lvol := logSphereVolume(d - 1)
	var s float64
	const panels = 64
	if kappa <= 100 {
		g := func(th float64) float64 {
			om := 2 * math.Sin(th/2) * math.Sin(th/2) // 1 − cosθ
			lp := lm - kappa*om + lvol
			if d > 2 {
				lp += float64(d-2) * math.Log(math.Sin(th))
			}
			return f(1-om) * math.Exp(lp)
		}
		w := math.Pi / panels
		for p := 0; p < panels; p++ {
			s += quad.Fixed(g, float64(p)*w, float64(p+1)*w, 20, quad.Legendre{}, 0)
		}
		return s
	}
	umax := math.Sqrt(80)
	g := func(u float64) float64 {
		om := u * u / kappa
		lp := lm - u*u + lvol - float64(d-1)/2*math.Log(kappa) + math.Log(2)
		if d > 2 {
			lp += float64(d-2) * math.Log(u)
		}
		lp += float64(d-3) / 2 * math.Log(2-om)
		return f(1-om) * math.Exp(lp)
	}
	w := umax / panels
	for p := 0; p < panels; p++ {
		s += quad.Fixed(g, float64(p)*w, float64(p+1)*w, 20, quad.Legendre{}, 0)
	}
	return s
}

func TestVMFNormalisation(t *testing.T) {
	for _, d := range []int{2, 3, 5, 10} {
		for _, k := range vmfKappas {
			t.Run(fmt.Sprintf("d=%d/κ=%g", d, k), func(t *testing.T) {
				require.InDelta(t, 1, vmfTotal(d, k, func(float64) float64 { return 1 }), vmfQuadTol)
			})
		}
	}
}

// TestVMFMeanQuadrature checks A_d(κ) = I_{d/2}(κ)/I_{d/2−1}(κ) against the
// quadrature of w, and on S² against coth κ − 1/κ.
func TestVMFMeanQuadrature(t *testing.T) {
	for _, d := range []int{2, 3, 5, 10} {
		for _, k := range vmfKappas {
			mu := make([]float64, d)
			mu[0] = 1
			v, err := NewVonMisesFisher(mu, k)
			require.NoError(t, err)
			got := v.MeanResultantLength()
			require.InDelta(t, vmfTotal(d, k, func(w float64) float64 { return w }), got, vmfQuadTol, "d=%d κ=%g", d, k)
			if d == 3 && k >= 1 {
				require.InDelta(t, 1/math.Tanh(k)-1/k, got, 1e-14, "coth κ − 1/κ, κ=%g", k)
			}
		}
	}
}

// TestVMFLogNormalizer compares log C_d(κ) with values from python3 mpmath
// 1.3.0 at 40 digits, (d/2−1) log κ − (d/2) log 2π − log I_{d/2−1}(κ), to
// 1e-12 relative, and L = log C_d + κ (the log density at the mode, where
// no cancellation is allowed) to 1e-12 absolute.
func TestVMFLogNormalizer(t *testing.T) {
	for _, r := range vmfLogCRef {
		d, k, want := int(r[0]), r[1], r[2]
		got := VMFLogNormalizer(d, k)
		require.InDelta(t, want, got, 1e-12*math.Max(1, math.Abs(want)), "d=%d κ=%g", d, k)
	}
	for _, r := range vmfLogModeRef {
		d, k, want := int(r[0]), r[1], r[2]
		require.InDelta(t, want, vmfLogMode(d, k), 1e-12*math.Max(1, math.Abs(want)), "L d=%d κ=%g", d, k)
	}
	// S² closed form against the general Bessel route.
	for _, k := range []float64{1e-6, 1e-2, 1, 10, 699, 701, 1e3, 1e6} {
		lg, _ := math.Lgamma(1.5)
		var gen float64
		if k < besselSeriesMax {
			gen = 0.5*math.Ln2 + lg - 1.5*math.Log(2*math.Pi) - besselSeriesLogSum(0.5, k) + k
		} else {
			gen = 0.5*math.Log(k) - 1.5*math.Log(2*math.Pi) - besselLogIScaled(0.5, k)
		}
		require.InDelta(t, gen, vmfLogMode(3, k), 1e-13*math.Max(1, math.Abs(gen)), "κ=%g", k)
	}
	require.InDelta(t, -math.Log(4*math.Pi), vmfLogMode(3, 1e-300), 1e-15)
	require.Panics(t, func() { VMFLogNormalizer(1, 1) })
	require.True(t, math.IsNaN(VMFLogNormalizer(3, -1)))
}

func TestVMFScore(t *testing.T) {
	for i, c := range []struct {
		d int
		k float64
	}{{2, 3}, {3, 0.5}, {3, 50}, {5, 10}, {10, 1}} {
		t.Run(fmt.Sprintf("d=%d/κ=%g", c.d, c.k), func(t *testing.T) {
			s := NewSphere(c.d)
			rng := newRand(uint64(200 + i))
			mu := make([]float64, c.d)
			s.Rand(mu, rng)
			v, err := NewVonMisesFisher(mu, c.k)
			require.NoError(t, err)
			var pts [][]float64
			for k := 0; k < 10; k++ {
				x := make([]float64, c.d)
				s.Rand(x, rng)
				pts = append(pts, x)
			}
			checkScoreFD(t, v, pts, uint64(300+i), scoreTol)
		})
	}
}

// vmfThetaCDF returns the CDF of θ = dist(μ, X) by incremental 3-point
// Gauss–Legendre between successive (sorted) arguments, as for the heat
// kernel; density Vol(S^{d−2}) e^{L − κ(1−cosθ)} sin^{d−2}θ.
func vmfThetaCDF(d int, kappa float64) func(float64) float64 {
	lm, lvol := vmfLogMode(d, kappa), logSphereVolume(d-1)
	dens := func(th float64) float64 {
		lp := lm - 2*kappa*math.Sin(th/2)*math.Sin(th/2) + lvol
		if d > 2 {
			lp += float64(d-2) * math.Log(math.Sin(th))
		}
		return math.Exp(lp)
	}
	prev, acc := 0.0, 0.0
	return func(th float64) float64 {
		if th < prev {
			prev, acc = 0, 0
		}
		if th > prev {
			acc += quad.Fixed(dens, prev, th, 3, quad.Legendre{}, 0)
			prev = th
		}
		return acc
	}
}

func TestVMFSampler(t *testing.T) {
	const n = 20000
	for i, c := range []struct {
		d    int
		k    float64
		wood bool
	}{
		{2, 0, false}, {2, 2, false}, {3, 0, false}, {3, 1e-6, false}, {3, 1, false}, {3, 1e3, false},
		{3, 5, true}, {3, 1e6, true}, {5, 10, false}, {10, 1e-2, false}, {10, 1e6, false}, {100, 30, false},
	} {
		t.Run(fmt.Sprintf("d=%d/κ=%g/wood=%v", c.d, c.k, c.wood), func(t *testing.T) {
			s := NewSphere(c.d)
			rng := newRand(uint64(400 + i))
			mu := make([]float64, c.d)
			s.Rand(mu, rng)
			v, err := NewVonMisesFisher(mu, c.k)
			require.NoError(t, err)
			e := make([]float64, c.d)
			s.Rand(e, rng)
			s.ProjectTangent(e, mu, e)
			en := norm(e)
			for j := range e {
				e[j] /= en
			}
			x := make([]float64, c.d)
			ws, ths, comp := make([]float64, n), make([]float64, n), make([]float64, n)
			for k := 0; k < n; k++ {
				if c.wood {
					// Exercise Wood's sampler on S², where W has a closed-form law.
					omw := v.randWood(rng)
					ws[k] = 1 - omw
					continue
				}
				v.Rand(x, rng)
				require.Less(t, s.Residual(x), exactTol)
				ws[k] = dot(mu, x)
				ths[k] = s.Dist(mu, x)
				var o2 float64
				for j := range x {
					o := x[j] - ws[k]*mu[j]
					o2 += o * o
				}
				comp[k] = dot(x, e) / math.Sqrt(o2)
			}
			requireMean(t, ws, v.MeanResultantLength(), "E[W]")
			if c.d == 3 {
				// Exact CDF of W on S²: F(w) = e^{−κ(1−w)} (1 − e^{−κ(1+w)})/(1 − e^{−2κ}).
				cdf := func(w float64) float64 {
					if c.k == 0 {
						return (1 + w) / 2
					}
					return math.Exp(-c.k*(1-w)) * math.Expm1(-c.k*(1+w)) / math.Expm1(-2*c.k)
				}
				if c.k < 1e5 {
					requireKS(t, append([]float64(nil), ws...), cdf, "W")
				} else {
					// For κ = 1e6, 1 − W ~ Exp(κ) to 1e-6; test κ(1 − W).
					for k := range ws {
						ws[k] = c.k * (1 - ws[k])
					}
					requireKS(t, ws, func(s float64) float64 { return -math.Expm1(-s) }, "κ(1−W)")
				}
			}
			if c.wood {
				return
			}
			if c.k <= 1e3 {
				requireKS(t, ths, vmfThetaCDF(c.d, c.k), "θ")
			}
			// Direction: the component along e of the normalised
			// orthogonal part has mean 0 and mean square 1/(d−1).
			requireMean(t, comp, 0, "direction component")
			for k := range comp {
				comp[k] = comp[k]*comp[k] - 1/float64(c.d-1)
			}
			requireMean(t, comp, 0, "direction component variance")
		})
	}
}

func TestVMFGamma(t *testing.T) {
	// Gamma(a) has mean a and variance a.
	rng := newRand(9)
	for _, a := range []float64{0.5, 1, 2.5, 49.5} {
		xs, sq := make([]float64, 20000), make([]float64, 20000)
		for i := range xs {
			xs[i] = vmfGamma(a, rng)
			sq[i] = (xs[i] - a) * (xs[i] - a)
		}
		requireMean(t, xs, a, fmt.Sprintf("Gamma(%g) mean", a))
		requireMean(t, sq, a, fmt.Sprintf("Gamma(%g) variance", a))
	}
}

func TestVMFErrors(t *testing.T) {
	for _, k := range []float64{-1, math.NaN(), math.Inf(1)} {
		_, err := NewVonMisesFisher([]float64{0, 0, 1}, k)
		require.ErrorIs(t, err, ErrParameter, "κ=%g", k)
	}
	_, err := NewVonMisesFisher([]float64{1}, 1)
	require.ErrorIs(t, err, ErrParameter)
	_, err = NewVonMisesFisher([]float64{0, 0.5, 1}, 1)
	require.ErrorIs(t, err, ErrNotOnManifold)
	_, err = NewVonMisesFisher([]float64{0, math.NaN(), 1}, 1)
	require.ErrorIs(t, err, ErrNotOnManifold)
	v, err := NewVonMisesFisher([]float64{0, 0, 1}, 1)
	require.NoError(t, err)
	require.Equal(t, 1.0, v.Kappa())
	require.Panics(t, func() { v.LogProb(make([]float64, 2)) })
	require.Panics(t, func() { v.Score(make([]float64, 3), make([]float64, 2)) })
	require.Panics(t, func() { v.Rand(make([]float64, 4), newRand(1)) })
}

func TestVMFAllocs(t *testing.T) {
	for _, d := range []int{3, 10} {
		mu := make([]float64, d)
		mu[d-1] = 1
		v, err := NewVonMisesFisher(mu, 5)
		require.NoError(t, err)
		x, dst := make([]float64, d), make([]float64, d)
		x[0] = 1
		rng := rand.New(rand.NewPCG(1, 2))
		require.Zero(t, testing.AllocsPerRun(100, func() { v.LogProb(x) }))
		require.Zero(t, testing.AllocsPerRun(100, func() { v.Score(dst, x) }))
		require.Zero(t, testing.AllocsPerRun(100, func() { v.Rand(dst, rng) }))
	}
}

// TestVMFExtremeKappa draws at κ = 1e300, where 4κ² overflows: W must be
// 1 to rounding and the draw on the sphere.
func TestVMFExtremeKappa(t *testing.T) {
	for _, d := range []int{2, 3, 7} {
		mu := make([]float64, d)
		mu[0] = 1
		v, err := NewVonMisesFisher(mu, 1e300)
		require.NoError(t, err)
		x := make([]float64, d)
		rng := newRand(11)
		for i := 0; i < 100; i++ {
			v.Rand(x, rng)
			require.InDelta(t, 1, x[0], 1e-15, "d=%d", d)
		}
		require.False(t, math.IsNaN(v.LogProb(mu)) || math.IsInf(v.LogProb(mu), 0))
	}
}
