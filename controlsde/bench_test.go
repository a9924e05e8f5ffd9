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
// per particle, normals by normFloat64, bit-identical to rand.Rand's). Compare with
// bench/controlsde/numpy_step.py, which times the same steps vectorised in
// NumPy.

const (
	benchParticles = 4096
	benchSteps     = 20
)

func reportThroughput(b *testing.B, particleSteps float64) {
	b.ReportMetric(particleSteps*float64(b.N)/b.Elapsed().Seconds(), "particle-steps/s")
}

func benchEngine(b *testing.B, m manifold.Manifold, start []float64, method Method, workers, checkEvery int) {
	p := Problem{Reference: Reference{Space: m, Start: start}}
	s := &Settings{Grid: UniformGrid(benchSteps, 0, 1), Particles: benchParticles, Seed: 1, Workers: workers, CheckEvery: checkEvery}
	b.ResetTimer()
	for b.Loop() {
		if _, err := Simulate(p, s, method); err != nil {
			b.Fatal(err)
		}
	}
	reportThroughput(b, benchParticles*benchSteps)
}

// The engine runs its divergence check (Residual) after every step by
// default; the check=20 variants check once per run (Settings.CheckEvery),
// the arithmetic of the raw loops.
func BenchmarkGeodesicEM(b *testing.B) {
	for _, workers := range []int{1, 2} {
		for _, check := range []int{1, benchSteps} {
			b.Run(fmt.Sprintf("S2/cores=%d/check=%d", workers, check), func(b *testing.B) {
				benchEngine(b, manifold.NewSphere(3), []float64{0, 0, 1}, EulerMaruyama{}, workers, check)
			})
			b.Run(fmt.Sprintf("T4/cores=%d/check=%d", workers, check), func(b *testing.B) {
				benchEngine(b, manifold.NewTorus(4), []float64{0, 0, 0, 0}, EulerMaruyama{}, workers, check)
			})
		}
	}
}

func BenchmarkLieEM(b *testing.B) {
	for _, workers := range []int{1, 2} {
		for _, check := range []int{1, benchSteps} {
			b.Run(fmt.Sprintf("SO3/cores=%d/check=%d", workers, check), func(b *testing.B) {
				benchEngine(b, manifold.NewSO3(), identity3, LieEM{}, workers, check)
			})
		}
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
// renormalise (one math.Sincos, as manifold.Sphere.Exp).
func BenchmarkRawLoop(b *testing.B) {
	b.Run("S2", func(b *testing.B) {
		x := make([]float64, 3*benchParticles)
		pcg := rawStreams(benchParticles)
		sq := math.Sqrt(1.0 / benchSteps)
		b.ResetTimer()
		for b.Loop() {
			for i := 0; i < benchParticles; i++ {
				x[3*i], x[3*i+1], x[3*i+2] = 0, 0, 1
			}
			for k := 0; k < benchSteps; k++ {
				for i := 0; i < benchParticles; i++ {
					pi := &pcg[i]
					p := x[3*i : 3*i+3 : 3*i+3]
					a, c, e := normFloat64(pi), normFloat64(pi), normFloat64(pi)
					dt := a*p[0] + c*p[1] + e*p[2]
					a, c, e = sq*(a-dt*p[0]), sq*(c-dt*p[1]), sq*(e-dt*p[2])
					// One Sincos and the sinc of manifold.Sphere.Exp.
					nv := math.Sqrt(a*a + c*c + e*e)
					sn, cs := math.Sincos(nv)
					if nv < 1e-3 {
						sn = 1 - nv*nv/6*(1-nv*nv/20)
					} else {
						sn /= nv
					}
					y0, y1, y2 := cs*p[0]+sn*a, cs*p[1]+sn*c, cs*p[2]+sn*e
					inv := 1 / math.Sqrt(y0*y0+y1*y1+y2*y2)
					p[0], p[1], p[2] = y0*inv, y1*inv, y2*inv
				}
			}
		}
		reportThroughput(b, benchParticles*benchSteps)
	})
	b.Run("SO3", func(b *testing.B) {
		// Lie-group EM on SO(3) written out: ω = √h ξ, Rodrigues in
		// half-angle form, R ← R·E, one Newton–Schulz polish ½Y(3I − YᵀY),
		// the arithmetic of manifold.SO3.ExpBody in its order of operations.
		x := make([]float64, 9*benchParticles)
		pcg := rawStreams(benchParticles)
		sq := math.Sqrt(1.0 / benchSteps)
		b.ResetTimer()
		for b.Loop() {
			for i := 0; i < benchParticles; i++ {
				copy(x[9*i:9*i+9], identity3)
			}
			for k := 0; k < benchSteps; k++ {
				for i := 0; i < benchParticles; i++ {
					pi := &pcg[i]
					r := (*[9]float64)(x[9*i : 9*i+9])
					w1, w2, w3 := sq*normFloat64(pi), sq*normFloat64(pi), sq*normFloat64(pi)
					// Half-angle Rodrigues, as manifold.SO3.ExpBody.
					th := math.Sqrt(w1*w1 + w2*w2 + w3*w3)
					h := th / 2
					sh, ch := math.Sincos(h)
					sc := 1.0
					if h < 1e-3 {
						sc = 1 - h*h/6*(1-h*h/20)
					} else {
						sc = sh / h
					}
					a, bb, c := sc*ch, 0.5*sc*sc, 1-2*sh*sh
					e := [9]float64{
						c + bb*w1*w1, bb*w1*w2 - a*w3, bb*w1*w3 + a*w2,
						bb*w2*w1 + a*w3, c + bb*w2*w2, bb*w2*w3 - a*w1,
						bb*w3*w1 - a*w2, bb*w3*w2 + a*w1, c + bb*w3*w3,
					}
					var y [9]float64
					for p := 0; p < 3; p++ {
						a0, a1, a2 := r[3*p], r[3*p+1], r[3*p+2]
						y[3*p] = a0*e[0] + a1*e[3] + a2*e[6]
						y[3*p+1] = a0*e[1] + a1*e[4] + a2*e[7]
						y[3*p+2] = a0*e[2] + a1*e[5] + a2*e[8]
					}
					var g [9]float64 // 3I − YᵀY
					for p := 0; p < 3; p++ {
						a0, a1, a2 := y[p], y[3+p], y[6+p]
						g[3*p] = -(a0*y[0] + a1*y[3] + a2*y[6])
						g[3*p+1] = -(a0*y[1] + a1*y[4] + a2*y[7])
						g[3*p+2] = -(a0*y[2] + a1*y[5] + a2*y[8])
					}
					g[0] += 3
					g[4] += 3
					g[8] += 3
					for p := 0; p < 3; p++ {
						a0, a1, a2 := y[3*p], y[3*p+1], y[3*p+2]
						r[3*p] = 0.5 * (a0*g[0] + a1*g[3] + a2*g[6])
						r[3*p+1] = 0.5 * (a0*g[1] + a1*g[4] + a2*g[7])
						r[3*p+2] = 0.5 * (a0*g[2] + a1*g[5] + a2*g[8])
					}
				}
			}
		}
		reportThroughput(b, benchParticles*benchSteps)
	})
	b.Run("T4", func(b *testing.B) {
		const n = 4
		x := make([]float64, n*benchParticles)
		pcg := rawStreams(benchParticles)
		sq := math.Sqrt(1.0 / benchSteps)
		b.ResetTimer()
		for b.Loop() {
			clear(x)
			for k := 0; k < benchSteps; k++ {
				for i := 0; i < benchParticles; i++ {
					pi := &pcg[i]
					p := x[n*i : n*i+n : n*i+n]
					for c := range p {
						p[c] = manifold.TorusWrap(p[c] + sq*normFloat64(pi))
					}
				}
			}
		}
		reportThroughput(b, benchParticles*benchSteps)
	})
}
