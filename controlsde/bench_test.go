package controlsde

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/geosoc/geosoc/manifold"
)

// Throughput benchmarks: particle-steps per second of Brownian motion by
// the engine (with its per-step divergence check) against a raw Go loop
// doing the same arithmetic with no abstraction (same generator: one PCG
// per particle read through rand.Rand). Compare with
// bench/controlsde/numpy_step.py, which times the same steps vectorised in
// NumPy.

const (
	benchParticles = 4096
	benchSteps     = 20
)

func reportThroughput(b *testing.B, particleSteps float64) {
	b.ReportMetric(particleSteps*float64(b.N)/b.Elapsed().Seconds(), "particle-steps/s")
}

func benchEngine(b *testing.B, m manifold.Manifold, start []float64, method Method, workers int) {
	p := Problem{Reference: Reference{Space: m, Start: start}}
	s := &Settings{Grid: UniformGrid(benchSteps, 0, 1), Particles: benchParticles, Seed: 1, Workers: workers}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Simulate(p, s, method); err != nil {
			b.Fatal(err)
		}
	}
	reportThroughput(b, benchParticles*benchSteps)
}

func BenchmarkGeodesicEM(b *testing.B) {
	for _, workers := range []int{1, 2} {
		b.Run(fmt.Sprintf("S2/cores=%d", workers), func(b *testing.B) {
			benchEngine(b, manifold.NewSphere(3), []float64{0, 0, 1}, EulerMaruyama{}, workers)
		})
		b.Run(fmt.Sprintf("T4/cores=%d", workers), func(b *testing.B) {
			benchEngine(b, manifold.NewTorus(4), []float64{0, 0, 0, 0}, EulerMaruyama{}, workers)
		})
	}
}

// rawStreams returns one PCG per particle, seeded as the engine seeds them.
func rawStreams(n int) []rand.PCG {
	s := make([]rand.PCG, n)
	for i := range s {
		s[i] = particleStream(1, i)
	}
	return s
}

// BenchmarkRawLoop/S2 is geodesic Euler–Maruyama on S² written out: draw
// ξ ∈ R³, project to T_xS², v = √h ξ, x ← cos|v| x + sin|v|/|v| v,
// renormalise.
func BenchmarkRawLoop(b *testing.B) {
	b.Run("S2", func(b *testing.B) {
		x := make([]float64, 3*benchParticles)
		pcg := rawStreams(benchParticles)
		var src forwardSource
		rng := rand.New(&src)
		sq := math.Sqrt(1.0 / benchSteps)
		b.ResetTimer()
		for b.Loop() {
			for i := 0; i < benchParticles; i++ {
				x[3*i], x[3*i+1], x[3*i+2] = 0, 0, 1
			}
			for k := 0; k < benchSteps; k++ {
				for i := 0; i < benchParticles; i++ {
					src.cur = &pcg[i]
					p := x[3*i : 3*i+3 : 3*i+3]
					a, c, e := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
					dt := a*p[0] + c*p[1] + e*p[2]
					a, c, e = sq*(a-dt*p[0]), sq*(c-dt*p[1]), sq*(e-dt*p[2])
					nv := math.Sqrt(a*a + c*c + e*e)
					cs, sn := math.Cos(nv), 1.0
					if nv > 1e-3 {
						sn = math.Sin(nv) / nv
					} else {
						sn = 1 - nv*nv/6
					}
					y0, y1, y2 := cs*p[0]+sn*a, cs*p[1]+sn*c, cs*p[2]+sn*e
					inv := 1 / math.Sqrt(y0*y0+y1*y1+y2*y2)
					p[0], p[1], p[2] = y0*inv, y1*inv, y2*inv
				}
			}
		}
		reportThroughput(b, benchParticles*benchSteps)
	})
	b.Run("T4", func(b *testing.B) {
		const n = 4
		x := make([]float64, n*benchParticles)
		pcg := rawStreams(benchParticles)
		var src forwardSource
		rng := rand.New(&src)
		sq := math.Sqrt(1.0 / benchSteps)
		b.ResetTimer()
		for b.Loop() {
			clear(x)
			for k := 0; k < benchSteps; k++ {
				for i := 0; i < benchParticles; i++ {
					src.cur = &pcg[i]
					p := x[n*i : n*i+n : n*i+n]
					for c := range p {
						p[c] = manifold.TorusWrap(p[c] + sq*rng.NormFloat64())
					}
				}
			}
		}
		reportThroughput(b, benchParticles*benchSteps)
	})
}
