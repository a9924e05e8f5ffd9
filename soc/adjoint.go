package soc

import (
	"fmt"
	"math"
	"sync"

	"github.com/geosoc/geosoc/controlsde"
)

// refill simulates the current control from the reference start
// (controlsde.Simulate with the Exact integrator, no gradients) and stores
// the terminal states X₁ and the clipped adjoints
//
//	a(X₁) = ∇g(X₁) = −∇ log γ(X₁) + X₁/ν(1),   |a| ≤ MaxAdjoint,
//
// (g = log N(·; 0, ν(1) I) − log γ, soc.md, Adjoint Sampling) in the
// replay buffer. It costs one gradient evaluation per buffer sample.
func (tr *trainer) refill() error {
	n, d := tr.s.BufferSize, tr.target.Dim()
	res, err := controlsde.Simulate(controlsde.Problem{Reference: tr.ref, Control: tr.net},
		&controlsde.Settings{Grid: tr.grid, Particles: n, Seed: tr.rng.Uint64(), Workers: tr.s.Workers},
		controlsde.Exact{})
	if err != nil {
		return fmt.Errorf("%w: buffer simulation at step %d: %v", ErrDiverged, tr.step, err)
	}
	tr.buf = res.X
	tr.adj = grow(tr.adj, n*d)
	nu1 := tr.sch.Integral(1) - tr.sch.Integral(0)
	clip := tr.s.MaxAdjoint
	parallelFor(n, tr.s.Workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x, a := tr.buf[i*d:(i+1)*d], tr.adj[i*d:(i+1)*d]
			tr.count.GradLogDensity(a, x)
			var s float64
			for c := range a {
				a[c] = -a[c] + x[c]/nu1
				s += a[c] * a[c]
			}
			if s = math.Sqrt(s); s > clip || math.IsNaN(s) {
				f := clip / s
				if math.IsNaN(s) || math.IsInf(s, 0) {
					f = 0 // a non-finite gradient carries no information
				}
				for c := range a {
					a[c] *= f
				}
			}
		}
	})
	return nil
}

// adjointLoss adds the gradient of the Adjoint Sampling loss (Havens et
// al. 2025, "Adjoint Sampling: highly scalable diffusion samplers via
// adjoint matching", reciprocal adjoint matching; soc.md)
//
//	L(θ) = (1/B) Σ_b ‖u_θ(t_b, X_{t_b}) + σ(t_b) a(X₁^b)‖²,
//
// to the network gradients and returns L. X₁^b is drawn uniformly from the
// replay buffer (refilled every Refresh steps), t_b ~ U[0, 1) and X_t from
// the Brownian bridge of the reference between 0 and X₁,
//
//	X_t ~ N( ν(t)/ν(1) · X₁,  ν(t)(ν(1) − ν(t))/ν(1) · I ),
//
// so no backpropagation through the SDE solver is needed; ∂L/∂u =
// 2(u + σa)/B.
//
// On a compact manifold it is manifoldAdjointLoss (heat-kernel bridge).
func (tr *trainer) adjointLoss() (float64, error) {
	if compactSpace(tr.space) {
		return tr.manifoldAdjointLoss()
	}
	if tr.buf == nil || tr.step%tr.s.Refresh == 0 {
		if err := tr.refill(); err != nil {
			return 0, err
		}
	}
	B, d := tr.s.Batch, tr.target.Dim()
	tr.t, tr.x = grow(tr.t, B), grow(tr.x, B*d)
	tr.u, tr.du = grow(tr.u, B*d), grow(tr.du, B*d)
	nu0 := tr.sch.Integral(0)
	nu1 := tr.sch.Integral(1) - nu0
	for b := range B {
		i := tr.rng.IntN(tr.s.BufferSize)
		t := tr.rng.Float64()
		nt := tr.sch.Integral(t) - nu0
		mean, sd := nt/nu1, math.Sqrt(math.Max(0, nt*(nu1-nt)/nu1))
		tr.t[b] = t
		x1 := tr.buf[i*d : (i+1)*d]
		sg := tr.sch.Sigma(t)
		a := tr.adj[i*d : (i+1)*d]
		for c := range d {
			tr.x[b*d+c] = mean*x1[c] + sd*tr.rng.NormFloat64()
			tr.du[b*d+c] = -sg * a[c] // regression target, replaced below by the residual
		}
	}
	tr.net.Forward(tr.u, tr.t, tr.x)
	var loss float64
	for j, u := range tr.u {
		r := u - tr.du[j]
		loss += r * r
		tr.du[j] = 2 * r / float64(B)
	}
	loss /= float64(B)
	tr.net.Backward(tr.du, tr.x, nil)
	return loss, nil
}

// parallelFor runs f over [0, n) split into contiguous ranges on up to
// workers goroutines; f must write only to its own range.
func parallelFor(n, workers int, f func(lo, hi int)) {
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(n*w/workers, n*(w+1)/workers)
		}()
	}
	wg.Wait()
}
