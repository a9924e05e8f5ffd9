package datasets

import (
	"math/rand/v2"
	"testing"
)

func BenchmarkGradLogDensity(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 0))
	for _, tg := range allTargets(b) {
		x := testPoints(b, tg, 1, rng)[0]
		g := make([]float64, tg.Dim())
		b.Run(tg.Name(), func(b *testing.B) {
			for b.Loop() {
				tg.GradLogDensity(g, x)
			}
		})
	}
}

func BenchmarkLogDensity(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 0))
	for _, tg := range allTargets(b) {
		x := testPoints(b, tg, 1, rng)[0]
		b.Run(tg.Name(), func(b *testing.B) {
			for b.Loop() {
				tg.LogDensity(x)
			}
		})
	}
}

func BenchmarkSample(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 0))
	for _, tg := range allTargets(b) {
		s, ok := tg.(Sampler)
		if !ok {
			continue
		}
		x := make([]float64, tg.Dim())
		b.Run(tg.Name(), func(b *testing.B) {
			for b.Loop() {
				s.Sample(x, rng)
			}
		})
	}
}

func BenchmarkReadNPYFile(b *testing.B) {
	for b.Loop() {
		if _, err := ReadNPYFile("testdata/test_split_LJ13-1000_head200.npy"); err != nil {
			b.Fatal(err)
		}
	}
}
