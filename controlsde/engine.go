package controlsde

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/geosoc/geosoc/manifold"
)

// Result holds the outcome of Simulate. Batches are N·Dim values back to
// back; per-particle quantities have length N.
type Result struct {
	// X holds the final states X_T.
	X []float64
	// N is the number of particles and Dim the ambient dimension.
	N, Dim int
	// Grid is the time grid used.
	Grid []float64
	// RunningCost[i] = Σ_k ½|u_k|² Δt_k and StochasticCost[i] = Σ_k u_k·ΔW_k
	// along path i (zero without a control).
	RunningCost, StochasticCost []float64
	// TerminalCost[i] = g(X_T) = log p_ref,T(X_T) − log γ(X_T) and
	// LogWeight[i] = −(RunningCost + StochasticCost + TerminalCost); both
	// nil without a target.
	TerminalCost, LogWeight []float64
	// Estimates summarises LogWeight (zero without a target and after a
	// divergence).
	Estimates Estimates
	// Trajectory holds the recorded batches, frame after frame, when
	// Settings.RecordEvery > 0; TrajectoryTimes holds their times.
	Trajectory      []float64
	TrajectoryTimes []float64
}

// Simulate integrates the controlled SDE of p from the grid start to the
// grid end with the given method for a batch of particles, accumulating the
// path costs and, with a target, the log-weights and their estimators.
// A nil settings means every default (see Settings); a nil method means
// EulerMaruyama{}.
//
// The particles are split into blocks of Settings.Block; worker goroutines
// take blocks in turn and advance each block through all the steps, calling
// the control once per block and step. Particle i draws all its noise from
// its own PCG stream derived from (Seed, i), so the result is bit-for-bit
// the same for any number of workers. Nothing is allocated per step.
//
// A particle that stops being finite or leaves the manifold is reported by
// a *DivergenceError, returned with the partial result.
func Simulate(p Problem, settings *Settings, method Method) (*Result, error) {
	s := settings.withDefaults()
	if method == nil {
		method = EulerMaruyama{}
	}
	if p.Reference.Space == nil {
		return nil, fmt.Errorf("%w: Reference.Space is nil", ErrProblem)
	}
	if err := checkGrid(s.Grid); err != nil {
		return nil, err
	}
	if s.Particles < 0 {
		return nil, fmt.Errorf("%w: %d particles", ErrProblem, s.Particles)
	}
	if s.Antithetic && s.Particles%2 != 0 {
		return nil, fmt.Errorf("%w: antithetic sampling needs an even number of particles, got %d", ErrProblem, s.Particles)
	}
	m := p.Reference.Space
	d := m.AmbientDim()
	if p.Reference.Start != nil && len(p.Reference.Start) != d {
		return nil, fmt.Errorf("%w: Start has length %d, want %d", ErrProblem, len(p.Reference.Start), d)
	}
	if p.Reference.Start != nil {
		if r := m.Residual(p.Reference.Start); !(r <= math.Max(s.ResidualTol, manifold.OnManifoldTol)) {
			return nil, fmt.Errorf("%w: Start is off %T by %g", manifold.ErrNotOnManifold, m, r)
		}
	}
	if p.Reference.OUVariance > 0 && !isEuclidean(m) {
		return nil, fmt.Errorf("%w: OU reference drift needs Euclidean space, have %T", ErrProblem, m)
	}
	if p.Reference.StartVariance > 0 && !isEuclidean(m) {
		return nil, fmt.Errorf("%w: StartVariance needs Euclidean space, have %T", ErrProblem, m)
	}
	sch := p.Reference.sigma()
	for k := 1; k < len(s.Grid) && p.Reference.OUVariance <= 0; k++ {
		// A schedule whose integral diverges on the grid (Cosine ending at
		// t = 1) has no Brownian reference there: its noise is infinite.
		// (With an OU/VP drift the process still has a limit law.)
		if dnu := sch.Integral(s.Grid[k]) - sch.Integral(s.Grid[k-1]); math.IsInf(dnu, 0) || math.IsNaN(dnu) {
			return nil, fmt.Errorf("%w: the noise variance ∫σ² over [%g, %g] is %g", ErrProblem, s.Grid[k-1], s.Grid[k], dnu)
		}
	}
	if err := method.prepare(&p); err != nil {
		return nil, err
	}
	e := &engine{p: &p, s: s, method: method, m: m, d: d, n: s.Particles, sch: sch}
	switch m.(type) {
	case manifold.Euclidean:
		e.flat = true
	case manifold.Torus:
		e.flat, e.torus = true, true
	}
	e.setFastFlags()
	if tr, ok := m.(manifold.TangentRander); ok && !e.flat {
		e.noise = tr
	}
	if p.Target != nil {
		t0, t1 := s.Grid[0], s.Grid[len(s.Grid)-1]
		ref, err := p.Reference.Marginal(t0, t1)
		if err != nil {
			return nil, err
		}
		e.refT = ref
	}
	if _, ok := method.(Exact); ok && !isEuclidean(m) {
		dnu := make([]float64, len(s.Grid)-1)
		for k := range dnu {
			dnu[k] = e.sch.Integral(s.Grid[k+1]) - e.sch.Integral(s.Grid[k])
		}
		h, err := newHeatStepper(m, dnu)
		if err != nil {
			return nil, err
		}
		e.heat = h
	}
	return e.run()
}

type engine struct {
	p      *Problem
	s      Settings
	method Method
	m      manifold.Manifold
	d, n   int
	sch    Schedule
	refT   manifold.LogProber
	nu     []float64 // ν(t_k)
	flat   bool      // every ambient vector is tangent (R^n, T^n): skip ProjectTangent
	torus  bool      // the space is manifold.Torus (Exp = wrap(x + v), inlined)
	sphere bool      // the space is manifold.Sphere (fused Brownian step, inlined Residual)
	so3    bool      // the space is manifold.SO3 (inlined Residual)
	heat   heatStepperI
	noise  manifold.TangentRander // standard tangent normals where projection is not (SO(3), products)

	res   *Result
	pcg   []rand.PCG
	frame []int // frame index of each step, −1 if not recorded

	mu     sync.Mutex
	divErr *DivergenceError
}

// splitmix64 is the finaliser of Steele, Lea & Flood (2014), used to derive
// well-separated PCG seeds from (seed, particle).
func splitmix64(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// particleStream returns the PCG of particle stream i for seed.
func particleStream(seed uint64, i int) rand.PCG {
	a := splitmix64(seed ^ splitmix64(uint64(i)))
	b := splitmix64(a ^ 0x6a09e667f3bcc909 ^ uint64(i))
	return *rand.NewPCG(a, b)
}

func (e *engine) run() (*Result, error) {
	n, d, g := e.n, e.d, e.s.Grid
	K := len(g) - 1
	r := &Result{X: make([]float64, n*d), N: n, Dim: d, Grid: g,
		RunningCost: make([]float64, n), StochasticCost: make([]float64, n)}
	if e.p.Target != nil {
		r.TerminalCost = make([]float64, n)
		r.LogWeight = make([]float64, n)
	}
	e.res = r
	e.nu = make([]float64, len(g))
	for k, t := range g {
		e.nu[k] = e.sch.Integral(t)
	}
	e.pcg = make([]rand.PCG, n)
	for i := range e.pcg {
		j := i
		if e.s.Antithetic {
			j = i / 2
		}
		e.pcg[i] = particleStream(e.s.Seed, j)
	}
	e.frame = make([]int, K+1)
	for k := range e.frame {
		e.frame[k] = -1
	}
	if k := e.s.RecordEvery; k > 0 {
		nf := 0
		for s := 0; s <= K; s++ {
			if s%k == 0 || s == K {
				e.frame[s] = nf
				r.TrajectoryTimes = append(r.TrajectoryTimes, g[s])
				nf++
			}
		}
		r.Trajectory = make([]float64, nf*n*d)
	}

	blk := e.s.Block
	nblocks := (n + blk - 1) / blk
	workers := min(e.s.Workers, nblocks)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := e.newWorker()
			for {
				b := int(next.Add(1)) - 1
				if b >= nblocks {
					return
				}
				lo := b * blk
				w.runBlock(lo, min(lo+blk, n))
			}
		}()
	}
	wg.Wait()
	if e.divErr != nil {
		// Partial paths have no meaningful weights: Estimates stays zero.
		return r, e.divErr
	}
	if r.LogWeight != nil {
		r.Estimates = Estimate(r.LogWeight)
	}
	return r, nil
}

// forwardSource is a rand.Source that forwards to the PCG of the particle
// being advanced; switching particles is a pointer assignment.
type forwardSource struct{ cur *rand.PCG }

func (s *forwardSource) Uint64() uint64 { return s.cur.Uint64() }

// worker is the per-goroutine state: its random source and block buffers.
type worker struct {
	e     *engine
	src   forwardSource
	rng   *rand.Rand
	cur   *rand.PCG // the stream of the particle being advanced (= src.cur)
	sign  float64   // −1 for the odd particle of an antithetic pair
	ctrl  Control
	drift Control
	// Block buffers (Block·Dim): control, drift, and Heun's predictor.
	u, b, xp, up, bp, xis []float64
	// Point buffers (Dim), and LieEM's body-frame vectors.
	xi, v, tmp []float64
	body       [4][3]float64
	st         stepInfo
}

func (e *engine) newWorker() *worker {
	bd := e.s.Block * e.d
	w := &worker{e: e, sign: 1,
		u: make([]float64, bd), b: make([]float64, bd),
		xi: make([]float64, e.d), v: make([]float64, e.d), tmp: make([]float64, e.d)}
	w.rng = rand.New(&w.src)
	w.ctrl = fork(e.p.Control)
	w.drift = fork(e.p.Reference.Drift)
	if _, ok := e.method.(Heun); ok {
		w.xp, w.up, w.bp, w.xis = make([]float64, bd), make([]float64, bd), make([]float64, bd), make([]float64, bd)
	}
	return w
}

func fork(c Control) Control {
	if f, ok := c.(Forker); ok {
		return f.Fork()
	}
	return c
}

// use switches the random source to particle i.
func (w *worker) use(i int) {
	w.cur = &w.e.pcg[i]
	w.src.cur = w.cur
	w.sign = 1
	if w.e.s.Antithetic && i%2 == 1 {
		w.sign = -1
	}
}

// normals fills dst with independent standard normals (negated for the
// odd particle of an antithetic pair), drawn from the particle's PCG
// directly: the same values as w.rng.NormFloat64 (see normFloat64).
func (w *worker) normals(dst []float64) {
	for c := range dst {
		dst[c] = w.sign * normFloat64(w.cur)
	}
}

// stepInfo holds the quantities of step k: t = t_k, dt = t_{k+1} − t_k,
// the mean-square noise level sbar = √((ν(t_{k+1}) − ν(t_k))/dt), and the
// exact OU transition X' = a X + √c ξ of the reference.
type stepInfo struct {
	k           int
	t, dt, sqdt float64
	dnu, sbar   float64
	a, c        float64
	ouRate      float64 // Δν/(2 OUVariance dt): OU drift −ouRate·x per unit time
	hasU, hasB  bool
	tNext       float64
}

func (w *worker) runBlock(lo, hi int) {
	e := w.e
	d, g := e.d, e.s.Grid
	x := e.res.X[lo*d : hi*d]
	w.initBlock(x, lo, hi)
	w.record(0, x, lo)
	ref := &e.p.Reference
	for k := 0; k+1 < len(g); k++ {
		// The step lives in the worker: a local passed through the Method
		// interface would escape to the heap once per step.
		w.st = stepInfo{k: k, t: g[k], tNext: g[k+1], dt: g[k+1] - g[k], dnu: e.nu[k+1] - e.nu[k]}
		st := &w.st
		st.sqdt = math.Sqrt(st.dt)
		st.sbar = math.Sqrt(st.dnu / st.dt)
		st.a, st.c = ref.ouCoeffs(g[k], g[k+1])
		if ref.OUVariance > 0 {
			st.ouRate = st.dnu / (2 * ref.OUVariance * st.dt)
		}
		st.hasU = w.ctrl != nil
		st.hasB = w.drift != nil || ref.OUVariance > 0
		e.method.advance(w, x, lo, st)
		if ((k+1)%e.s.CheckEvery == 0 || k+2 == len(g)) && w.check(x, lo, st) {
			return
		}
		w.record(k+1, x, lo)
	}
	if e.p.Target != nil {
		var first *DivergenceError
		count := 0
		for i := lo; i < hi; i++ {
			xi := x[(i-lo)*d : (i-lo+1)*d]
			gT := e.refT.LogProb(xi) - e.p.Target.LogDensity(xi)
			e.res.TerminalCost[i] = gT
			lw := -(e.res.RunningCost[i] + e.res.StochasticCost[i] + gT)
			e.res.LogWeight[i] = lw
			// −Inf is a legitimate zero weight (γ = 0); NaN and +Inf are not.
			if math.IsNaN(lw) || math.IsInf(lw, 1) {
				count++
				if first == nil {
					first = &DivergenceError{Step: len(g) - 2, Particle: i, Time: g[len(g)-1], Residual: e.m.Residual(xi), Reason: "weight not finite"}
				}
			}
		}
		if first != nil {
			w.report(first, count)
		}
	}
}

// report records a divergence found in a block: the engine keeps the one
// of lowest particle index and counts them all.
func (w *worker) report(first *DivergenceError, count int) {
	e := w.e
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.divErr == nil {
		e.divErr = first
	} else if first.Particle < e.divErr.Particle {
		first.Count = e.divErr.Count
		e.divErr = first
	}
	e.divErr.Count += count
}

// initBlock draws X₀ for particles lo…hi−1 from their own streams.
func (w *worker) initBlock(x []float64, lo, hi int) {
	e := w.e
	d := e.d
	ref := &e.p.Reference
	for i := lo; i < hi; i++ {
		xi := x[(i-lo)*d : (i-lo+1)*d]
		w.use(i)
		switch {
		case ref.Start != nil:
			copy(xi, ref.Start)
		case ref.Init != nil:
			ref.Init.Rand(xi, w.rng)
		case isEuclidean(e.m):
			clear(xi)
		default:
			e.m.Rand(xi, w.rng)
		}
		if ref.StartVariance > 0 {
			sd := math.Sqrt(ref.StartVariance)
			for c := range xi {
				xi[c] += sd * w.sign * normFloat64(w.cur)
			}
		}
	}
}

// fields evaluates the control and the reference drift on the block x at
// time t into w.u and w.b (OU drift included).
func (w *worker) fields(u, b, x []float64, t float64, st *stepInfo) {
	if st.hasU {
		w.ctrl.Control(u, t, x)
	}
	if st.hasB {
		if w.drift != nil {
			w.drift.Control(b, t, x)
		} else {
			clear(b)
		}
		if st.ouRate != 0 {
			for c, v := range x {
				b[c] -= st.ouRate * v
			}
		}
	}
}

func (w *worker) record(k int, x []float64, lo int) {
	e := w.e
	f := e.frame[k]
	if f < 0 {
		return
	}
	off := (f*e.n + lo) * e.d
	copy(e.res.Trajectory[off:off+len(x)], x)
}

// check detects divergence after step st.k; it reports and returns true if
// a particle of the block diverged.
func (w *worker) check(x []float64, lo int, st *stepInfo) bool {
	e := w.e
	d := e.d
	tol := e.s.ResidualTol
	if fastPaths && e.flat && !st.hasU {
		// One pass over the block: v − v is 0 for finite v and NaN
		// otherwise, so z == 0 iff every particle is finite, and then the
		// per-particle scan below would find nothing (r = 0, no costs).
		var z float64
		for _, v := range x {
			z += v - v
		}
		if z == 0 {
			return false
		}
	}
	var first *DivergenceError
	count := 0
	for j := 0; j < len(x)/d; j++ {
		i := lo + j
		var r float64
		if e.flat {
			// R^n and T^n (whose Exp wraps): only finiteness can fail, and
			// v − v is 0 exactly for finite v, NaN otherwise.
			var z float64
			for _, v := range x[j*d : (j+1)*d] {
				z += v - v
			}
			if z != 0 || math.IsNaN(z) {
				r = math.Inf(1)
			}
		} else {
			r = e.residual(x[j*d : (j+1)*d])
		}
		reason := ""
		switch {
		case math.IsNaN(r) || math.IsInf(r, 0):
			reason = "not finite"
		case tol >= 0 && r > tol:
			reason = "off manifold"
		case st.hasU && !isFinite(e.res.RunningCost[i]+e.res.StochasticCost[i]):
			reason = "weight not finite"
		}
		if reason == "" {
			continue
		}
		count++
		if first == nil {
			first = &DivergenceError{Step: st.k, Particle: i, Time: st.tNext, Residual: r, Reason: reason}
		}
	}
	if first == nil {
		return false
	}
	w.report(first, count)
	return true
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
