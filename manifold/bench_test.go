package manifold

import (
	"testing"
)

// benchManifolds lists the manifolds whose per-point maps are benchmarked;
// one op is one point.
func benchManifolds() []struct {
	name string
	m    Manifold
} {
	return []struct {
		name string
		m    Manifold
	}{
		{"R3", NewEuclidean(3)},
		{"S2", NewSphere(3)},
		{"S9", NewSphere(10)},
		{"SO3", NewSO3()},
		{"T4", NewTorus(4)},
		{"S2xSO3", NewProduct(NewSphere(3), NewSO3())},
	}
}

// benchPoints returns n points and n tangent vectors of length 0.5.
func benchPoints(m Manifold, n int) (x, v []float64) {
	rng := newRand(1)
	d := m.AmbientDim()
	x, v = make([]float64, n*d), make([]float64, n*d)
	for i := 0; i < n; i++ {
		m.Rand(x[i*d:(i+1)*d], rng)
		randTangentLen(m, v[i*d:(i+1)*d], x[i*d:(i+1)*d], 0.5, rng)
	}
	return x, v
}

const benchN = 1024

func BenchmarkExp(b *testing.B) {
	for _, c := range benchManifolds() {
		b.Run(c.name, func(b *testing.B) {
			d := c.m.AmbientDim()
			x, v := benchPoints(c.m, benchN)
			dst := make([]float64, d)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := (i % benchN) * d
				c.m.Exp(dst, x[k:k+d], v[k:k+d])
			}
		})
	}
}

func BenchmarkLog(b *testing.B) {
	for _, c := range benchManifolds() {
		b.Run(c.name, func(b *testing.B) {
			d := c.m.AmbientDim()
			x, v := benchPoints(c.m, benchN)
			y := make([]float64, len(x))
			ExpBatch(c.m, y, x, v)
			dst := make([]float64, d)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				k := (i % benchN) * d
				c.m.Log(dst, x[k:k+d], y[k:k+d])
			}
		})
	}
}

func BenchmarkRand(b *testing.B) {
	for _, c := range benchManifolds() {
		b.Run(c.name, func(b *testing.B) {
			dst := make([]float64, c.m.AmbientDim())
			rng := newRand(2)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				c.m.Rand(dst, rng)
			}
		})
	}
}
