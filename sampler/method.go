package sampler

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"time"

	"github.com/geosoc/geosoc/manifold"
)

// Problem is what a baseline samples: an unnormalised target γ on a space.
type Problem struct {
	// Target is γ. Required.
	Target Target
	// Space is the manifold of the target; nil means Euclidean space of
	// dimension Dim. A target with a Space() manifold.Manifold method
	// supplies it when Space is nil.
	Space manifold.Manifold
	// Dim is the ambient dimension of a point (ignored when a Space is
	// known, which gives AmbientDim).
	Dim int
	// Name is copied into the Report.
	Name string
}

// Default settings.
const (
	// DefaultN is the number of chains or particles when Settings.N is 0.
	DefaultN = 1000
)

// Settings control a baseline run; a nil *Settings means every default.
type Settings struct {
	// N is the number of chains (MALA, PT replicas) or particles (AIS, SMC,
	// Föllmer); 0 means DefaultN, negative is an error.
	N int
	// Seed determines every random number: chain i draws from its own PCG
	// stream derived from (Seed, i), so results are bit-for-bit identical
	// for any GOMAXPROCS and Workers.
	Seed uint64
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
}

// Method is a sampling algorithm: MALA, AIS, SMC, PT or Follmer.
type Method interface {
	// Name returns the command-line name of the method.
	Name() string
	run(e *env) (result, error)
}

// result is what a method returns to Sample.
type result struct {
	out Output
	// logZ, when not NaN, is the method's own estimate (SMC, PT), used
	// instead of the importance-weight estimate; logZSE its standard
	// error (NaN when unknown).
	logZ, logZSE float64
	accept       float64
	swap         float64 // swap acceptance rate, used when hasSwap
	hasSwap      bool
	// noELBO marks weights whose mean is not an ELBO (SMC).
	noELBO bool
	// eubo is the method's EUBO, used when hasEUBO (AIS or SMC with
	// Reverse).
	eubo    float64
	hasEUBO bool
}

// ErrBadInput is wrapped by the errors Sample returns for invalid
// problems or settings (n < 0 chains, a missing target, a method setting
// out of range).
var ErrBadInput = errors.New("sampler: bad input")

// env is the run environment shared by the methods.
type env struct {
	t       *Counting
	space   manifold.Manifold
	flat    bool // Euclidean: MALA moves and a Gaussian reference
	d       int
	n       int
	seed    uint64
	workers int
}

// Spacer is implemented by targets that live on a manifold other than R^d
// (the datasets manifold targets).
type Spacer interface {
	Space() manifold.Manifold
}

// Sample runs the method on the problem and returns its samples and a
// Report with the weight estimates (log Ẑ, ELBO, ESS/N; see FillWeights),
// the evaluation counts of the target and the wall time in SampleSeconds.
// The mixture and distance diagnostics are left to ModeStats and
// FillDistances. A nil settings means every default; invalid input gives
// an error wrapping ErrBadInput.
func Sample(p Problem, settings *Settings, m Method) (Output, Report, error) {
	var s Settings
	if settings != nil {
		s = *settings
	}
	if m == nil {
		return Output{}, Report{}, fmt.Errorf("%w: nil method", ErrBadInput)
	}
	if p.Target == nil {
		return Output{}, Report{}, fmt.Errorf("%w: nil target", ErrBadInput)
	}
	if s.N < 0 {
		return Output{}, Report{}, fmt.Errorf("%w: n = %d, want n > 0", ErrBadInput, s.N)
	}
	if s.N == 0 {
		s.N = DefaultN
	}
	if s.Workers <= 0 {
		s.Workers = runtime.GOMAXPROCS(0)
	}
	sp := p.Space
	if sp == nil {
		if t, ok := p.Target.(Spacer); ok {
			sp = t.Space()
		}
	}
	if sp == nil {
		if p.Dim <= 0 {
			return Output{}, Report{}, fmt.Errorf("%w: dimension %d, want > 0", ErrBadInput, p.Dim)
		}
		sp = manifold.NewEuclidean(p.Dim)
	}
	_, flat := sp.(manifold.Euclidean)
	e := &env{t: NewCounting(p.Target), space: sp, flat: flat, d: sp.AmbientDim(), n: s.N, seed: s.Seed, workers: s.Workers}
	r := NewReport(p.Name, m.Name(), s.N, s.Seed)
	start := time.Now()
	res, err := m.run(e)
	r.SampleSeconds = time.Since(start).Seconds()
	r.EnergyEvals, r.GradEvals = e.t.Counts()
	if lz, ok := e.t.LogZ(); ok {
		r.ExactLogZ = lz
	}
	if err != nil {
		return res.out, r, err
	}
	r.AcceptRate = res.accept
	if res.out.LogWeights != nil {
		FillWeights(&r, res.out.LogWeights)
	}
	if !math.IsNaN(res.logZ) {
		r.LogZ, r.LogZStdErr = res.logZ, res.logZSE
	}
	if res.noELBO {
		r.ELBO = math.NaN()
	}
	if res.hasEUBO {
		r.EUBO = res.eubo
	}
	if res.hasSwap {
		r.SwapRate = res.swap
	}
	return res.out, r, nil
}

func splitmix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// streams returns n generators, the i-th seeded from (seed, i) by
// splitmix64 (as controlsde's particle streams), with their PCG states in
// one contiguous slice.
func streams(seed uint64, offset, n int) []*rand.Rand {
	pcg := make([]rand.PCG, n)
	r := make([]*rand.Rand, n)
	for i := range n {
		k := uint64(offset + i)
		a := splitmix64(seed ^ splitmix64(k))
		pcg[i] = *rand.NewPCG(a, splitmix64(a^0x6a09e667f3bcc909^k))
		r[i] = rand.New(&pcg[i])
	}
	return r
}

// parallel calls f(w, i) for i in [0, n) on e.workers goroutines, each
// worker w taking fixed blocks of indices in turn. The result must not
// depend on which worker runs an index.
func (e *env) parallel(n int, f func(w, i int)) {
	nw := min(e.workers, n)
	if nw <= 1 {
		for i := range n {
			f(0, i)
		}
		return
	}
	const blk = 16
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for w := range nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				lo := next
				next += blk
				mu.Unlock()
				if lo >= n {
					return
				}
				for i := lo; i < min(lo+blk, n); i++ {
					f(w, i)
				}
			}
		}()
	}
	wg.Wait()
}
