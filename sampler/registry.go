package sampler

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// ErrUnknownMethod is wrapped by RunBaseline's error for a method name that
// is not a baseline.
var ErrUnknownMethod = errors.New("sampler: unknown method")

// BaselineNames lists the baseline methods RunBaseline accepts.
var BaselineNames = []string{"mala", "ais", "smc", "pt", "follmer"}

// Options are the command-line settings of RunBaseline.
type Options struct {
	// N is the number of chains or particles; it must be positive.
	N int
	// Seed determines every random number.
	Seed uint64
	// Workers is the number of goroutines; 0 means GOMAXPROCS.
	Workers int
	// RefSigma is the reference / initial standard deviation on R^d (the
	// Föllmer σ); 0 means DefaultRefSigma. Wide targets (GMM-40 spans
	// [−40, 40]²) need a wide reference.
	RefSigma float64
	// ExactSamples is the number of exact target samples drawn (stream
	// N + 1 of the seed) for the energy and Sinkhorn distances when the
	// target has an exact sampler; 0 means min(N, DistanceCap), negative
	// means no distances.
	ExactSamples int
	// EUBO makes ais and smc also run N exact target samples backwards
	// through their temperatures for the EUBO (AIS.Reverse, SMC.Reverse;
	// about twice the evaluations; the target needs an exact sampler);
	// the other methods ignore it.
	EUBO bool
}

// Baseline returns the baseline method of the given name with its
// documented defaults (DefaultMALASteps steps for mala; DefaultTemps
// temperatures of DefaultMoveSteps moves for ais; adaptive tempering with
// DefaultCESS for smc; DefaultPTTemps levels and DefaultPTSteps rounds for
// pt; DefaultFollmerSteps steps of DefaultFollmerK draws for follmer) and
// the reference σ. An unknown name gives an error wrapping
// ErrUnknownMethod that lists the valid names.
func Baseline(name string, refSigma float64) (Method, error) {
	switch name {
	case "mala":
		return MALA{RefSigma: refSigma}, nil
	case "ais":
		return AIS{RefSigma: refSigma}, nil
	case "smc":
		return SMC{RefSigma: refSigma}, nil
	case "pt":
		return PT{RefSigma: refSigma}, nil
	case "follmer":
		return Follmer{Sigma: refSigma}, nil
	}
	return nil, fmt.Errorf("%w %q (valid names: %s)", ErrUnknownMethod, name, strings.Join(BaselineNames, ", "))
}

// Named targets (the datasets targets) give the Report their name; Dimer
// targets their dimension.
type (
	namer interface{ Name() string }
	dimer interface{ Dim() int }
	// mixture and sampler mirror datasets.Mixture and datasets.Sampler.
	mixture interface {
		Modes() (means [][]float64, weights []float64)
	}
	variancer interface{ Variance() float64 }
	scaler    interface{ ModeScales() []float64 }
	exact     interface {
		Sample(dst []float64, rng *rand.Rand)
	}
)

// RunBaseline runs the named baseline with its default budget (see
// Baseline) on target and fills the Report: the weight estimates and
// counts (Sample), the target's exact log Z, mode coverage and mode-weight
// error for mixtures (targets with Modes and Variance: ModeStats with
// sd = √Variance; with Modes and ModeScales: ModeStatsScales) and, for targets with an exact sampler, the energy
// and Sinkhorn distances to exact samples (FillDistances). The target
// needs a Dim() int or Space() method. n ≤ 0 and an unknown method give
// errors (ErrBadInput, ErrUnknownMethod).
func RunBaseline(name string, target Target, opts Options) (Output, Report, error) {
	if opts.N <= 0 {
		return Output{}, Report{}, fmt.Errorf("%w: n = %d, want n > 0", ErrBadInput, opts.N)
	}
	m, err := Baseline(name, opts.RefSigma)
	if err != nil {
		return Output{}, Report{}, err
	}
	if opts.EUBO {
		switch a := m.(type) {
		case AIS:
			a.Reverse = opts.N
			m = a
		case SMC:
			a.Reverse = opts.N
			m = a
		}
	}
	return Run(target, opts, m)
}

// Run is RunBaseline with an explicit method (custom budgets).
func Run(target Target, opts Options, m Method) (Output, Report, error) {
	if opts.N <= 0 {
		return Output{}, Report{}, fmt.Errorf("%w: n = %d, want n > 0", ErrBadInput, opts.N)
	}
	if target == nil {
		return Output{}, Report{}, fmt.Errorf("%w: nil target", ErrBadInput)
	}
	p := Problem{Target: target}
	if t, ok := target.(namer); ok {
		p.Name = t.Name()
	}
	if t, ok := target.(dimer); ok {
		p.Dim = t.Dim()
	}
	out, r, err := Sample(p, &Settings{N: opts.N, Seed: opts.Seed, Workers: opts.Workers}, m)
	if err != nil {
		return out, r, err
	}
	Diagnose(&r, target, out, opts.Seed, opts.ExactSamples)
	return out, r, nil
}

// Diagnose fills the diagnostics of r that need the target's structure
// from the output of any sampler, learned or not: the mode coverage and
// mode-weight error for mixtures (targets with Modes and Variance:
// ModeStats; with Modes and ModeScales: ModeStatsScales), and, for targets
// with an exact sampler and exactSamples ≥ 0, the energy and Sinkhorn
// distances to exactSamples exact samples (0: min(N, DistanceCap)),
// drawn from streams derived from seed (FillDistances).
func Diagnose(r *Report, target Target, out Output, seed uint64, exactSamples int) {
	if mx, ok := target.(mixture); ok {
		means, w := mx.Modes()
		if v, ok := target.(variancer); ok {
			r.ModeCoverage, r.ModeWeightError = ModeStats(out.Samples, out.Dim, out.LogWeights, means, w, math.Sqrt(v.Variance()))
		} else if s, ok := target.(scaler); ok {
			r.ModeCoverage, r.ModeWeightError = ModeStatsScales(out.Samples, out.Dim, out.LogWeights, means, w, s.ModeScales())
		}
	}
	if ex, ok := target.(exact); ok && exactSamples >= 0 {
		ne := exactSamples
		if ne == 0 {
			ne = min(out.N, DistanceCap)
		}
		rngs := streams(seed, out.N+1, 2)
		y := make([]float64, ne*out.Dim)
		for i := range ne {
			ex.Sample(y[i*out.Dim:(i+1)*out.Dim], rngs[0])
		}
		FillDistances(r, out, y, rngs[1])
	}
}
