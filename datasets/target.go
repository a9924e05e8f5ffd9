package datasets

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
)

// Target is an unnormalised Boltzmann density γ(x) = exp(−E(x)) on R^d,
// d = Dim(), with its gradient and, where known, its exact normalising
// constant Z = ∫ γ(x) dx.
//
// Implementations in this package are immutable values, safe for concurrent
// use, and allocate nothing in LogDensity and GradLogDensity.
type Target interface {
	// Name returns the target's command-line name, such as "gmm40".
	Name() string
	// Dim returns the dimension d of a point.
	Dim() int
	// LogDensity returns log γ(x) = −E(x). It panics if len(x) != Dim().
	LogDensity(x []float64) float64
	// GradLogDensity writes ∇ log γ(x) = −∇E(x) into dst and returns
	// log γ(x). It panics if len(dst) or len(x) is not Dim(); dst must not
	// alias x.
	GradLogDensity(dst, x []float64) float64
	// LogZ returns log Z = log ∫ γ(x) dx and true where it is known
	// exactly, and NaN and false otherwise.
	LogZ() (float64, bool)
}

// Sampler is implemented by targets that can draw exact samples.
type Sampler interface {
	// Sample writes an exact draw from the normalised target γ/Z into dst,
	// using only rng for randomness.
	Sample(dst []float64, rng *rand.Rand)
}

// Mixture is implemented by the Gaussian mixture targets, for mode coverage
// metrics.
type Mixture interface {
	// Modes returns copies of the component means and the normalised
	// component weights.
	Modes() (means [][]float64, weights []float64)
}

// ParticleSystem is implemented by the particle targets (DW-4, LJ-13):
// n particles in R^D, a point being n·D values, particle i at
// x[i·D : (i+1)·D].
type ParticleSystem interface {
	Target
	// Particles returns the number of particles n and their spatial
	// dimension D.
	Particles() (n, dim int)
	// Energy returns E(x) = −log γ(x).
	Energy(x []float64) float64
}

// ErrUnknownTarget is returned by Lookup for a name that is not in the
// registry.
var ErrUnknownTarget = errors.New("datasets: unknown target")

// Info describes a registered target for listings such as
// `geosoc targets`.
type Info struct {
	// Name is the command-line name accepted by Lookup.
	Name string
	// Dim is the dimension of a point.
	Dim int
	// Manifold is the space the target lives on; "R^d" for every target
	// of this package.
	Manifold string
	// LogZ is the exact log normalising constant, NaN where unknown.
	LogZ float64
	// Exact reports whether the target has an exact sampler.
	Exact bool
	// Description is a one-line description.
	Description string
}

type entry struct {
	name string
	desc string
	make func() Target
}

// registry lists the targets in the order of targets.md.
var registry = []entry{
	{"gmm40", "2-D mixture of 40 equal-weight Gaussians, s = softplus(1), means in [−40, 40]²", func() Target { return NewGMM40() }},
	{"funnel10", "Neal's funnel: x₀ ~ N(0, 9), x₁…x₉ | x₀ ~ N(0, e^{x₀})", func() Target { return NewFunnel(10) }},
	{"manywell32", "16 independent double-well blocks −½d − 6d² + d⁴ + ½v², 2¹⁶ modes", func() Target { return NewManyWell32() }},
	{"mw5", "Many-well Σ(x_i² − 4)² in d = 5, 32 equal modes", func() Target { return NewMW5() }},
	{"twomodes", "(2/3)N(−1, 0.05 I) + (1/3)N(+1, 0.05 I) in d = 5", func() Target { return NewTwoModes() }},
	{"manymodes", "16 Gaussians in d = 8, weights ∝ 3^{k/15}, variance 0.5, seeded means", func() Target { return NewManyModesDefault() }},
	{"dw4", "4 particles in 2-D, pair potential 0.9(r − 4)⁴ − 4(r − 4)²", func() Target { return NewDW4() }},
	{"lj13", "13 particles in 3-D, Lennard-Jones (ε = 1, r_m = 1, factor 2) + ½Σ|x_i − x̄|²", func() Target { return NewLennardJones(13) }},
}

// Names returns the registered target names in a fixed order.
func Names() []string {
	names := make([]string, len(registry))
	for i, e := range registry {
		names[i] = e.name
	}
	return names
}

// Lookup returns the registered target with the given name. An unknown name
// gives an error wrapping ErrUnknownTarget that lists the valid names.
// Manifold targets (ManifoldNames) are found too.
func Lookup(name string) (Target, error) {
	for _, e := range registry {
		if e.name == name {
			return e.make(), nil
		}
	}
	if t, ok := lookupManifold(name); ok {
		return t, nil
	}
	return nil, fmt.Errorf("%w %q (valid names: %s)", ErrUnknownTarget, name, allNames())
}

// Table returns one Info per registered target, in the order of Names.
func Table() []Info {
	infos := make([]Info, len(registry))
	for i, e := range registry {
		t := e.make()
		lz, ok := t.LogZ()
		if !ok {
			lz = math.NaN()
		}
		_, exact := t.(Sampler)
		infos[i] = Info{
			Name:        e.name,
			Dim:         t.Dim(),
			Manifold:    "R^d",
			LogZ:        lz,
			Exact:       exact,
			Description: e.desc,
		}
	}
	return infos
}

// checkLen panics with a package-prefixed message if len(x) != d.
func checkLen(x []float64, d int) {
	if len(x) != d {
		panic(fmt.Sprintf("datasets: dimension mismatch: got %d values, want %d", len(x), d))
	}
}
