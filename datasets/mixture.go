package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// GaussianMixture is a normalised mixture of isotropic Gaussians on R^d,
//
//	γ(x) = Σ_k w_k N(x; μ_k, σ² I),  Σ_k w_k = 1,
//
// so log Z = 0. It is the shape of GMM-40, TwoModes and ManyModes
// (reference/targets.md). The gradient is
//
//	∇ log γ(x) = Σ_k r_k(x) (μ_k − x)/σ²,  r_k = w_k N(x; μ_k, σ²I)/γ(x).
//
// Both are evaluated in one pass with a streaming log-sum-exp, so that no
// scratch memory is needed.
type GaussianMixture struct {
	name    string
	d       int
	means   []float64 // K×d row-major
	logw    []float64 // log w_k, normalised
	cumw    []float64 // cumulative weights, cumw[K−1] = 1
	sigma   float64
	invVar  float64 // 1/σ²
	logNorm float64 // −(d/2) log(2πσ²)
}

// NewGaussianMixture returns the mixture with the given name, K×d row-major
// means, weights (normalised here; they need only be positive) and common
// component variance. It returns an error for inconsistent or non-positive
// input.
func NewGaussianMixture(name string, d int, means, weights []float64, variance float64) (*GaussianMixture, error) {
	k := len(weights)
	if d <= 0 || k == 0 || len(means) != k*d {
		return nil, fmt.Errorf("datasets: mixture %q: %d means values for %d components in dimension %d", name, len(means), k, d)
	}
	if !(variance > 0) || math.IsInf(variance, 1) {
		return nil, fmt.Errorf("datasets: mixture %q: variance %v is not positive and finite", name, variance)
	}
	var sum float64
	for i, w := range weights {
		if !(w > 0) || math.IsInf(w, 1) {
			return nil, fmt.Errorf("datasets: mixture %q: weight %d is %v, want positive and finite", name, i, w)
		}
		sum += w
	}
	for i, m := range means {
		if math.IsNaN(m) || math.IsInf(m, 0) {
			return nil, fmt.Errorf("datasets: mixture %q: mean value %d is %v", name, i, m)
		}
	}
	g := &GaussianMixture{
		name:    name,
		d:       d,
		means:   append([]float64(nil), means...),
		logw:    make([]float64, k),
		cumw:    make([]float64, k),
		sigma:   math.Sqrt(variance),
		invVar:  1 / variance,
		logNorm: -0.5 * float64(d) * math.Log(2*math.Pi*variance),
	}
	var c float64
	for i, w := range weights {
		g.logw[i] = math.Log(w / sum)
		c += w / sum
		g.cumw[i] = c
	}
	g.cumw[k-1] = 1
	return g, nil
}

// Name returns the mixture's name.
func (g *GaussianMixture) Name() string { return g.name }

// Dim returns d.
func (g *GaussianMixture) Dim() int { return g.d }

// LogZ returns 0, true: the mixture is normalised.
func (g *GaussianMixture) LogZ() (float64, bool) { return 0, true }

// Variance returns the common component variance σ².
func (g *GaussianMixture) Variance() float64 { return g.sigma * g.sigma }

// Modes returns copies of the component means and the normalised weights.
func (g *GaussianMixture) Modes() (means [][]float64, weights []float64) {
	k := len(g.logw)
	means = make([][]float64, k)
	weights = make([]float64, k)
	for i := range k {
		means[i] = append([]float64(nil), g.means[i*g.d:(i+1)*g.d]...)
		weights[i] = math.Exp(g.logw[i])
	}
	return means, weights
}

// logTerm returns log w_k − |x − μ_k|²/(2σ²).
func (g *GaussianMixture) logTerm(k int, x []float64) float64 {
	mu := g.means[k*g.d : (k+1)*g.d]
	var s float64
	for j, xj := range x {
		r := xj - mu[j]
		s += r * r
	}
	return g.logw[k] - 0.5*s*g.invVar
}

// LogDensity returns log γ(x) = log Σ_k w_k N(x; μ_k, σ²I).
func (g *GaussianMixture) LogDensity(x []float64) float64 {
	checkLen(x, g.d)
	m := math.Inf(-1)
	var s float64
	for k := range g.logw {
		l := g.logTerm(k, x)
		if l > m {
			s = s*math.Exp(m-l) + 1
			m = l
		} else if l > math.Inf(-1) {
			s += math.Exp(l - m)
		}
	}
	return m + math.Log(s) + g.logNorm
}

// GradLogDensity writes Σ_k r_k(x)(μ_k − x)/σ² into dst and returns
// log γ(x).
func (g *GaussianMixture) GradLogDensity(dst, x []float64) float64 {
	checkLen(x, g.d)
	checkLen(dst, g.d)
	// Streaming: s = Σ e^{l_k − m}, dst = Σ e^{l_k − m} μ_k, rescaled when
	// the running maximum m grows.
	m := math.Inf(-1)
	var s float64
	for j := range dst {
		dst[j] = 0
	}
	for k := range g.logw {
		l := g.logTerm(k, x)
		mu := g.means[k*g.d : (k+1)*g.d]
		if l > m {
			c := math.Exp(m - l)
			s = s*c + 1
			for j := range dst {
				dst[j] = dst[j]*c + mu[j]
			}
			m = l
		} else if l > math.Inf(-1) {
			e := math.Exp(l - m)
			s += e
			for j := range dst {
				dst[j] += e * mu[j]
			}
		}
	}
	for j := range dst {
		dst[j] = (dst[j]/s - x[j]) * g.invVar
	}
	return m + math.Log(s) + g.logNorm
}

// Sample writes an exact draw: a component k with probability w_k, then
// μ_k + σ ξ with ξ ~ N(0, I).
func (g *GaussianMixture) Sample(dst []float64, rng *rand.Rand) {
	checkLen(dst, g.d)
	u := rng.Float64()
	lo, hi := 0, len(g.cumw)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if u < g.cumw[mid] {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	mu := g.means[lo*g.d : (lo+1)*g.d]
	for j := range dst {
		dst[j] = mu[j] + g.sigma*rng.NormFloat64()
	}
}

// gmm40Means are the 40 component means of GMM-40, (x, y) per row, from the
// table in reference/targets.md (drawn uniformly in [−40, 40]² by the
// original benchmark code with seed 0).
var gmm40Means = [80]float64{
	-0.2995, 21.4577,
	-32.9218, -29.4376,
	-15.4062, 10.7263,
	-0.7925, 31.7156,
	-3.5498, 10.5845,
	-12.0885, -7.8626,
	-38.2139, -26.4913,
	-16.4889, 1.4817,
	15.8134, 24.0009,
	-27.1176, -17.4185,
	14.5287, 33.2155,
	-8.2320, 29.9325,
	-6.4473, 4.2326,
	36.2190, -37.1068,
	-25.1815, -10.1266,
	-15.5920, 34.5600,
	-25.9272, -18.4133,
	-27.9456, -37.4624,
	-23.3496, 34.3839,
	17.8487, 19.3869,
	2.1037, -20.5073,
	6.7674, -37.3478,
	-28.9026, -20.6212,
	25.2375, 23.4528,
	-17.7398, -1.4433,
	25.5824, 39.7653,
	15.8753, 5.4037,
	26.8195, -23.5521,
	7.4538, -31.0122,
	-27.7234, -20.6633,
	18.0989, 16.0864,
	-23.6941, 12.0843,
	21.9589, -5.0487,
	1.5273, 9.2682,
	24.8151, 38.4078,
	-30.8249, -14.6588,
	15.7204, 33.1420,
	34.8083, 35.2943,
	7.9606, -34.7833,
	3.6797, -25.0242,
}

// GMM40Scale is the component standard deviation s = softplus(1) = ln(1 + e)
// of GMM-40 (reference/targets.md).
var GMM40Scale = math.Log1p(math.E)

// NewGMM40 returns GMM-40: the equal-weight mixture of 40 Gaussians in 2-D
// with covariance s²I, s = softplus(1) = 1.3132616875, and the means of
// reference/targets.md. Named "gmm40"; log Z = 0.
func NewGMM40() *GaussianMixture {
	w := make([]float64, 40)
	for i := range w {
		w[i] = 1
	}
	g, err := NewGaussianMixture("gmm40", 2, gmm40Means[:], w, GMM40Scale*GMM40Scale)
	if err != nil {
		panic(err)
	}
	return g
}

// NewTwoModes returns the TwoModes target of the LRDS paper
// (reference/targets.md): (2/3) N(−a·1, 0.05 I) + (1/3) N(+a·1, 0.05 I) with
// a = 1 in d = 5. Named "twomodes"; log Z = 0.
func NewTwoModes() *GaussianMixture {
	const d, a = 5, 1.0
	means := make([]float64, 2*d)
	for j := range d {
		means[j] = -a
		means[d+j] = a
	}
	g, err := NewGaussianMixture("twomodes", d, means, []float64{2.0 / 3, 1.0 / 3}, 0.05)
	if err != nil {
		panic(err)
	}
	return g
}

// ManyModesSeed is the seed of the means of the default ManyModes target.
// The LRDS paper does not publish its means, so they are drawn here with
// this fixed seed: rand.New(rand.NewPCG(ManyModesSeed, 0)), n·8 draws of
// −n + 2n·Float64(), row by row.
const ManyModesSeed uint64 = 20240601

// ManyModesDefaultN is the number of modes of the registered "manymodes".
const ManyModesDefaultN = 16

// NewManyModes returns the ManyModes target of the LRDS paper
// (reference/targets.md) with n modes in d = 8: means uniform in [−n, n)^8
// drawn from rand.New(rand.NewPCG(seed, 0)), weights w_k ∝ 3^{k/(n−1)}
// (k = 0…n−1, so the heaviest mode has 3 times the weight of the lightest)
// and variance 0.5. Its name is "manymodes" for n = 16 and the default seed,
// "manymodes<n>" (with "-s<seed>" for another seed) otherwise; log Z = 0.
// It returns an error for n < 2.
func NewManyModes(n int, seed uint64) (*GaussianMixture, error) {
	const d = 8
	if n < 2 {
		return nil, fmt.Errorf("datasets: manymodes: n = %d modes, want at least 2", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	means := make([]float64, n*d)
	for i := range means {
		means[i] = -float64(n) + 2*float64(n)*rng.Float64()
	}
	w := make([]float64, n)
	for k := range w {
		w[k] = math.Pow(3, float64(k)/float64(n-1))
	}
	name := "manymodes"
	if n != ManyModesDefaultN || seed != ManyModesSeed {
		name = fmt.Sprintf("manymodes%d", n)
		if seed != ManyModesSeed {
			name += fmt.Sprintf("-s%d", seed)
		}
	}
	return NewGaussianMixture(name, d, means, w, 0.5)
}

// NewManyModesDefault returns NewManyModes(ManyModesDefaultN, ManyModesSeed),
// the registered "manymodes".
func NewManyModesDefault() *GaussianMixture {
	g, err := NewManyModes(ManyModesDefaultN, ManyModesSeed)
	if err != nil {
		panic(err)
	}
	return g
}
