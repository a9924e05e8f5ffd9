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
	"strconv"
	"strings"
	"sync"

	"github.com/geosoc/geosoc/manifold"
)

// ErrSpec is wrapped by every error about a bad specification.
var ErrSpec = errors.New("draw: bad specification")

// Spec names what to draw.
type Spec struct {
	// Manifold is "rN" (R^N), "sK" (the sphere S^K ⊂ R^{K+1}), "so3" or
	// "tN" (the torus T^N).
	Manifold string
	// Dist is "uniform", "heat" (Brownian motion with generator ½Δ from the
	// origin point for time T) or "vmf" (von Mises–Fisher with
	// concentration Kappa about the origin point, spheres only).
	Dist  string
	T     float64
	Kappa float64
	N     int
	Seed  uint64
}

// ParseManifold returns the manifold named by s (see Spec.Manifold).
func ParseManifold(s string) (manifold.Manifold, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	num := func(prefix string, min int) (int, bool) {
		if !strings.HasPrefix(name, prefix) {
			return 0, false
		}
		n, err := strconv.Atoi(name[len(prefix):])
		if err != nil || n < min || n > 1_000_000 {
			return 0, false
		}
		return n, true
	}
	if name == "so3" {
		return manifold.NewSO3(), nil
	}
	if n, ok := num("t", 1); ok {
		return manifold.NewTorus(n), nil
	}
	if n, ok := num("r", 1); ok {
		return manifold.NewEuclidean(n), nil
	}
	if k, ok := num("s", 1); ok {
		return manifold.NewSphere(k + 1), nil
	}
	return nil, fmt.Errorf("%w: unknown manifold %q (want rN, sK, so3 or tN)", ErrSpec, s)
}

// origin returns the base point used as mean or start: the zero vector on
// R^N, the last basis vector (north pole) on spheres, the identity on
// SO(3), the zero angles on tori.
func origin(m manifold.Manifold) []float64 {
	x := make([]float64, m.AmbientDim())
	switch m.(type) {
	case manifold.Sphere:
		x[len(x)-1] = 1
	case manifold.SO3:
		x[0], x[4], x[8] = 1, 1, 1
	}
	return x
}

// Moment is a statistic with its exact expectation under the law.
type Moment struct {
	Name  string
	Exact float64
	stat  func(x []float64) float64
}

// law is a sampler with the moments it must reproduce.
type law struct {
	dist    manifold.Distribution
	moments []Moment
}

func build(spec Spec) (law, error) {
	m, err := ParseManifold(spec.Manifold)
	if err != nil {
		return law{}, err
	}
	x0 := origin(m)
	switch spec.Dist {
	case "uniform":
		u, err := manifold.NewUniform(m)
		if err != nil {
			return law{}, fmt.Errorf("%w: uniform on %s: %v", ErrSpec, spec.Manifold, err)
		}
		return law{dist: u, moments: momentsFor(m, x0, math.Inf(1))}, nil
	case "heat":
		if !(spec.T > 0) || math.IsInf(spec.T, 0) {
			return law{}, fmt.Errorf("%w: heat kernel needs time t > 0, got %g", ErrSpec, spec.T)
		}
		var d manifold.Distribution
		switch m.(type) {
		case manifold.Euclidean:
			d = gaussian{m: m.(manifold.Euclidean), t: spec.T}
		case manifold.Sphere:
			d, err = manifold.NewSphereHeat(x0, spec.T)
		case manifold.SO3:
			d, err = manifold.NewIGSO3(x0, spec.T)
		case manifold.Torus:
			d, err = manifold.NewWrappedNormal(x0, spec.T)
		}
		if err != nil {
			return law{}, fmt.Errorf("%w: heat kernel: %v", ErrSpec, err)
		}
		return law{dist: d, moments: momentsFor(m, x0, spec.T)}, nil
	case "vmf":
		if _, ok := m.(manifold.Sphere); !ok {
			return law{}, fmt.Errorf("%w: vmf lives on spheres sK, not on %q", ErrSpec, spec.Manifold)
		}
		v, err := manifold.NewVonMisesFisher(x0, spec.Kappa)
		if err != nil {
			return law{}, fmt.Errorf("%w: vmf: %v", ErrSpec, err)
		}
		return law{dist: v, moments: []Moment{{
			Name:  "<mu,X>",
			Exact: v.MeanResultantLength(),
			stat:  func(x []float64) float64 { return dotv(x0, x) },
		}}}, nil
	}
	return law{}, fmt.Errorf("%w: unknown distribution %q (want uniform, heat or vmf)", ErrSpec, spec.Dist)
}

// momentsFor returns the exact Brownian moments at time t from x0 (t = +Inf
// gives the uniform law's; see manifolds.md):
//
//	R^n:      E|X − x0|² = n t
//	S^{d−1}:  E⟨x0, X_t⟩ = e^{−(d−1)t/2}
//	SO(3):    E tr(R0ᵀR_t) = 3e^{−t},  E χ₂(R0ᵀR_t) = 5e^{−3t}
//	T^n:      E mean_i cos(X_i − x0_i) = e^{−t/2}
//
// with χ₂(R) = 1 + 2cos ω + 2cos 2ω the character of the l = 2
// representation (ω the rotation angle).
func momentsFor(m manifold.Manifold, x0 []float64, t float64) []Moment {
	switch mm := m.(type) {
	case manifold.Euclidean:
		n := float64(mm.AmbientDim())
		return []Moment{{Name: "|X-x0|^2", Exact: n * t, stat: func(x []float64) float64 {
			var s float64
			for i := range x {
				s += (x[i] - x0[i]) * (x[i] - x0[i])
			}
			return s
		}}}
	case manifold.Sphere:
		d := mm.AmbientDim()
		return []Moment{{
			Name:  "<x0,X>",
			Exact: math.Exp(-float64(d-1) * t / 2),
			stat:  func(x []float64) float64 { return dotv(x0, x) },
		}}
	case manifold.SO3:
		return []Moment{{
			Name:  "tr(R0'R)",
			Exact: 3 * math.Exp(-t),
			stat:  func(x []float64) float64 { return dotv(x0, x) },
		}, {
			Name:  "chi2(R0'R)",
			Exact: 5 * math.Exp(-3*t),
			stat: func(x []float64) float64 {
				c := (dotv(x0, x) - 1) / 2 // cos ω
				return 1 + 2*c + 2*(2*c*c-1)
			},
		}}
	case manifold.Torus:
		return []Moment{{
			Name:  "mean cos(X-x0)",
			Exact: math.Exp(-t / 2),
			stat: func(x []float64) float64 {
				var s float64
				for i := range x {
					s += math.Cos(x[i] - x0[i])
				}
				return s / float64(len(x))
			},
		}}
	}
	return nil
}

func dotv(a, b []float64) float64 {
	var s float64
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

// MomentResult compares a sample mean with its exact value.
type MomentResult struct {
	Name   string  `json:"name"`
	Mean   float64 `json:"mean"`
	StdErr float64 `json:"std_err"`
	Exact  float64 `json:"exact"`
	// Z is (Mean − Exact)/StdErr; |Z| > 4 signals a wrong sampler.
	Z float64 `json:"z"`
}

// Summary reports a run.
type Summary struct {
	Manifold    string         `json:"manifold"`
	Dist        string         `json:"dist"`
	N           int            `json:"n"`
	Seed        uint64         `json:"seed"`
	Dim         int            `json:"dim"`
	MeanLogProb float64        `json:"mean_log_prob"`
	Moments     []MomentResult `json:"moments"`
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
	vals := make([]float64, spec.N)
	for _, mo := range l.moments {
		for i := range vals {
			vals[i] = mo.stat(out[i*d : (i+1)*d])
		}
		mean, se := meanStdErr(vals)
		z := 0.0
		if se > 0 {
			z = (mean - mo.Exact) / se
		}
		s.Moments = append(s.Moments, MomentResult{Name: mo.Name, Mean: mean, StdErr: se, Exact: mo.Exact, Z: z})
	}
	return out, s, nil
}

func meanStdErr(v []float64) (mean, se float64) {
	n := float64(len(v))
	for _, x := range v {
		mean += x
	}
	mean /= n
	if len(v) < 2 {
		return mean, 0
	}
	var ss float64
	for _, x := range v {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}
