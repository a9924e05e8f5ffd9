package manifold

import (
	"fmt"
	"testing"
)

var vmfSink float64

// BenchmarkVMF measures the von Mises–Fisher per-point methods (one op =
// one point): Rand on S² (exact inversion) and S⁹ (Wood's rejection
// sampler) at κ = 10, LogProb and Score on S².
func BenchmarkVMF(b *testing.B) {
	for _, d := range []int{3, 10} {
		mu := make([]float64, d)
		mu[0] = 1
		v, err := NewVonMisesFisher(mu, 10)
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("S%d", d-1)
		b.Run("Rand/"+name, func(b *testing.B) {
			dst := make([]float64, d)
			rng := newRand(7)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				v.Rand(dst, rng)
			}
		})
		if d != 3 {
			continue
		}
		const n = 1024
		pts := make([]float64, n*d)
		rng := newRand(8)
		for i := 0; i < n; i++ {
			v.Rand(pts[i*d:(i+1)*d], rng)
		}
		b.Run("LogProb/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k := (i % n) * d
				vmfSink += v.LogProb(pts[k : k+d])
			}
		})
		b.Run("Score/"+name, func(b *testing.B) {
			dst := make([]float64, d)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k := (i % n) * d
				v.Score(dst, pts[k:k+d])
			}
		})
	}
}
