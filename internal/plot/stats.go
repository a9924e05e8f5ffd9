package plot

import (
	"math"
	"slices"
)

// SelfNormalized writes the self-normalised importance weights
//
//	w̄_i = exp(ℓ_i − max_j ℓ_j) / Σ_k exp(ℓ_k − max_j ℓ_j),  ℓ = logw,
//
// into dst (Owen 2013, Monte Carlo theory, methods and examples, §9.2);
// subtracting the maximum keeps every exponential in (0, 1]. A nil logw
// gives equal weights 1/n with n = len(dst). Entries of logw that are −∞
// get weight 0; if every entry is −∞ or one is NaN or +∞, dst is filled
// with NaN. It panics if logw is not nil and len(dst) != len(logw).
func SelfNormalized(dst, logw []float64) {
	if logw == nil {
		for i := range dst {
			dst[i] = 1 / float64(len(dst))
		}
		return
	}
	if len(dst) != len(logw) {
		panic("plot: SelfNormalized length mismatch")
	}
	m := math.Inf(-1)
	for _, l := range logw {
		if math.IsNaN(l) || math.IsInf(l, 1) {
			m = math.NaN()
			break
		}
		m = math.Max(m, l)
	}
	if math.IsNaN(m) || math.IsInf(m, -1) {
		for i := range dst {
			dst[i] = math.NaN()
		}
		return
	}
	var s float64
	for i, l := range logw {
		dst[i] = math.Exp(l - m)
		s += dst[i]
	}
	for i := range dst {
		dst[i] /= s
	}
}

// Histogram adds into counts the weights of the values x[i·stride+off],
// i = 0, …, len(x)/stride − 1, that lie in [lo, hi]: bin b covers
// [lo + b·h, lo + (b+1)·h) with h = (hi − lo)/len(counts), and a value equal
// to hi goes to the last bin. Values outside [lo, hi] and NaN are skipped.
// A nil w counts each value once; otherwise value i adds w[i]. It returns
// the total weight of all the values (skipped ones included), so that
// counts[b]/(total·h) is the density estimate of the histogram.
//
// It panics if stride < 1, off is not in [0, stride), len(x) is not a
// multiple of stride, len(w) is not len(x)/stride (when w is not nil),
// counts is empty or hi ≤ lo.
func Histogram(counts, x []float64, stride, off int, w []float64, lo, hi float64) (total float64) {
	if stride < 1 || off < 0 || off >= stride || len(x)%stride != 0 {
		panic("plot: Histogram bad stride or offset")
	}
	n := len(x) / stride
	if w != nil && len(w) != n {
		panic("plot: Histogram weight length mismatch")
	}
	if len(counts) == 0 || !(hi > lo) {
		panic("plot: Histogram needs bins and lo < hi")
	}
	nb := len(counts)
	scale := float64(nb) / (hi - lo)
	for i := range n {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		total += wi
		v := x[i*stride+off]
		if !(v >= lo && v <= hi) {
			continue
		}
		b := int((v - lo) * scale)
		if b >= nb {
			b = nb - 1
		}
		counts[b] += wi
	}
	return total
}

// quantileRange returns the q and 1 − q quantiles of the column off of the
// n×stride matrices xs (NaN skipped), widened by 5 % on each side; a
// degenerate range is widened to ±1 around its value.
func quantileRange(q float64, stride, off int, xs ...[]float64) (lo, hi float64) {
	var v []float64
	for _, x := range xs {
		for i := off; i < len(x); i += stride {
			if !math.IsNaN(x[i]) && !math.IsInf(x[i], 0) {
				v = append(v, x[i])
			}
		}
	}
	if len(v) == 0 {
		return -1, 1
	}
	slices.Sort(v)
	at := func(p float64) float64 { return v[int(math.Round(p*float64(len(v)-1)))] }
	lo, hi = at(q), at(1-q)
	if !(hi > lo) {
		return lo - 1, hi + 1
	}
	pad := 0.05 * (hi - lo)
	return lo - pad, hi + pad
}
