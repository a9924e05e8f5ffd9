package manifold

import "testing"

// BenchmarkMixture: one op is one point of T² for the three-component
// mixture 0.3·WN + 0.5·WN + 0.2·Uniform of mixtureT2 (two wrapped normals
// on T², one in each kernel form, and the uniform law).
func BenchmarkMixture(b *testing.B) {
	wa, err := NewWrappedNormal([]float64{1, -2}, 0.2)
	if err != nil {
		b.Fatal(err)
	}
	wb, err := NewWrappedNormalDiag([]float64{-2.5, 3}, []float64{0.05, 3})
	if err != nil {
		b.Fatal(err)
	}
	u, err := NewUniform(NewTorus(2))
	if err != nil {
		b.Fatal(err)
	}
	m, err := NewMixture([]float64{3, 5, 2}, []Distribution{wa, wb, u})
	if err != nil {
		b.Fatal(err)
	}
	const d = 2
	rng := newRand(1)
	x := make([]float64, benchN*d)
	for i := 0; i < benchN; i++ {
		m.Rand(x[i*d:(i+1)*d], rng)
	}
	dst := make([]float64, d)
	var sink float64
	b.Run("LogProb", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := (i % benchN) * d
			sink += m.LogProb(x[k : k+d])
		}
	})
	b.Run("Score", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := (i % benchN) * d
			m.Score(dst, x[k:k+d])
		}
	})
	b.Run("Rand", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			m.Rand(dst, rng)
		}
	})
	if sink == 1 {
		b.Log(sink)
	}
}
