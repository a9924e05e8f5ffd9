// Package draw samples named probability laws on manifolds in parallel and
// checks the samples against exact moments. It is the library behind the
// `geosoc draw` command.
package draw

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/geosoc/geosoc/manifold"
)

// ErrSpec is wrapped by every error about a bad specification.
var ErrSpec = errors.New("draw: bad specification")

// Spec names what to draw.
type Spec struct {
	// Manifold is a name manifold.Parse accepts: "rN" (R^N), "sK" (the
	// sphere S^K ⊂ R^{K+1}), "so3", "tN" (the torus T^N), or a product
	// such as "s2xso3".
	Manifold string
	// Dist is "uniform", "heat" (Brownian motion with generator ½Δ from
	// manifold.BasePoint for time T) or "vmf" (von Mises–Fisher with
	// concentration Kappa about the origin point, spheres only).
	Dist  string
	T     float64
	Kappa float64
	N     int
	Seed  uint64
}

// ParseManifold returns the manifold named by s (see manifold.Parse).
func ParseManifold(s string) (manifold.Manifold, error) {
	m, err := manifold.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSpec, err)
	}
	return m, nil
}

// law is a sampler with the moments it must reproduce.
type law struct {
	dist    manifold.Distribution
	moments []manifold.Moment
}

func build(spec Spec) (law, error) {
	m, err := ParseManifold(spec.Manifold)
	if err != nil {
		return law{}, err
	}
	x0 := manifold.BasePoint(m)
	switch spec.Dist {
	case "uniform":
		u, err := manifold.NewUniform(m)
		if err != nil {
			return law{}, fmt.Errorf("%w: uniform on %s: %v", ErrSpec, spec.Manifold, err)
		}
		return law{dist: u, moments: manifold.BrownianMoments(m, x0, math.Inf(1))}, nil
	case "heat":
		if !(spec.T > 0) || math.IsInf(spec.T, 0) {
			return law{}, fmt.Errorf("%w: heat kernel needs time t > 0, got %g", ErrSpec, spec.T)
		}
		d, err := manifold.NewHeatKernel(m, x0, spec.T)
		if err != nil {
			return law{}, fmt.Errorf("%w: heat kernel: %v", ErrSpec, err)
		}
		return law{dist: d, moments: manifold.BrownianMoments(m, x0, spec.T)}, nil
	case "vmf":
		if _, ok := m.(manifold.Sphere); !ok {
			return law{}, fmt.Errorf("%w: vmf lives on spheres sK, not on %q", ErrSpec, spec.Manifold)
		}
		v, err := manifold.NewVonMisesFisher(x0, spec.Kappa)
		if err != nil {
			return law{}, fmt.Errorf("%w: vmf: %v", ErrSpec, err)
		}
		return law{dist: v, moments: []manifold.Moment{{
			Name:  "<mu,X>",
			Exact: v.MeanResultantLength(),
			Stat:  func(x []float64) float64 { return dotv(x0, x) },
		}}}, nil
	}
	return law{}, fmt.Errorf("%w: unknown distribution %q (want uniform, heat or vmf)", ErrSpec, spec.Dist)
}

func dotv(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// Summary reports a run.
type Summary struct {
	Manifold    string                 `json:"manifold"`
	Dist        string                 `json:"dist"`
	N           int                    `json:"n"`
	Seed        uint64                 `json:"seed"`
	Dim         int                    `json:"dim"`
	MeanLogProb float64                `json:"mean_log_prob"`
	Moments     []manifold.MomentCheck `json:"moments"`
}

// blockSize is the number of draws that share one random stream. Streams
// are derived from (seed, block index), so the samples do not depend on
// the number of cores.
const blockSize = 4096

// Run draws spec.N samples into a new batch (N·AmbientDim values) and
// summarises them. Blocks of draws run in parallel on GOMAXPROCS workers;
// the output is identical for any number of workers.
func Run(spec Spec) ([]float64, Summary, error) {
	if spec.N <= 0 {
		return nil, Summary{}, fmt.Errorf("%w: n must be positive, got %d", ErrSpec, spec.N)
	}
	if spec.N > 100_000_000 {
		return nil, Summary{}, fmt.Errorf("%w: n = %d is over the limit 1e8", ErrSpec, spec.N)
	}
	l, err := build(spec)
	if err != nil {
		return nil, Summary{}, err
	}
	m := l.dist.Space()
	d := m.AmbientDim()
	out := make([]float64, spec.N*d)
	logp := make([]float64, spec.N)
	nblocks := (spec.N + blockSize - 1) / blockSize
	var wg sync.WaitGroup
	next := make(chan int, nblocks)
	for b := 0; b < nblocks; b++ {
		next <- b
	}
	close(next)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range next {
				rng := rand.New(rand.NewPCG(spec.Seed, uint64(b)))
				hi := min((b+1)*blockSize, spec.N)
				for i := b * blockSize; i < hi; i++ {
					x := out[i*d : (i+1)*d]
					l.dist.Rand(x, rng)
					logp[i] = l.dist.LogProb(x)
				}
			}
		}()
	}
	wg.Wait()

	s := Summary{Manifold: spec.Manifold, Dist: spec.Dist, N: spec.N, Seed: spec.Seed, Dim: m.Dim()}
	for _, v := range logp {
		s.MeanLogProb += v
	}
	s.MeanLogProb /= float64(spec.N)
	s.Moments = manifold.CheckMoments(out, d, l.moments)
	return out, s, nil
}
