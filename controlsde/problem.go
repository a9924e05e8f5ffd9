package controlsde

import (
	"errors"
	"fmt"
	"math"
	"runtime"

	"github.com/geosoc/geosoc/manifold"
)

// Sentinel errors for bad data; programmer errors (slices of the wrong
// length) panic with a message prefixed "controlsde: ".
var (
	// ErrGrid is returned for a time grid that is too short, not finite or
	// not strictly increasing.
	ErrGrid = errors.New("controlsde: bad time grid")
	// ErrUnsupported is returned when a method cannot integrate a problem
	// (for example the Lie-group scheme on a manifold that is not a Lie
	// group, or Heun's scheme off Euclidean space).
	ErrUnsupported = errors.New("controlsde: method does not support this problem")
	// ErrNoMarginal is returned when path weights are requested but the
	// reference marginal p_ref,T is not known in closed form; set
	// Reference.Terminal to supply it.
	ErrNoMarginal = errors.New("controlsde: reference marginal unknown")
	// ErrProblem is returned for an inconsistent problem or settings.
	ErrProblem = errors.New("controlsde: bad problem")
)

// Control is a batched vector field: Control writes u(t, x_i) ∈ T_{x_i}M
// for every point x_i of the batch x (n points of AmbientDim values, back to
// back) into dst (same length). The engine calls it once per time step for
// each block of particles (Settings.Block points), never per particle or
// per scalar, so a neural network evaluates a whole block at once.
//
// Control is called concurrently from several goroutines on disjoint
// blocks and must be safe for that; a control that needs scratch space
// implements Forker. A control must be a function of (t, x_i) alone: the
// result for a point may not depend on the other points of the block, which
// is what makes results independent of the block size and of GOMAXPROCS.
type Control interface {
	Control(dst []float64, t float64, x []float64)
}

// Forker is implemented by controls that keep scratch space. The engine
// calls Fork once per worker goroutine and uses the returned Control only
// from that goroutine.
type Forker interface {
	Fork() Control
}

// ControlFunc adapts a per-point function to Control. It costs one
// indirect call per point, fine for tests and prototypes; hot controls
// should implement Control on the whole batch.
type ControlFunc struct {
	// Dim is the ambient dimension of a point.
	Dim int
	// F writes u(t, x) for one point into dst.
	F func(dst []float64, t float64, x []float64)
}

// Control applies F to each point of the batch.
func (c ControlFunc) Control(dst []float64, t float64, x []float64) {
	d := c.Dim
	if len(dst) != len(x) || len(x)%d != 0 {
		panic("controlsde: ControlFunc: batch length mismatch")
	}
	for s := 0; s < len(x); s += d {
		c.F(dst[s:s+d], t, x[s:s+d])
	}
}

// Target is an unnormalised density γ on a manifold, the law a sampler
// aims at: γ = Z π with π a probability density (with respect to the
// Riemannian volume) and Z unknown in general. Its method set is a subset
// of datasets.Target, so every datasets target is a controlsde Target.
type Target interface {
	// LogDensity returns log γ(x).
	LogDensity(x []float64) float64
	// GradLogDensity writes the Riemannian gradient ∇ log γ(x) into dst
	// and returns log γ(x); dst must not alias x.
	GradLogDensity(dst, x []float64) float64
}

// LogZer is implemented by targets whose normaliser Z = ∫γ may be known
// exactly: LogZ returns log Z and true where it is (the datasets.Target
// convention).
type LogZer interface {
	LogZ() (float64, bool)
}

// Reference describes the uncontrolled reference process
//
//	dX = b(t, X) dt + σ(t) dW,   X₀ ~ p₀,
//
// on the manifold Space, where b = −σ(t)²/(2 OUVariance) · X (an
// Ornstein–Uhlenbeck / VP process with stationary law N(0, OUVariance·I),
// only on Euclidean space) plus the optional field Drift.
type Reference struct {
	// Space is the manifold. Required.
	Space manifold.Manifold
	// Sigma is the noise schedule; nil means Constant{1} (standard
	// Brownian motion, generator ½Δ).
	Sigma Schedule
	// OUVariance, when positive, adds the linear drift −σ(t)²/(2·OUVariance)·x
	// (Euclidean space only): the VP process for OUVariance = 1, the DDS
	// reference for OUVariance = σ².
	OUVariance float64
	// Drift is an optional extra reference drift b(t, x) ∈ T_xM. With a
	// Drift the reference marginal is unknown unless Terminal is given.
	Drift Control
	// Start is the initial point x₀ (length AmbientDim). If nil, X₀ is
	// drawn from Init; if Init is nil too, X₀ = 0 on Euclidean space and
	// X₀ is uniform on a compact manifold.
	Start []float64
	// StartVariance, on Euclidean space, draws X₀ ~ N(Start, StartVariance·I)
	// (Start nil means 0).
	StartVariance float64
	// Init draws X₀ when Start is nil.
	Init manifold.Rander
	// Terminal, if set, is the law of X_T under the reference, used in the
	// terminal cost g = log p_ref,T − log γ. If nil it is derived where it is
	// known in closed form (see Marginal).
	Terminal manifold.LogProber
}

func (r *Reference) sigma() Schedule {
	if r.Sigma == nil {
		return Constant{S: 1}
	}
	return r.Sigma
}

func isEuclidean(m manifold.Manifold) bool {
	_, ok := m.(manifold.Euclidean)
	return ok
}

// Marginal returns the law of X_t under the reference for the grid start
// t0 (the reference starts at time t0 with X_{t0} ~ p₀). Closed forms:
//
//   - Euclidean, no Drift: X_t ~ N(a m₀, (a² v₀ + c) I) with
//     Δν = ν(t) − ν(t0), a = exp(−Δν/(2 OUVariance)) and
//     c = OUVariance (1 − a²) for OU, a = 1 and c = Δν for Brownian motion
//     (m₀ = Start, v₀ = StartVariance).
//   - compact manifold, no Drift, X₀ uniform: the uniform law.
//   - Brownian motion (no Drift) from Start on T^n, S^{d−1}, SO(3) and
//     products of these and R^n: the heat kernel (wrapped normal,
//     manifold.SphereHeat, manifold.IGSO3, their product).
//   - Reference.Terminal when set (returned for every t).
//
// Otherwise it returns ErrNoMarginal.
func (r *Reference) Marginal(t0, t float64) (manifold.LogProber, error) {
	if r.Terminal != nil {
		return r.Terminal, nil
	}
	if r.Drift != nil {
		return nil, fmt.Errorf("%w: reference has a Drift field", ErrNoMarginal)
	}
	d := r.Space.AmbientDim()
	if isEuclidean(r.Space) {
		if r.Start == nil && r.Init != nil {
			return nil, fmt.Errorf("%w: initial law given by Init", ErrNoMarginal)
		}
		a, c := r.ouCoeffs(t0, t)
		g := isoGaussian{mean: make([]float64, d), v: a*a*r.StartVariance + c}
		if r.Start != nil {
			for i, v := range r.Start {
				g.mean[i] = a * v
			}
		}
		return g, nil
	}
	if r.Start == nil {
		if u, ok := r.Init.(manifold.Uniform); ok || r.Init == nil {
			if r.Init == nil {
				var err error
				u, err = manifold.NewUniform(r.Space)
				if err != nil {
					return nil, err
				}
			}
			return u, nil
		}
	}
	if hk, ok := heatKernel(r.Space, r.Start, r.sigma().Integral(t)-r.sigma().Integral(t0)); ok {
		return hk, nil
	}
	return nil, fmt.Errorf("%w: no heat kernel for %T", ErrNoMarginal, r.Space)
}

// ouCoeffs returns the exact transition X_t = a X_s + √c ξ of the reference
// on Euclidean space (a = 1, c = Δν for Brownian motion).
func (r *Reference) ouCoeffs(s, t float64) (a, c float64) {
	sch := r.sigma()
	dnu := sch.Integral(t) - sch.Integral(s)
	if r.OUVariance > 0 {
		// a² = exp(−Δν/OUVariance); 1 − a² by expm1 for accuracy at small Δν.
		a = math.Exp(-dnu / (2 * r.OUVariance))
		c = -r.OUVariance * math.Expm1(-dnu/r.OUVariance)
		return a, c
	}
	return 1, dnu
}

// isoGaussian is N(mean, v I) on R^n.
type isoGaussian struct {
	mean []float64
	v    float64
}

// LogProb returns −|x − m|²/(2v) − (n/2) log(2πv).
func (g isoGaussian) LogProb(x []float64) float64 {
	var s float64
	for i, m := range g.mean {
		d := x[i] - m
		s += d * d
	}
	return -0.5*s/g.v - 0.5*float64(len(g.mean))*math.Log(2*math.Pi*g.v)
}

// Problem is what Simulate integrates: the reference process, the control
// u (nil means u = 0, the reference itself) and the target γ (nil means no
// terminal cost and no path weights).
type Problem struct {
	Reference Reference
	Control   Control
	Target    Target
}

// Default settings.
const (
	// DefaultSteps is the number of uniform steps on [0, 1] used when
	// Settings.Grid is nil.
	DefaultSteps = 100
	// DefaultParticles is the batch size used when Settings.Particles is 0.
	DefaultParticles = 1000
	// DefaultBlock is the number of particles per block (one Control call
	// per block and step).
	DefaultBlock = 256
	// DefaultResidualTol is the largest Manifold.Residual tolerated before a
	// particle is reported as having left the manifold.
	DefaultResidualTol = 1e-8
)

// Settings control a simulation. A nil *Settings means every default.
type Settings struct {
	// Grid is the time grid t₀ < t₁ < … < t_K; nil means
	// UniformGrid(DefaultSteps, 0, 1).
	Grid []float64
	// Particles is the batch size N; 0 means DefaultParticles.
	Particles int
	// Seed determines every random number: particle i draws from its own
	// PCG stream derived from (Seed, i), so results are identical for any
	// GOMAXPROCS, Workers and Block. (After a divergence the partial
	// result and which particle is reported depend on Block: a block stops
	// as a unit at its first divergent step.)
	Seed uint64
	// Workers is the number of goroutines; 0 means runtime.GOMAXPROCS(0).
	Workers int
	// Block is the number of particles per block; 0 means DefaultBlock.
	Block int
	// RecordEvery, when positive, records the batch at steps 0, k, 2k, …
	// and at the last step into Result.Trajectory.
	RecordEvery int
	// ResidualTol is the largest tolerated Residual; 0 means
	// DefaultResidualTol, a negative value disables the check (NaN and Inf
	// are still detected).
	ResidualTol float64
	// CheckEvery, when greater than 1, runs the divergence check (NaN, Inf,
	// Residual) only after every CheckEvery-th step and after the last;
	// 0 or 1 checks after every step. A DivergenceError then names the
	// step at which the divergence was detected, up to CheckEvery − 1
	// steps after it happened.
	CheckEvery int
	// Antithetic pairs particles 2j and 2j+1: they share a random stream
	// and the odd one uses the negated Gaussian draws (a variance
	// reduction; particles are then only pairwise independent).
	Antithetic bool
}

func (s *Settings) withDefaults() Settings {
	var o Settings
	if s != nil {
		o = *s
	}
	if o.Grid == nil {
		o.Grid = UniformGrid(DefaultSteps, 0, 1)
	}
	if o.Particles == 0 {
		o.Particles = DefaultParticles
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Block <= 0 {
		o.Block = DefaultBlock
	}
	if o.ResidualTol == 0 {
		o.ResidualTol = DefaultResidualTol
	}
	if o.CheckEvery < 1 {
		o.CheckEvery = 1
	}
	return o
}

// DivergenceError reports a particle whose state stopped being finite or
// left the manifold by more than Settings.ResidualTol. Simulate returns the
// one of lowest particle index (the report is the same at any GOMAXPROCS)
// together with the partial result.
type DivergenceError struct {
	Step     int     // index k of the step t_k → t_{k+1} that produced the state
	Particle int     // particle index
	Time     float64 // t_{k+1}
	Residual float64 // Manifold.Residual of the state (+Inf when not finite)
	Reason   string  // "not finite", "off manifold" or "weight not finite"
	Count    int     // number of particles found diverged (each block stops at its first divergence)
}

func (e *DivergenceError) Error() string {
	return fmt.Sprintf("controlsde: particle %d diverged at step %d (t = %g): %s (residual %g; %d particles diverged)",
		e.Particle, e.Step, e.Time, e.Reason, e.Residual, e.Count)
}
