package soc

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"time"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/internal/nn"
	"github.com/geosoc/geosoc/manifold"
	"github.com/geosoc/geosoc/sampler"
)

// Sentinel errors; data errors wrap one of them.
var (
	// ErrUnknownMethod is returned for a method name Train does not know.
	ErrUnknownMethod = errors.New("soc: unknown method")
	// ErrSettings is returned for unusable settings.
	ErrSettings = errors.New("soc: bad settings")
	// ErrTargetMismatch is returned when a model or checkpoint was trained
	// for another target (or with other settings, for a resumed training).
	ErrTargetMismatch = errors.New("soc: model trained for another target")
	// ErrModel is returned for a model or checkpoint file that is valid for
	// package nn but not a soc model (missing or inconsistent fields).
	ErrModel = errors.New("soc: not a soc model")
	// ErrDiverged is returned when the loss or a simulation stops being
	// finite during training.
	ErrDiverged = errors.New("soc: training diverged")
)

// Target is an unnormalised density γ on R^d with a name (the one stored
// in model files) and a dimension; every datasets.Target is one.
type Target interface {
	controlsde.Target
	Name() string
	Dim() int
}

// sphereComponents is the default lrds mixture size on spheres and SO(3):
// there D ≤ 4 keeps each component cheap, and igso3-mix's 16 modes need
// more than the R^d default of 8 (measured with `geosoc sample --target
// igso3-mix --method lrds --n 4000`: ESS/N 0.29, 0.78 and 0.98 with 8, 16
// and 32 components). It is capped by Chains.
const sphereComponents = 32

// Methods lists the method names Train accepts.
var Methods = []string{"adjoint", "logvar", "lrds"}

// Settings configure Train. A nil *Settings, and every zero field, means
// the documented default.
type Settings struct {
	// Steps is the number of optimiser steps; default 300.
	Steps int `json:"steps"`
	// Batch is the number of bridge samples (adjoint) or of paths
	// (logvar) per step; default 256.
	Batch int `json:"batch"`
	// Hidden are the hidden widths of the MLP; default {64, 64}.
	Hidden []int `json:"hidden"`
	// Activation is the MLP activation; default "silu".
	Activation string `json:"activation"`
	// TimeFreqs is the number of time-embedding frequencies, geometric in
	// [1, 100]; default 8.
	TimeFreqs int `json:"time_freqs"`
	// LR is the learning-rate schedule; the zero value means a cosine
	// schedule from 2e-3 to 2e-5 over Steps with Steps/20 warm-up steps.
	LR nn.Schedule `json:"lr"`
	// ClipNorm bounds the global gradient norm; default 10.
	ClipNorm float64 `json:"clip_norm"`
	// Reference is the reference process; nil means the method default:
	// adjoint: Brownian from 0 with the geometric schedule
	// σ_min = 0.05, σ_max = 3 and 50 steps; logvar: Brownian from 0 with
	// σ = 1.5 and 50 steps.
	Reference *RefSpec `json:"reference"`
	// BufferSize is the adjoint replay buffer size; default 1024.
	BufferSize int `json:"buffer_size,omitempty"`
	// Refresh is the number of steps between adjoint buffer refills;
	// default 20.
	Refresh int `json:"refresh,omitempty"`
	// MaxAdjoint is the per-sample clip of |∇g| (adjoint); default 100.
	MaxAdjoint float64 `json:"max_adjoint,omitempty"`
	// GradTerm adds the learned multiple of the clipped target gradient to
	// the control (see Net; PIS-style). It costs one gradient evaluation
	// per control evaluation. GradClip bounds the gradient norm; default
	// 100.
	GradTerm bool    `json:"grad_term,omitempty"`
	GradClip float64 `json:"grad_clip,omitempty"`
	// Components, Chains, Levels and MCMCSteps configure the lrds
	// reference: a Components-component Gaussian mixture (default 8; on
	// spheres, SO(3) and their products 32, or Chains if fewer) fitted by
	// EM to Chains annealed-MALA chains (default 512) run through Levels
	// temperatures (default 20) with MCMCSteps steps each (default 10);
	// see AnnealedMALA and FitMixture. On spheres, SO(3) and their
	// products the samples come from adaptive-tempering SMC with Chains
	// particles and MCMCSteps moves per stage instead (Levels unused).
	Components int `json:"components,omitempty"`
	Chains     int `json:"chains,omitempty"`
	Levels     int `json:"levels,omitempty"`
	MCMCSteps  int `json:"mcmc_steps,omitempty"`
	// Family is the lrds reference family: "isotropic" (Components
	// components Σ_k w_k N(m_k, s_k² I), FitMixture), "diagonal"
	// (Σ_k w_k N(m_k, diag(s_k²)), FitDiagonalMixture), "product"
	// (mean-field: Components components per coordinate,
	// FitProductMixture) or "auto" (the default): the isotropic and
	// product families are fitted and refined, the product one with
	// min(Components, 4) components per
	// coordinate, and the better one by the importance-sampling estimates
	// of their refinements is kept (see RefineMixture). Spheres and SO(3)
	// take the isotropic family only (auto means isotropic there);
	// products of tori, spheres and SO(3) the isotropic and diagonal ones
	// (auto compares those two; diagonal variances are shared within each
	// sphere and SO(3) factor).
	Family string `json:"family,omitempty"`
	// RefineRounds rounds of tempered mixture population Monte Carlo with
	// RefineSamples draws each (default 4096) improve the fitted lrds
	// reference before training (RefineMixture); default 10, negative for
	// none ("auto" needs at least one). They cost RefineRounds·RefineSamples
	// energy evaluations per fitted family.
	RefineRounds  int `json:"refine_rounds,omitempty"`
	RefineSamples int `json:"refine_samples,omitempty"`
	// Seed determines every random number of the training.
	Seed uint64 `json:"seed"`

	// Workers is the number of goroutines; 0 means GOMAXPROCS. The result
	// does not depend on it.
	Workers int `json:"-"`
	// CheckpointPath, when set, receives a checkpoint (nn.File of kind
	// "checkpoint") every CheckpointEvery steps (for adjoint a multiple of
	// Refresh) and at the end.
	CheckpointPath  string `json:"-"`
	CheckpointEvery int    `json:"-"`
	// Resume, when set, continues the training saved in this checkpoint;
	// the other settings must equal the ones it was trained with.
	Resume *nn.File `json:"-"`
	// Space is the state space; nil means the target's Space() when it has
	// one (datasets.ManifoldTarget), R^Dim otherwise. logvar and adjoint
	// also run on spheres, SO(3), tori and products of these (Brownian
	// reference from the uniform law, see RefSpec); lrds runs on R^d,
	// tori, spheres, SO(3) and products of these three (its chain on R^D
	// mapped onto the space, see cover.go).
	Space manifold.Manifold `json:"-"`
	// Progress, when set, is called after every optimiser step with the
	// number of steps done, the total and the step's loss (for a progress
	// bar). It runs on the training goroutine and must not block for long.
	Progress func(step, steps int, loss float64) `json:"-"`

	// stopAt, when positive, ends the training after that many steps
	// (with a checkpoint), simulating an interruption in tests.
	stopAt int
}

func (s *Settings) resolve(method string) (Settings, error) {
	var o Settings
	if s != nil {
		o = *s
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Steps, 300)
	def(&o.Batch, 256)
	def(&o.TimeFreqs, 8)
	if o.Hidden == nil {
		o.Hidden = []int{64, 64}
	}
	if o.Activation == "" {
		o.Activation = "silu"
	}
	if o.LR.Kind == "" {
		o.LR = nn.Schedule{Kind: "cosine", Base: 2e-3, Min: 2e-5, Warmup: o.Steps / 20, Total: o.Steps}
	}
	if o.ClipNorm == 0 {
		o.ClipNorm = 10
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Reference == nil {
		switch method {
		case "adjoint":
			o.Reference = &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "geometric", A: 0.05, B: 3}, Steps: 50}
		default:
			o.Reference = &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1.5}, Steps: 50}
		}
	} else {
		r := *o.Reference
		o.Reference = &r
	}
	if method == "lrds" {
		def(&o.Components, 8)
		def(&o.Chains, 512)
		def(&o.Levels, 20)
		def(&o.MCMCSteps, 10)
		def(&o.RefineRounds, 10)
		if o.RefineRounds > 0 {
			def(&o.RefineSamples, 4096)
		}
		if o.Family == "" {
			o.Family = "auto"
		}
		switch o.Family {
		case "auto", "isotropic", Diagonal, Product:
		default:
			return o, fmt.Errorf("%w: lrds reference family %q (want auto, isotropic, diagonal or product)", ErrSettings, o.Family)
		}
		if (o.RefineRounds > 0 && o.RefineSamples < 2) || (o.Family == "auto" && o.RefineRounds < 1) {
			return o, fmt.Errorf("%w: lrds refine rounds %d, samples %d, family %s (auto needs a refinement)", ErrSettings, o.RefineRounds, o.RefineSamples, o.Family)
		}
		if o.Components < 1 || o.Chains < o.Components || o.Levels < 1 || o.MCMCSteps < 1 {
			return o, fmt.Errorf("%w: lrds needs 1 ≤ components ≤ chains, levels ≥ 1, mcmc steps ≥ 1", ErrSettings)
		}
		if o.Reference.Kind != "brownian" {
			return o, fmt.Errorf("%w: lrds needs a Brownian reference, have %q", ErrSettings, o.Reference.Kind)
		}
	}
	if o.GradTerm && o.GradClip == 0 {
		o.GradClip = 100
	}
	if method == "adjoint" {
		def(&o.BufferSize, 1024)
		def(&o.Refresh, 20)
		if o.MaxAdjoint == 0 {
			o.MaxAdjoint = 100
		}
	}
	switch {
	case o.Steps < 0 || o.Batch < 2:
		return o, fmt.Errorf("%w: steps %d, batch %d", ErrSettings, o.Steps, o.Batch)
	case !(o.ClipNorm > 0):
		return o, fmt.Errorf("%w: clip norm %v", ErrSettings, o.ClipNorm)
	case method == "adjoint" && (o.BufferSize < 1 || o.Refresh < 1 || !(o.MaxAdjoint > 0)):
		return o, fmt.Errorf("%w: buffer %d, refresh %d, max adjoint %v", ErrSettings, o.BufferSize, o.Refresh, o.MaxAdjoint)
	case method == "adjoint" && o.Reference.Kind != "brownian":
		return o, fmt.Errorf("%w: adjoint sampling needs a Brownian reference, have %q", ErrSettings, o.Reference.Kind)
	case o.CheckpointEvery < 0 || (o.CheckpointPath != "" && method == "adjoint" && o.CheckpointEvery%o.Refresh != 0):
		return o, fmt.Errorf("%w: checkpoint interval %d must be a multiple of the buffer refresh %d", ErrSettings, o.CheckpointEvery, o.Refresh)
	}
	if err := o.LR.Validate(); err != nil {
		return o, fmt.Errorf("%w: %v", ErrSettings, err)
	}
	return o, o.Reference.validate()
}

// arch returns the network architecture for dimension d.
func (s *Settings) arch(d int) nn.Arch {
	out := d
	if s.GradTerm {
		out++
	}
	return nn.Arch{In: d, Out: out, Hidden: s.Hidden, Activation: s.Activation, TimeFreqs: s.TimeFreqs, OmegaMin: 1, OmegaMax: 100}
}

// generic returns v as the generic JSON value it decodes to, so that
// stored and fresh settings compare equal regardless of field order.
func generic(v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		panic("soc: " + err.Error())
	}
	var g any
	if err := json.Unmarshal(b, &g); err != nil {
		panic("soc: " + err.Error())
	}
	return g
}

func sameJSON(a, b any) bool {
	x, _ := json.Marshal(generic(a))
	y, _ := json.Marshal(generic(b))
	return string(x) == string(y)
}

// trainer holds the state of one training run.
type trainer struct {
	method string
	target Target
	count  *sampler.Counting
	s      Settings
	spec   RefSpec
	space  manifold.Manifold
	ref    controlsde.Reference
	grid   []float64
	sch    controlsde.Schedule
	net    *Net
	adam   *nn.Adam
	pcg    *rand.PCG
	rng    *rand.Rand
	step   int

	// lrds: the fitted reference law and its refinement record
	mix    *Mixture
	refine RefineStats
	lrun   *lrdsRun
	// adjoint
	buf, adj []float64 // buffer X₁ and clipped ∇g(X₁)
	// manifolds: metric weights of the ambient coordinates (metricWeights)
	// and the exact heat-kernel bridge of adjoint sampling
	w      []float64
	bridge *heatBridge
	// logvar on manifolds: the resampled paths (resamplePaths)
	idx          []int
	rtraj, rterm []float64
	// per-step scratch
	t, x, u, du []float64
	y, eta      []float64
}

// Train trains a control for target with the named method ("adjoint" or
// "logvar"; see the package documentation) and returns the model and a
// report of the training (energy and gradient evaluations, training
// time; the estimates of log Z come from Sample). Unknown methods return
// an error wrapping ErrUnknownMethod.
func Train(method string, target Target, settings *Settings) (*Model, sampler.Report, error) {
	tr, rep, trained, err := newTrainer(method, target, settings)
	if err != nil {
		return nil, rep, err
	}
	return tr.run(rep, trained)
}

// newTrainer validates the settings and returns a trainer ready to run
// (initialised, or restored from Settings.Resume) and the seconds of
// training already done.
func newTrainer(method string, target Target, settings *Settings) (*trainer, sampler.Report, float64, error) {
	rep := sampler.NewReport("", method, 0, 0)
	if target == nil {
		return nil, rep, 0, fmt.Errorf("%w: nil target", ErrSettings)
	}
	rep.Target = target.Name()
	switch method {
	case "adjoint", "logvar", "lrds":
	default:
		return nil, rep, 0, fmt.Errorf("%w: %q (want one of %v)", ErrUnknownMethod, method, Methods)
	}
	s, err := settings.resolve(method)
	if err != nil {
		return nil, rep, 0, err
	}
	rep.Seed = s.Seed
	d := target.Dim()
	space := s.Space
	if sp, ok := target.(spacer); ok && space == nil {
		space = sp.Space()
	}
	if space == nil {
		space = manifold.NewEuclidean(d)
	}
	if space.AmbientDim() != d {
		return nil, rep, 0, fmt.Errorf("%w: target dimension %d, space has ambient dimension %d", ErrSettings, d, space.AmbientDim())
	}
	if _, ok := space.(manifold.Euclidean); !ok {
		switch {
		case method == "lrds":
			if err := lrdsSpaceSettings(space, &s); err != nil {
				return nil, rep, 0, err
			}
			if kind, _, _ := chainGeometry(space); kind.onManifold() && (settings == nil || settings.Components == 0) {
				s.Components = min(sphereComponents, s.Chains)
			}
		case method == "adjoint" && !compactSpace(space):
			return nil, rep, 0, fmt.Errorf("%w: adjoint needs R^%d or a compact space (sphere, SO(3), torus or a product), have %s", ErrSettings, d, spaceName(space))
		}
	}
	tr := &trainer{method: method, target: target, space: space, count: sampler.NewCounting(target), s: s, spec: *s.Reference}
	tr.ref, tr.grid, err = tr.spec.reference(space)
	if err != nil {
		return nil, rep, 0, err
	}
	tr.sch = tr.ref.Sigma
	tr.w = metricWeights(space)
	exec := nn.NewExec(s.Workers)
	ns := netSpace(method, space)
	arch := s.arch(ns.AmbientDim())
	arch.In = InputDim(ns) // ambient dimension, plus one per torus angle (Net)
	if s.GradTerm {
		tr.net, err = NewNetGrad(arch, ns, exec, tr.count, s.GradClip, s.Workers)
	} else {
		tr.net, err = NewNet(arch, ns, exec)
	}
	if err != nil {
		return nil, rep, 0, fmt.Errorf("%w: %v", ErrSettings, err)
	}
	tr.net.workers = s.Workers
	tr.adam = nn.NewAdam(len(tr.net.Params()))
	tr.adam.Exec = exec
	var trained float64
	if s.Resume != nil {
		if trained, err = tr.resume(s.Resume); err != nil {
			return nil, rep, 0, err
		}
	} else {
		tr.pcg = rand.NewPCG(s.Seed, 0x50c)
		tr.rng = rand.New(tr.pcg)
		tr.net.MLP.Init(tr.rng)
		scaleLast(tr.net)
		if method == "lrds" {
			start := time.Now()
			if err := tr.fitReference(); err != nil {
				return nil, rep, 0, err
			}
			// The reference fit is part of the training time.
			trained = time.Since(start).Seconds()
		}
	}
	return tr, rep, trained, nil
}

// run trains to the end and returns the model.
func (tr *trainer) run(rep sampler.Report, trained float64) (*Model, sampler.Report, error) {
	s, target, d, space := tr.s, tr.target, tr.target.Dim(), tr.space
	start := time.Now()
	for tr.step < s.Steps {
		if s.CheckpointPath != "" && s.CheckpointEvery > 0 && tr.step%s.CheckpointEvery == 0 && tr.step > 0 &&
			(s.Resume == nil || tr.step != s.Resume.Step) {
			if err := tr.checkpoint(trained + time.Since(start).Seconds()); err != nil {
				return nil, rep, err
			}
		}
		loss, err := tr.update()
		if err != nil {
			return nil, rep, err
		}
		if s.Progress != nil {
			s.Progress(tr.step, s.Steps, loss)
		}
		if tr.step == s.stopAt {
			break
		}
	}
	trained += time.Since(start).Seconds()
	if s.CheckpointPath != "" {
		if err := tr.checkpoint(trained); err != nil {
			return nil, rep, err
		}
	}
	e, g := tr.count.Counts()
	m := &Model{Method: tr.method, Mixture: tr.mix, Target: target.Name(), Dim: d, Space: spaceName(space), Ref: tr.spec, Arch: tr.net.MLP.Arch,
		Params: append([]float64(nil), tr.net.Params()...), Settings: s, TrainSeconds: trained,
		EnergyEvals: e + tr.prevEnergy(), GradEvals: g + tr.prevGrad()}
	rep.EnergyEvals, rep.GradEvals, rep.TrainSeconds = m.EnergyEvals, m.GradEvals, trained
	if z, ok := target.(controlsde.LogZer); ok {
		if v, ok := z.LogZ(); ok {
			rep.ExactLogZ = v
		}
	}
	return m, rep, nil
}

// scaleLast shrinks the last layer's initial weights by 1/10 so the
// initial control is close to zero (the reference process).
func scaleLast(n *Net) {
	ls := n.MLP.Net.Layers()
	if d, ok := ls[len(ls)-1].(*nn.Dense); ok {
		w, b := d.Weights()
		for i := range w {
			w[i] *= 0.1
		}
		for i := range b {
			b[i] *= 0.1
		}
	}
}

// update takes one optimiser step and returns its loss.
func (tr *trainer) update() (float64, error) {
	tr.net.MLP.ZeroGrad()
	var loss float64
	var err error
	switch tr.method {
	case "adjoint":
		loss, err = tr.adjointLoss()
	case "lrds":
		loss, err = tr.lrdsLoss()
	default: // logvar
		loss, err = tr.logVarLoss()
	}
	if err != nil {
		return 0, err
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) {
		return 0, fmt.Errorf("%w: loss %v at step %d", ErrDiverged, loss, tr.step)
	}
	nn.ClipGradNorm(tr.net.Grads(), tr.s.ClipNorm)
	tr.step++
	tr.adam.Step(tr.net.Params(), tr.net.Grads(), tr.s.LR.LR(tr.step))
	return loss, nil
}

// training returns the training description stored in model and
// checkpoint files.
func (tr *trainer) training(seconds float64) map[string]any {
	e, g := tr.count.Counts()
	return map[string]any{
		"method":        tr.method,
		"dim":           tr.target.Dim(),
		"space":         spaceName(tr.space),
		"reference":     generic(tr.spec),
		"settings":      generic(tr.s),
		"train_seconds": seconds,
		"energy_evals":  e + tr.prevEnergy(),
		"grad_evals":    g + tr.prevGrad(),
		"mixture":       mixtureValue(tr.mix),
		"refine":        generic(tr.refine),
	}
}

func mixtureValue(q *Mixture) any {
	if q == nil {
		return nil
	}
	return generic(q)
}

func (tr *trainer) prevEnergy() int64 { return counter(tr.s.Resume, "energy_evals") }
func (tr *trainer) prevGrad() int64   { return counter(tr.s.Resume, "grad_evals") }

func counter(f *nn.File, key string) int64 {
	if f == nil {
		return 0
	}
	v, _ := f.Training[key].(float64)
	return int64(v)
}

func (tr *trainer) checkpoint(seconds float64) error {
	f, err := nn.NewCheckpoint(tr.net.MLP, tr.adam, tr.step, tr.pcg, tr.target.Name(), tr.training(seconds))
	if err != nil {
		return err
	}
	return nn.Save(tr.s.CheckpointPath, f)
}

// resume restores the state saved in checkpoint f and returns the training
// seconds spent before it.
func (tr *trainer) resume(f *nn.File) (float64, error) {
	if f.Kind != "checkpoint" || f.Adam == nil {
		return 0, fmt.Errorf("%w: resume needs a checkpoint, have a %q file", ErrModel, f.Kind)
	}
	if f.Target != tr.target.Name() {
		return 0, fmt.Errorf("%w: checkpoint is for %q, target is %q", ErrTargetMismatch, f.Target, tr.target.Name())
	}
	if m, _ := f.Training["method"].(string); m != tr.method {
		return 0, fmt.Errorf("%w: checkpoint was trained with method %q, not %q", ErrTargetMismatch, m, tr.method)
	}
	if !sameJSON(f.Training["settings"], tr.s) {
		return 0, fmt.Errorf("%w: checkpoint was trained with other settings", ErrTargetMismatch)
	}
	if !sameJSON(f.Arch, tr.net.MLP.Arch) || len(f.Params) != len(tr.net.Params()) ||
		len(f.Adam.M) != len(f.Params) || len(f.Adam.V) != len(f.Params) {
		return 0, fmt.Errorf("%w: checkpoint architecture differs", ErrModel)
	}
	if f.Step < 0 || f.Step > tr.s.Steps {
		return 0, fmt.Errorf("%w: checkpoint step %d outside [0, %d]", ErrModel, f.Step, tr.s.Steps)
	}
	pcg, err := f.PCG()
	if err != nil {
		return 0, err
	}
	if tr.method == "lrds" {
		var q Mixture
		if err := decode(f.Training["mixture"], &q); err != nil {
			return 0, fmt.Errorf("%w: lrds checkpoint without its reference mixture: %v", ErrModel, err)
		}
		tr.mix = &q
	}
	copy(tr.net.Params(), f.Params)
	copy(tr.adam.M, f.Adam.M)
	copy(tr.adam.V, f.Adam.V)
	tr.adam.T = f.Adam.T
	tr.step = f.Step
	tr.pcg, tr.rng = pcg, rand.New(pcg)
	secs, _ := f.Training["train_seconds"].(float64)
	return secs, nil
}

// fitReference fits the lrds reference law q: on R^d and tori annealed
// MALA chains on the target from N(0, ν(1) I) (the reference's terminal
// law), on spheres, SO(3) and their products SMC on the manifold
// (manifoldFitSamples); then EM and the refinement.
func (tr *trainer) fitReference() error {
	d := tr.target.Dim()
	kind, D, err := chainGeometry(tr.space)
	if err != nil {
		return err
	}
	var x []float64
	if kind.onManifold() {
		if x, err = tr.manifoldFitSamples(kind, D); err != nil {
			return err
		}
		d = D
	} else {
		nu1 := tr.sch.Integral(1) - tr.sch.Integral(0)
		x = AnnealedMALA(tr.count, d, tr.s.Chains, tr.s.Levels, tr.s.MCMCSteps, math.Sqrt(nu1), tr.rng)
	}
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("%w: the reference's MCMC produced a non-finite state", ErrDiverged)
		}
	}
	// On the torus the chains ran on the cover (the target is periodic);
	// the mixture is fitted to their images in [−π, π)^d.
	torus := kind == torusCover
	if torus {
		for i, v := range x {
			x[i] = manifold.TorusWrap(v)
		}
	}
	fit := func(family string) (Mixture, RefineStats, error) {
		var q Mixture
		var err error
		if family == Product {
			k := tr.s.Components
			if tr.s.Family == "auto" {
				k = min(k, 4)
			}
			q, err = FitProductMixture(x, d, k, 50, 1e-4, tr.rng)
		} else if family == Diagonal {
			q, err = fitMixture(x, d, tr.s.Components, 50, 1e-4, true, coverTies(tr.space), tr.rng)
		} else {
			q, err = FitMixture(x, d, tr.s.Components, 50, 1e-4, tr.rng)
			if err == nil && kind.radial() {
				// Fitted to unit vectors, an isotropic component spreads
				// the angular variance a of its cluster over D
				// directions, s² = (D−1)a/D; widen it back to a (a wider
				// importance proposal is the safe side).
				for j := range q.Variances {
					q.Variances[j] *= float64(d) / float64(d-1)
				}
			}
		}
		if err != nil || tr.s.RefineRounds < 1 {
			return q, RefineStats{Family: family}, err
		}
		q, st, err := refineMixture(q, tr.count, tr.space, tr.s.RefineSamples, tr.s.RefineRounds, 5, 1e-4, tr.rng)
		st.Family = family
		return q, st, err
	}
	var q Mixture
	// auto compares two families: isotropic and product on R^d and tori,
	// isotropic and diagonal (tied on the sphere and SO(3) blocks) on
	// products; spheres and SO(3) alone have the isotropic family only.
	second := Product
	if kind == productCover {
		second = Diagonal
	}
	if tr.s.Family == "auto" && !kind.radial() {
		qi, si, err := fit("isotropic")
		if err != nil {
			return err
		}
		qp, sp, err := fit(second)
		if err != nil {
			return err
		}
		// Keep the better family by the rule of pick on the kept rounds.
		b := func(st RefineStats) int { return st.Best }
		i := pick([]float64{si.ESS[b(si)], sp.ESS[b(sp)]}, []float64{si.LogZ[b(si)], sp.LogZ[b(sp)]}, []float64{si.LogZSE[b(si)], sp.LogZSE[b(sp)]})
		q, tr.refine, tr.refine.Other = qi, si, sp.ESS[b(sp)]
		if i == 1 {
			q, tr.refine, tr.refine.Other = qp, sp, si.ESS[b(si)]
		}
	} else {
		family := tr.s.Family
		if family == "auto" {
			family = "isotropic" // spheres and SO(3): the only family
		}
		if q, tr.refine, err = fit(family); err != nil {
			return err
		}
	}
	tr.mix = &q
	return nil
}

// lrdsSpaceSettings returns an error if lrds cannot run on space with
// the settings s: spaces other than R^d, tori, spheres, SO(3) and their
// products, the product family on spheres, SO(3) and products, the
// diagonal family on spheres and SO(3) alone, and there the gradient term
// (the control acts on the chain's R^D).
func lrdsSpaceSettings(space manifold.Manifold, s *Settings) error {
	kind, _, err := chainGeometry(space)
	if err != nil {
		return err
	}
	if !kind.onManifold() {
		return nil
	}
	if s.Family == Product || (s.Family == Diagonal && kind != productCover) {
		return fmt.Errorf("%w: lrds on %s needs the isotropic reference family (or diagonal on products), have %q", ErrSettings, spaceName(space), s.Family)
	}
	if s.GradTerm {
		return fmt.Errorf("%w: lrds on %s has no gradient term (its control acts on the chain's R^D)", ErrSettings, spaceName(space))
	}
	return nil
}

// manifoldFitSamples returns tr.s.Chains approximate samples of the
// target on a sphere, SO(3) or a product of these and tori as points of
// the chain's R^D (factor by factor on a product), for the EM
// fit of the lrds reference: adaptive-tempering SMC from the uniform law
// on the manifold (sampler.SMC, MCMCSteps random-walk moves per stage,
// its evaluations counted), resampled by its final weights; on SO(3) the
// unit quaternions of the rotations (manifold.SO3.Quat: real part ≥ 0). A
// cluster cut by that hemisphere is fitted as two antipodal parts, which
// costs components but no accuracy, since q(R) sums the rays ±u; aligning
// the signs to k-means++ seeds first was tried and gave no measurable gain
// (igso3-mix, default settings, seeds 1–3: ESS/N 0.977–0.981 with it,
// 0.975–0.977 without; mean EUBO 0.0107 and 0.0113).
func (tr *trainer) manifoldFitSamples(kind coverKind, D int) ([]float64, error) {
	md := tr.space.AmbientDim()
	out, _, err := sampler.Sample(sampler.Problem{Target: tr.count, Space: tr.space, Name: tr.target.Name()},
		&sampler.Settings{N: tr.s.Chains, Seed: tr.rng.Uint64(), Workers: tr.s.Workers}, sampler.SMC{MoveSteps: tr.s.MCMCSteps})
	if err != nil {
		return nil, fmt.Errorf("%w: lrds reference SMC: %v", ErrDiverged, err)
	}
	pts := sampler.Resample(out.Samples, md, out.LogWeights, tr.rng)
	switch kind {
	case sphereCover:
		return pts, nil
	case so3Cover:
		n := len(pts) / md
		u := make([]float64, n*D)
		for i := range n {
			quatOf(u[i*D:(i+1)*D], pts[i*md:(i+1)*md])
		}
		return u, nil
	}
	// A product: each factor as above (torus angles as they are).
	n := len(pts) / md
	u := make([]float64, n*D)
	var off int
	p := tr.space.(manifold.Product)
	for f, fs := range p.Factors() {
		fk, fd, _ := chainGeometry(fs)
		mo, mf := p.Offset(f), fs.AmbientDim()
		for i := range n {
			src, dst := pts[i*md+mo:i*md+mo+mf], u[i*D+off:i*D+off+fd]
			if fk == so3Cover {
				quatOf(dst, src)
			} else {
				copy(dst, src)
			}
		}
		off += fd
	}
	return u, nil
}
