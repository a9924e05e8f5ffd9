package soc

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/internal/nn"
	"github.com/geosoc/geosoc/manifold"
)

// BenchmarkNetControl evaluates the control on a block of 256 points in
// R^5 (MLP 64×64 SiLU, 8 time frequencies), as the engine calls it once
// per block and step.
func BenchmarkNetControl(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	arch := nn.Arch{In: 5, Out: 5, Hidden: []int{64, 64}, Activation: "silu", TimeFreqs: 8, OmegaMin: 1, OmegaMax: 100}
	n, err := NewNet(arch, manifold.NewEuclidean(5), nn.NewExec(1))
	if err != nil {
		b.Fatal(err)
	}
	n.MLP.Init(rng)
	x := make([]float64, 256*5)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	dst := make([]float64, len(x))
	b.ReportAllocs()
	for b.Loop() {
		n.Control(dst, 0.5, x)
	}
	b.ReportMetric(float64(256*b.N)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkTrainStep measures one optimiser step of each objective on a
// 5-D Gaussian (batch 256, 50 time steps, MLP 64×64).
func BenchmarkTrainStep(b *testing.B) {
	tg := gaussian([]float64{1, 0, -1, 0.5, 2}, 0.5, 0)
	for _, method := range Methods {
		b.Run(method, func(b *testing.B) {
			tr, _, _, err := newTrainer(method, tg, &Settings{Steps: 1 << 30, Seed: 1, Components: 2, Chains: 64, Levels: 2, MCMCSteps: 2})
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := tr.update(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkManifoldTrainStep measures one optimiser step of logvar and
// adjoint on the datasets manifold targets (batch 256, 20 time steps,
// σ = 1.5, MLP 64×64; adjoint's buffer refill of 1024 paths every 20 steps
// amortised).
func BenchmarkManifoldTrainStep(b *testing.B) {
	for _, name := range datasets.ManifoldNames() {
		tg, err := datasets.Lookup(name)
		if err != nil {
			b.Fatal(err)
		}
		for _, method := range []string{"logvar", "adjoint"} {
			b.Run(name+"/"+method, func(b *testing.B) {
				ref := &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1.5}, Steps: 20}
				tr, _, _, err := newTrainer(method, tg, &Settings{Steps: 1 << 30, Seed: 1, Reference: ref})
				if err != nil {
					b.Fatal(err)
				}
				for b.Loop() {
					if _, err := tr.update(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkLRDSChain simulates 1024 paths of the exact lrds chain of a
// mean-field reference on R^32 with 4 components per coordinate (the
// Many-Well-32 setting) over 50 steps, without a control, and reports
// particle-steps per second.
func BenchmarkLRDSChain(b *testing.B) {
	const d, k, n, steps = 32, 4, 1024, 50
	rng := rand.New(rand.NewPCG(1, 2))
	q := Mixture{Kind: Product}
	for range d * k {
		q.Weights = append(q.Weights, 0.5+rng.Float64())
		q.Means = append(q.Means, 2*rng.NormFloat64())
		q.Variances = append(q.Variances, 0.05+rng.Float64())
	}
	sch := controlsde.Constant{S: 2}
	c, err := newMixtureChain(&q, manifold.NewEuclidean(d), sch, controlsde.UniformGrid(steps, 0, 1))
	if err != nil {
		b.Fatal(err)
	}
	r := newLRDSRun(c, n, false)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.run(nil, c.law, 1, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*steps*b.N)/b.Elapsed().Seconds(), "particle-steps/s")
}

// BenchmarkProjLaw times the density of the projected mixture (K = 32
// isotropic components, unit-scale means, variances 0.01–0.1) at draws of
// the law itself, on S² and on SO(3) (two rays per point): the terminal
// term of an lrds path there.
func BenchmarkProjLaw(b *testing.B) {
	for _, c := range []struct {
		name  string
		d     int
		space manifold.Manifold
	}{{"S2", 3, manifold.NewSphere(3)}, {"SO3", 4, manifold.NewSO3()}} {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			const k = 32
			q := Mixture{}
			for j := range k {
				q.Weights = append(q.Weights, 0.5+rng.Float64())
				m := make([]float64, c.d)
				var n float64
				for i := range m {
					m[i] = rng.NormFloat64()
					n += m[i] * m[i]
				}
				for i := range m {
					q.Means = append(q.Means, m[i]/math.Sqrt(n))
				}
				q.Variances = append(q.Variances, 0.01+0.09*float64(j)/k)
			}
			ch, err := newMixtureParts(&q, c.space)
			if err != nil {
				b.Fatal(err)
			}
			const pts = 256
			x := make([]float64, pts*ch.md)
			for i := range pts {
				ch.law.Rand(x[i*ch.md:(i+1)*ch.md], rng)
			}
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				_ = ch.law.LogDensity(x[i*ch.md : (i+1)*ch.md])
				i = (i + 1) % pts
			}
		})
	}
}
