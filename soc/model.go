package soc

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/internal/nn"
	"github.com/geosoc/geosoc/manifold"
	"github.com/geosoc/geosoc/sampler"
)

// Model is a trained control: the network, the reference process it
// controls, and what it was trained for.
type Model struct {
	Method string
	Target string // the target's name
	Dim    int
	Space  string // controlsde.ParseSpace name: "r<d>", "s<n>", "so3", "t<n>" or a product such as "so3xt2"
	Ref    RefSpec
	Arch   nn.Arch
	Params []float64
	// Mixture is the fitted reference law of lrds (nil otherwise).
	Mixture *Mixture
	// Settings are the resolved training settings.
	Settings Settings
	// TrainSeconds, EnergyEvals and GradEvals account for the training.
	TrainSeconds           float64
	EnergyEvals, GradEvals int64
}

// File returns the nn model file of m: the architecture and parameters,
// the target name and, as training settings, the method, the reference,
// the resolved settings and the training costs.
func (m *Model) File() *nn.File {
	return &nn.File{Kind: "model", Arch: m.Arch, Target: m.Target, Params: append([]float64(nil), m.Params...),
		Training: map[string]any{
			"method": m.Method, "dim": m.Dim, "space": m.Space, "reference": generic(m.Ref), "settings": generic(m.Settings),
			"train_seconds": m.TrainSeconds, "energy_evals": m.EnergyEvals, "grad_evals": m.GradEvals,
			"mixture": mixtureValue(m.Mixture),
		}}
}

// Save writes m to path atomically (nn.Save).
func Save(path string, m *Model) error { return nn.Save(path, m.File()) }

// Load reads a model (or a checkpoint, used as a model) from path and
// validates it; with a non-nil target it also checks that the model was
// trained for it (an error wrapping ErrTargetMismatch otherwise). Corrupt
// files return the errors of nn.Load (nn.ErrFormat, nn.ErrChecksum, …);
// files that are valid for nn but lack the soc fields wrap ErrModel.
func Load(path string, target Target) (*Model, error) {
	f, err := nn.Load(path)
	if err != nil {
		return nil, err
	}
	return FromFile(f, target)
}

// FromFile is Load for an already decoded file.
func FromFile(f *nn.File, target Target) (*Model, error) {
	m := &Model{Target: f.Target, Arch: f.Arch, Params: append([]float64(nil), f.Params...)}
	var ok bool
	if m.Method, ok = f.Training["method"].(string); !ok {
		return nil, fmt.Errorf("%w: no training method recorded", ErrModel)
	}
	switch m.Method {
	case "adjoint", "logvar", "lrds":
	default:
		return nil, fmt.Errorf("%w: method %q", ErrUnknownMethod, m.Method)
	}
	dim, _ := f.Training["dim"].(float64)
	m.Dim = int(dim)
	if m.Dim < 1 || float64(m.Dim) != dim {
		return nil, fmt.Errorf("%w: dimension %v", ErrModel, f.Training["dim"])
	}
	m.Space, _ = f.Training["space"].(string)
	space, err := controlsde.ParseSpace(m.Space)
	if err != nil || space.AmbientDim() != m.Dim {
		return nil, fmt.Errorf("%w: space %q for dimension %d", ErrModel, m.Space, m.Dim)
	}
	// The network acts on netSpace (the chain's R^D for lrds on spheres
	// and SO(3)).
	ns := netSpace(m.Method, space)
	if nd := ns.AmbientDim(); f.Arch.Out != nd && f.Arch.Out != nd+1 {
		return nil, fmt.Errorf("%w: dimension %v does not match the network %d→%d", ErrModel, f.Training["dim"], f.Arch.In, f.Arch.Out)
	}
	if f.Arch.In != InputDim(ns) {
		return nil, fmt.Errorf("%w: network input %d does not match space %q (want %d)", ErrModel, f.Arch.In, m.Space, InputDim(ns))
	}
	if err := decode(f.Training["reference"], &m.Ref); err != nil {
		return nil, fmt.Errorf("%w: reference: %v", ErrModel, err)
	}
	if _, _, err := m.Ref.reference(space); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	if err := decode(f.Training["settings"], &m.Settings); err != nil {
		return nil, fmt.Errorf("%w: settings: %v", ErrModel, err)
	}
	if want := m.Settings.arch(ns.AmbientDim()).Out; f.Arch.Out != want || (m.Settings.GradTerm && !(m.Settings.GradClip > 0)) {
		return nil, fmt.Errorf("%w: network output %d inconsistent with the settings (want %d)", ErrModel, f.Arch.Out, want)
	}
	if m.Method == "lrds" {
		if err := lrdsSpaceSettings(space, &m.Settings); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrModel, err)
		}
		var q Mixture
		if err := decode(f.Training["mixture"], &q); err != nil {
			return nil, fmt.Errorf("%w: lrds model without its reference mixture: %v", ErrModel, err)
		}
		if _, err := newMixtureParts(&q, space); err != nil {
			return nil, fmt.Errorf("%w: bad reference mixture: %v", ErrModel, err)
		}
		m.Mixture = &q
	}
	m.TrainSeconds, _ = f.Training["train_seconds"].(float64)
	m.EnergyEvals, m.GradEvals = counter(f, "energy_evals"), counter(f, "grad_evals")
	if m.Target == "" {
		return nil, fmt.Errorf("%w: no target recorded", ErrModel)
	}
	if _, err := f.Build(nil); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrModel, err)
	}
	if target != nil {
		if err := m.check(target); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func decode(v any, dst any) error {
	if v == nil {
		return fmt.Errorf("missing")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, dst)
}

func (m *Model) check(target Target) error {
	if target.Name() != m.Target || target.Dim() != m.Dim {
		return fmt.Errorf("%w: model was trained for %q (d = %d), target is %q (d = %d)",
			ErrTargetMismatch, m.Target, m.Dim, target.Name(), target.Dim())
	}
	return nil
}

// Control returns the model's control u_θ on R^d; target is used by the
// target-gradient term (Settings.GradTerm) and may be nil otherwise.
func (m *Model) Control(target controlsde.Target) (*Net, error) {
	return m.control(target, 1)
}

// control is Control with workers goroutines for the network's batched
// products (the result does not depend on workers).
func (m *Model) control(target controlsde.Target, workers int) (*Net, error) {
	var n *Net
	var err error
	if m.Settings.GradTerm {
		if target == nil {
			return nil, fmt.Errorf("%w: the control's gradient term needs the target", ErrSettings)
		}
		n, err = NewNetGrad(m.Arch, netSpace(m.Method, m.space()), nn.NewExec(workers), target, m.Settings.GradClip, workers)
	} else {
		n, err = NewNet(m.Arch, netSpace(m.Method, m.space()), nn.NewExec(workers))
	}
	if err != nil {
		return nil, err
	}
	if len(m.Params) != len(n.Params()) {
		return nil, fmt.Errorf("%w: %d parameters for an architecture with %d", ErrModel, len(m.Params), len(n.Params()))
	}
	copy(n.Params(), m.Params)
	return n, nil
}

// Problem returns the controlled problem of m for target: the reference,
// the learned control and the target, and the time grid. An lrds model
// has none (its control acts on the exact chain of its reference mixture,
// which Sample simulates): ErrSettings.
func (m *Model) Problem(target controlsde.Target) (controlsde.Problem, []float64, error) {
	if m.Method == "lrds" {
		return controlsde.Problem{}, nil, fmt.Errorf("%w: an lrds model samples with its mixture chain (Sample), not a controlled SDE", ErrSettings)
	}
	n, err := m.Control(target)
	if err != nil {
		return controlsde.Problem{}, nil, err
	}
	ref, grid, err := m.Ref.reference(m.space())
	if err != nil {
		return controlsde.Problem{}, nil, err
	}
	return controlsde.Problem{Reference: ref, Control: n, Target: target}, grid, nil
}

// Sample simulates n paths of the controlled SDE with the learned control
// (controlsde.Simulate on the model's grid; Exact integrator on R^d,
// geodesic Euler–Maruyama on spheres, SO(3), tori and their products, see
// RefSpec and compactSpace) and returns the
// terminal states with their log importance weights
//
//	log w = −( Σ_k ½|u_k|²Δt_k + Σ_k u_k·ΔW_k + g(X_1) )
//
// (soc.md; exact for the discrete chain) and the report: log Ẑ, its
// standard error, ELBO, ESS/N, EUBO (for targets with exact samples under
// a Brownian reference: on R^d n exact samples through the reference
// bridge, controlsde.ForwardLogWeights; on the compact spaces through the
// reversed reference chain, manifoldForward), the exact log Z where known, energy and
// gradient evaluations (training included) and the training and sampling
// times. An lrds model samples its exact mixture chain instead (see the
// package documentation; EUBO for any target with exact samples), with
// per-particle streams, so its output does not depend on GOMAXPROCS. It
// returns an error wrapping ErrTargetMismatch when the model was trained
// for another target and ErrSettings for n ≤ 0.
func Sample(m *Model, target Target, n int, seed uint64) (sampler.Output, sampler.Report, error) {
	rep := sampler.NewReport("", "", n, seed)
	if m == nil || target == nil {
		return sampler.Output{}, rep, fmt.Errorf("%w: nil model or target", ErrSettings)
	}
	rep.Target, rep.Method = target.Name(), m.Method
	if n <= 0 {
		return sampler.Output{}, rep, fmt.Errorf("%w: %d samples (want n > 0)", ErrSettings, n)
	}
	if err := m.check(target); err != nil {
		return sampler.Output{}, rep, err
	}
	count := sampler.NewCounting(target)
	if m.Method == "lrds" {
		return sampleLRDS(m, target, count, n, seed, rep)
	}
	p, grid, err := m.Problem(count)
	if err != nil {
		return sampler.Output{}, rep, err
	}
	start := time.Now()
	res, err := controlsde.Simulate(p, &controlsde.Settings{Grid: grid, Particles: n, Seed: seed}, integrator(m.space()))
	rep.SampleSeconds = time.Since(start).Seconds()
	if err != nil {
		return sampler.Output{}, rep, fmt.Errorf("%w: sampling: %v", ErrDiverged, err)
	}
	if smp, ok := target.(exactSampler); ok && m.Ref.Kind == "brownian" {
		if _, flat := m.space().(manifold.Euclidean); flat {
			eubo, err := forwardEUBO(p, grid, smp, n, m.Dim, seed)
			if err != nil {
				return sampler.Output{}, rep, err
			}
			rep.EUBO = eubo
		} else if compactSpace(m.space()) && coarseSteps(m.space(), p.Reference.Sigma, grid) {
			rep.Warnings = append(rep.Warnings, "EUBO skipped: the reference steps are too coarse for the reversed chain's weights (see coarseSteps)")
		} else if compactSpace(m.space()) {
			lw, err := manifoldForward(m, p.Control.(*Net), count, smp, n, seed)
			if err != nil {
				return sampler.Output{}, rep, err
			}
			var s float64
			for _, v := range lw {
				s += v / float64(n)
			}
			rep.EUBO = s
		}
	}
	finishReport(&rep, m, count, res.Estimates)
	return sampler.Output{Samples: res.X, N: n, Dim: m.Dim, LogWeights: res.LogWeight}, rep, nil
}

// finishReport fills the report of Sample from the weight estimates: the
// evaluation counts (the model's training included), the training time,
// log Ẑ, its standard error, ELBO, ESS/N, the exact log Z where known, and
// the warnings for degenerate weights and a non-finite estimate.
func finishReport(rep *sampler.Report, m *Model, count *sampler.Counting, est controlsde.Estimates) {
	e, g := count.Counts()
	rep.EnergyEvals, rep.GradEvals = e+m.EnergyEvals, g+m.GradEvals
	rep.TrainSeconds = m.TrainSeconds
	rep.LogZ, rep.LogZStdErr, rep.ELBO, rep.ESSFraction = est.LogZ, est.LogZStdErr, est.ELBO, est.ESS
	if z, ok := count.LogZ(); ok {
		rep.ExactLogZ = z
	}
	if est.ESS < LowESS {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("ESS/N = %.3g is below %g: the weights are degenerate (possible mode collapse)", est.ESS, LowESS))
	}
	if math.IsNaN(est.LogZ) {
		rep.Warnings = append(rep.Warnings, "log Z estimate is not finite")
	}
}

// exactSampler is implemented by targets with exact samples
// (datasets.Sampler).
type exactSampler interface {
	Sample(dst []float64, rng *rand.Rand)
}

// forwardEUBO returns EUBO = mean of the forward log-weights of n exact
// target samples joined to the start by the reference bridge
// (controlsde.ForwardLogWeights, targets.md): EUBO ≥ log Z in
// expectation, with equality only for the optimal control. The samples
// and the bridges are drawn from streams derived from seed.
func forwardEUBO(p controlsde.Problem, grid []float64, smp exactSampler, n, d int, seed uint64) (float64, error) {
	xs := make([]float64, n*d)
	rng := rand.New(rand.NewPCG(seed, 0xe0b0))
	for i := range n {
		smp.Sample(xs[i*d:(i+1)*d], rng)
	}
	lw, err := controlsde.ForwardLogWeights(p, &controlsde.Settings{Grid: grid, Seed: seed ^ 0x9e3779b97f4a7c15}, xs)
	if err != nil {
		return math.NaN(), err
	}
	var s float64
	for _, v := range lw {
		s += v
	}
	return s / float64(n), nil
}

// LowESS is the ESS/N below which Sample adds a warning to the report.
const LowESS = 0.05

// space returns the model's state space (R^Dim when none is recorded).
func (m *Model) space() manifold.Manifold {
	if sp, err := controlsde.ParseSpace(m.Space); err == nil && sp.AmbientDim() == m.Dim {
		return sp
	}
	return manifold.NewEuclidean(m.Dim)
}
