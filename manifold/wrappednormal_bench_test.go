package manifold

import "testing"

// BenchmarkWrappedNormal: one op is one point of T^4 with times
// (0.1, 1, 3, 10), two coordinates in each form (images, Fourier); the
// Scalar sub-benchmarks are one angle of WrappedNormalLogPDFScore.
func BenchmarkWrappedNormal(b *testing.B) {
	w, err := NewWrappedNormalDiag([]float64{0, 1, 2, 3}, []float64{0.1, 1, 3, 10})
	if err != nil {
		b.Fatal(err)
	}
	const d = 4
	rng := newRand(1)
	x := make([]float64, benchN*d)
	for i := 0; i < benchN; i++ {
		w.space.Rand(x[i*d:(i+1)*d], rng)
	}
	dst := make([]float64, d)
	var sink float64
	b.Run("LogProb", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := (i % benchN) * d
			sink += w.LogProb(x[k : k+d])
		}
	})
	b.Run("Score", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := (i % benchN) * d
			w.Score(dst, x[k:k+d])
		}
	})
	b.Run("Rand", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			w.Rand(dst, rng)
		}
	})
	for _, c := range []struct {
		name string
		t    float64
	}{{"Scalar/t=0.5", 0.5}, {"Scalar/t=5", 5}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				l, s := WrappedNormalLogPDFScore(x[i%(benchN*d)], c.t)
				sink += l + s
			}
		})
	}
	if sink == 1 {
		b.Log(sink)
	}
}
