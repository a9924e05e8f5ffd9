package manifold

import "testing"

// Benchmarks for SO(3): one op = one point. The top-level names carry the
// file prefix (BenchmarkSO3/Exp rather than BenchmarkExp/SO3) so that
// helpers adding benchmarks for other manifolds in parallel cannot declare
// the same function twice.

var so3BenchSink float64

func BenchmarkSO3(b *testing.B) {
	var g SO3
	rng := newRand(1)
	x, y, v, d := make([]float64, 9), make([]float64, 9), make([]float64, 9), make([]float64, 9)
	w := []float64{0.1, -0.2, 0.3}
	g.Rand(x, rng)
	g.Rand(y, rng)
	g.Log(v, x, y)
	b.Run("Exp", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.Exp(d, x, v)
		}
	})
	b.Run("Log", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.Log(d, x, y)
		}
	})
	b.Run("Dist", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			so3BenchSink += g.Dist(x, y)
		}
	})
	b.Run("Transport", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.Transport(d, x, y, v)
		}
	})
	b.Run("Rand", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.Rand(d, rng)
		}
	})
	b.Run("Project", func(b *testing.B) {
		// A rotation perturbed by 1e-3 (the typical cleaning use).
		p := make([]float64, 9)
		for i := range p {
			p[i] = x[i] + 1e-3*rng.NormFloat64()
		}
		b.ReportAllocs()
		for b.Loop() {
			g.Project(d, p)
		}
	})
	b.Run("ExpBody", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			g.ExpBody(d, x, w)
		}
	})
	b.Run("LogBody", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			so3BenchSink += g.LogBody(w, x, y)
		}
	})
}

// BenchmarkIGSO3 measures the per-point methods of IGSO(3) on both
// evaluation branches (t = 0.1: image sum; t = 3: character series). The
// constructor (grid tabulation, ~1e-3 s) is left out so that a fixed
// -benchtime=Nx run stays short.
func BenchmarkIGSO3(b *testing.B) {
	rng := newRand(2)
	r0 := make([]float64, 9)
	SO3{}.Rand(r0, rng)
	for _, tt := range []float64{0.1, 3} {
		d, err := NewIGSO3(r0, tt)
		if err != nil {
			b.Fatal(err)
		}
		x, s := make([]float64, 9), make([]float64, 9)
		d.Rand(x, rng)
		name := "t=0.1"
		if tt > 1 {
			name = "t=3"
		}
		b.Run("Rand/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Rand(x, rng)
			}
		})
		b.Run("LogProb/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				so3BenchSink += d.LogProb(x)
			}
		})
		b.Run("Score/"+name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Score(s, x)
			}
		})
	}
}
