package manifold

import (
	"fmt"
	"testing"
)

var sphereHeatSink float64

// BenchmarkSphereHeat measures the per-point methods of the heat kernel
// (one op = one point) on S² and S⁹ at t = 0.1 and t = 1e-3, and the
// constructor (which builds the sampler's grid).
func BenchmarkSphereHeat(b *testing.B) {
	for _, d := range []int{3, 10} {
		for _, t := range []float64{0.1, 1e-3} {
			x0 := make([]float64, d)
			x0[0] = 1
			h, err := NewSphereHeat(x0, t)
			if err != nil {
				b.Fatal(err)
			}
			const n = 1024
			pts := make([]float64, n*d)
			rng := newRand(5)
			for i := 0; i < n; i++ {
				h.Rand(pts[i*d:(i+1)*d], rng)
			}
			name := fmt.Sprintf("S%d_t=%g", d-1, t)
			b.Run("LogProb/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					k := (i % n) * d
					sphereHeatSink += h.LogProb(pts[k : k+d])
				}
			})
			b.Run("Score/"+name, func(b *testing.B) {
				dst := make([]float64, d)
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					k := (i % n) * d
					h.Score(dst, pts[k:k+d])
				}
			})
			b.Run("Rand/"+name, func(b *testing.B) {
				dst := make([]float64, d)
				rng := newRand(6)
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					h.Rand(dst, rng)
				}
			})
			b.Run("New/"+name, func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					if _, err := NewSphereHeat(x0, t); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
