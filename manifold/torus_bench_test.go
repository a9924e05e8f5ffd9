package manifold

import "testing"

// The per-point maps of Torus and Product, one op = one point. The
// sub-benchmark names follow bench_test.go (Exp/<Manifold>); adding
// {"Torus4", NewTorus(4)} and {"ProductS2T2", NewProduct(NewSphere(3),
// NewTorus(2))} to benchManifolds there gives the same figures under
// BenchmarkExp/Torus4 etc.
func BenchmarkTorusProduct(b *testing.B) {
	cases := []struct {
		name string
		m    Manifold
	}{
		{"Torus4", NewTorus(4)},
		{"ProductS2T2", NewProduct(NewSphere(3), NewTorus(2))},
	}
	for _, c := range cases {
		d := c.m.AmbientDim()
		x, v := benchPoints(c.m, benchN)
		y := make([]float64, len(x))
		ExpBatch(c.m, y, x, v)
		dst := make([]float64, d)
		b.Run("Exp/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k := (i % benchN) * d
				c.m.Exp(dst, x[k:k+d], v[k:k+d])
			}
		})
		b.Run("Log/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				k := (i % benchN) * d
				c.m.Log(dst, x[k:k+d], y[k:k+d])
			}
		})
		b.Run("Rand/"+c.name, func(b *testing.B) {
			rng := newRand(2)
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				c.m.Rand(dst, rng)
			}
		})
	}
}
