package soc

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/manifold"
)

// Adjoint Sampling on compact manifolds.
//
// The reference is Brownian motion (generator ½σ(t)²Δ) started from the
// uniform law μ on M (a sphere, SO(3), a torus or a product; see
// compactSpace), so p_ref,t = μ for every t and the terminal cost is
// g = log μ − log γ with ∇g = −∇log γ (μ is constant).
//
// # The bridge (exact)
//
// Under the reference the joint law of (X_t, X₁) is
// μ(x_t) p_{τ}(x_t, x₁) with τ = ν(1) − ν(t) and p the heat kernel; p is
// symmetric, so X_t given X₁ is the heat kernel centred at X₁ at time τ,
// drawn exactly (heatBridge): SphereHeat.RandFrom on spheres, X₁·E with
// E ~ IGSO(3)(I, τ) on SO(3) (bi-invariance), wrap(X₁ + √τ ξ) on tori,
// factor by factor on products. Times are drawn from the grid points
// t_0, …, t_{K−1} at which Sample evaluates the control, so only K kernels
// are tabulated, once per training.
//
// # The regression target
//
// L(θ) = (1/B) Σ_b |u_θ(t_b, X_{t_b}) + σ̄_b Γ_b a(X₁^b)|²_g, with
// a = ∇g(X₁) = −∇log γ(X₁) (clipped in Riemannian norm to MaxAdjoint) and
// σ̄_b = √(Δν_k/Δt_k) the root-mean-square σ of the grid step k at
// t_b = t_k (the factor by which the engine multiplies the control in that
// step, so that the controlled drift σ̄u matches −σ̄²∇V; σ̄ = σ for a
// constant schedule) and Γ_b a map T_{X₁}M → T_{X_t}M:
//
//   - T^n: Γ = identity. Exact: the value function is
//     V(t, x) = −log E[e^{−g(x + W_τ)}], so
//     ∇V(t, x) = E*[∇g(X₁) | X_t = x] under the h-transformed (optimal)
//     path law.
//   - SO(3): Γ(V) = V X₁ᵀ X_t (right translation by X₁ᵀX_t, which maps X₁
//     to X_t; it keeps the spatial angular velocity X ω̂ Xᵀ). Exact in the
//     same sense: the reference increment is X₁ = X_t·B with B independent
//     of X_t, and differentiating g(x·B) in x gives
//     ∇_x g(xB) = ∇g(xB) (xB)ᵀ x, so ∇V(t, x) = E*[Γ ∇g(X₁) | X_t = x].
//     (Parallel transport along the geodesic, manifold.SO3.Transport,
//     would only rotate half way, Exp(−ξ/2); it is not used.)
//   - S^{d−1}: Γ = e^{−(d−2)τ/2} × parallel transport along the
//     minimising geodesic X₁ → X_t (manifold.Sphere.Transport). The exact
//     derivative formula (Bismut 1984; Elworthy & Li 1994) on a manifold
//     with Ric = (d−2)g is ∇P_τf(x) = e^{−(d−2)τ/2} E[//_τ⁻¹ ∇f(X_τ)],
//     //_τ the stochastic parallel transport along the Brownian path; the
//     damping factor is kept exactly, and the conditional mean of //_τ⁻¹
//     given the end points is replaced by the geodesic transport, an
//     approximation whose error vanishes as τ → 0. (Without the damping
//     the targets at small t, far from X₁, are too large: on vmf-s2 the
//     adjoint control then gave log Ẑ 0.56 below log Z with ESS/N 0.02.)
//
// The minimiser of L over all controls is u(t, x) = −σ̄ E_π[Γa | X_t = x]
// for the joint law π of (X_t, X₁) the training draws: X₁ from the replay
// buffer (the current control's terminal states, importance-resampled
// towards γ/Z by their exact path weights, see refillManifold) and X_t
// from the exact bridge. When the buffer holds γ/Z, π is the (X_t, X₁) law of the
// reference path measure tilted by e^{−g(X₁)}, whose conditional of X₁
// given X_t is that of the optimal h-transform, so the minimiser is the
// optimal control u* = −σ∇V of the continuous-time reference (exactly on
// T^n and SO(3); the simulated chain is discrete, and on SO(3) its K-step
// random walk is not exactly the heat kernel).
//
// # What is approximate
//
// The fixed point relies on the reference being memoryless (X₀ and X₁
// independent): the controlled process starts from μ, not from the tilted
// initial law μ(x)·E[e^{−g(X₁)} | X₀ = x]/Z, so the terminal law of u* is
// γ/Z only when that initial tilt is constant. From the uniform law this
// holds only approximately, to the extent that the reference mixes over
// [0, 1] (correlations decay like e^{−λ₁ν(1)/2}, λ₁ the first Laplace
// eigenvalue: d − 1 on S^{d−1}, 2 on SO(3) with this metric, 1 on T^n).
// The resampled buffer is γ/Z only up to the self-normalised importance
// error of n = BufferSize paths (it degrades with the ESS). Sample's importance weights
// do not depend on any of this: they are exact for the chain (compactSpace),
// so log Ẑ stays unbiased (in Ẑ) whatever the control; the approximations
// only cost variance (ESS).
type heatBridge struct {
	space   manifold.Manifold
	factors []bridgeFactor
	sd      []float64 // √τ_k
	sigma   []float64 // σ̄_k = √(Δν_k/Δt_k)
	times   []float64 // t_k
}

// bridgeFactor is one factor of the space with its kernels.
type bridgeFactor struct {
	lo, hi int
	space  manifold.Manifold
	sphere []*manifold.SphereHeat // per grid index, started at e₁
	damp   []float64              // per grid index, e^{−(d−2)τ_k/2} (spheres)
	so3    []*manifold.IGSO3      // per grid index, started at I
	tmp    []float64
}

// newHeatBridge tabulates the bridge kernels at times τ_k = ν(1) − ν(t_k)
// for the grid points t_0, …, t_{K−1}.
func newHeatBridge(space manifold.Manifold, sch controlsde.Schedule, grid []float64) (*heatBridge, error) {
	K := len(grid) - 1
	hb := &heatBridge{space: space, sd: make([]float64, K), sigma: make([]float64, K), times: append([]float64(nil), grid[:K]...)}
	tau := make([]float64, K)
	nu1 := sch.Integral(grid[K])
	for k := range K {
		tau[k] = nu1 - sch.Integral(grid[k])
		if !(tau[k] > 0) {
			return nil, fmt.Errorf("%w: bridge time %v at grid point %d", ErrSettings, tau[k], k)
		}
		hb.sd[k] = math.Sqrt(tau[k])
		hb.sigma[k] = math.Sqrt((sch.Integral(grid[k+1]) - sch.Integral(grid[k])) / (grid[k+1] - grid[k]))
	}
	var add func(m manifold.Manifold, lo int) error
	add = func(m manifold.Manifold, lo int) error {
		f := bridgeFactor{lo: lo, hi: lo + m.AmbientDim(), space: m, tmp: make([]float64, 9)}
		switch s := m.(type) {
		case manifold.Product:
			for i, g := range s.Factors() {
				if err := add(g, lo+s.Offset(i)); err != nil {
					return err
				}
			}
			return nil
		case manifold.Sphere:
			pole := make([]float64, s.AmbientDim())
			pole[0] = 1
			f.tmp = make([]float64, s.AmbientDim())
			for _, v := range tau {
				f.damp = append(f.damp, math.Exp(-float64(s.AmbientDim()-2)*v/2))
			}
			var err error
			f.sphere, err = kernelsByTime(tau, func(v float64) (*manifold.SphereHeat, error) { return manifold.NewSphereHeat(pole, v) })
			if err != nil {
				return err
			}
		case manifold.SO3:
			id := []float64{1, 0, 0, 0, 1, 0, 0, 0, 1}
			var err error
			f.so3, err = kernelsByTime(tau, func(v float64) (*manifold.IGSO3, error) { return manifold.NewIGSO3(id, v) })
			if err != nil {
				return err
			}
		case manifold.Torus:
		default:
			return fmt.Errorf("%w: no heat-kernel bridge on %s", ErrSettings, spaceName(m))
		}
		hb.factors = append(hb.factors, f)
		return nil
	}
	if err := add(space, 0); err != nil {
		return nil, err
	}
	return hb, nil
}

// draw writes X_t ~ p_{τ_k}(x1, ·) into xt.
func (hb *heatBridge) draw(xt, x1 []float64, k int, rng *rand.Rand) {
	for i := range hb.factors {
		f := &hb.factors[i]
		dst, src := xt[f.lo:f.hi], x1[f.lo:f.hi]
		switch {
		case f.sphere != nil:
			f.sphere[k].RandFrom(dst, src, rng)
		case f.so3 != nil:
			e := f.tmp[:9]
			f.so3[k].Rand(e, rng)
			manifold.SO3{}.Compose(dst, src, e)
		default: // torus
			for c := range dst {
				dst[c] = manifold.TorusWrap(src[c] + hb.sd[k]*rng.NormFloat64())
			}
		}
	}
}

// transport writes Γ(v) ∈ T_{xt}M for v ∈ T_{x1}M into dst (see
// heatBridge): identity on tori, V X₁ᵀ X_t on SO(3), geodesic parallel
// transport on spheres. dst must not alias v.
func (hb *heatBridge) transport(dst, x1, xt, v []float64, k int) {
	for i := range hb.factors {
		f := &hb.factors[i]
		d, a, b, w := dst[f.lo:f.hi], x1[f.lo:f.hi], xt[f.lo:f.hi], v[f.lo:f.hi]
		switch {
		case f.sphere != nil:
			f.space.Transport(d, a, b, w)
			for c := range d {
				d[c] *= f.damp[k]
			}
		case f.so3 != nil:
			so3RightTranslate(d, a, b, w)
		default:
			copy(d, w)
		}
	}
}

// so3RightTranslate writes V·(X₁ᵀ X_t) into dst (row-major 3×3).
func so3RightTranslate(dst, x1, xt, v []float64) {
	var m [9]float64
	for i := range 3 {
		for j := range 3 {
			m[3*i+j] = x1[i]*xt[j] + x1[3+i]*xt[3+j] + x1[6+i]*xt[6+j]
		}
	}
	for i := range 3 {
		for j := range 3 {
			dst[3*i+j] = v[3*i]*m[j] + v[3*i+1]*m[3+j] + v[3*i+2]*m[6+j]
		}
	}
}

// refillManifold is refill on a compact manifold: n paths of the current
// control under geodesic Euler–Maruyama from the uniform law give X₁ and
// a(X₁) = −∇log γ(X₁), projected onto T_{X₁}M and clipped to MaxAdjoint
// in Riemannian norm (non-finite adjoints are zeroed). The buffer is then
// importance-resampled: rows (X₁, a) are drawn systematically with
// probabilities ∝ w_i, the exact path weights of Sample,
//
//	log w_i = log γ(X₁ⁱ) − Σ_k ½|u_k|²Δt_k − Σ_k u_k·ΔW_k + const
//
// (the constant log Vol(M) of the uniform p_ref,1 drops out), with log γ
// the value GradLogDensity returns, so the resampling costs no energy
// evaluation. The resampled buffer is a self-normalised importance sample
// of γ/Z (consistent as n → ∞) instead of the control's own terminal law:
// a control that mis-weights the modes is then regressed towards the
// optimal one rather than towards itself. This step is not in Havens et
// al. (2025); without it the brief trainings of vmf-s2 and igso3-mix
// reached ESS/N 0.03 and 0.05, with it 0.29 and 0.33 (soc/NOTES.md).
func (tr *trainer) refillManifold() error {
	n, d := tr.s.BufferSize, tr.target.Dim()
	res, err := controlsde.Simulate(controlsde.Problem{Reference: tr.ref, Control: tr.net},
		&controlsde.Settings{Grid: tr.grid, Particles: n, Seed: tr.rng.Uint64(), Workers: tr.s.Workers},
		integrator(tr.space))
	if err != nil {
		return fmt.Errorf("%w: buffer simulation at step %d: %v", ErrDiverged, tr.step, err)
	}
	x := res.X
	adj := make([]float64, n*d)
	lw := make([]float64, n)
	clip := tr.s.MaxAdjoint
	parallelFor(n, tr.s.Workers, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			xi, a := x[i*d:(i+1)*d], adj[i*d:(i+1)*d]
			lg := tr.count.GradLogDensity(a, xi)
			lw[i] = lg - res.RunningCost[i] - res.StochasticCost[i]
			if math.IsNaN(lw[i]) {
				lw[i] = math.Inf(-1)
			}
			tr.space.ProjectTangent(a, xi, a)
			var s float64
			for c := range a {
				a[c] = -a[c]
				s += tr.w[c] * a[c] * a[c]
			}
			if s = math.Sqrt(s); s > clip || math.IsNaN(s) {
				f := clip / s
				if math.IsNaN(s) || math.IsInf(s, 0) {
					f = 0
				}
				for c := range a {
					a[c] *= f
				}
			}
		}
	})
	if math.IsInf(controlsde.LogSumExp(lw), -1) {
		return fmt.Errorf("%w: every buffer weight is zero at step %d", ErrDiverged, tr.step)
	}
	tr.buf, tr.adj = grow(tr.buf, n*d), grow(tr.adj, n*d)
	if !systematic(tr.buf, tr.adj, x, adj, lw, d, tr.rng.Float64()) {
		return fmt.Errorf("%w: the buffer weights are not finite at step %d", ErrDiverged, tr.step)
	}
	return nil
}

// systematic resamples the rows of (x, a) (n rows of d values each) with
// probabilities ∝ exp(lw_i) by systematic resampling with the uniform u
// (systematicIndex) into (dstX, dstA); false when the weights allow none.
func systematic(dstX, dstA, x, a, lw []float64, d int, u float64) bool {
	idx := make([]int, len(lw))
	if !systematicIndex(idx, lw, u) {
		return false
	}
	for j, i := range idx {
		copy(dstX[j*d:(j+1)*d], x[i*d:(i+1)*d])
		copy(dstA[j*d:(j+1)*d], a[i*d:(i+1)*d])
	}
	return true
}

// systematicIndex writes the systematic resampling of n = len(lw) indices
// with probabilities ∝ exp(lw_i) and the uniform u into idx: idx[j] is the
// i whose cumulative-probability interval contains (j + u)/n, so index i
// appears ⌊n p_i⌋ or ⌈n p_i⌉ times (Kitagawa 1996; Douc, Cappé & Moulines
// 2005).
//
// NaN log-weights count as −Inf. It reports false, writing nothing, when no
// weight is positive and finite (all −Inf, or a +Inf), so callers can keep
// their paths instead of collapsing onto one.
func systematicIndex(idx []int, lw []float64, u float64) bool {
	n := len(lw)
	m := math.Inf(-1)
	for _, v := range lw {
		if v > m { // NaN never compares greater
			m = v
		}
	}
	if math.IsInf(m, 0) {
		return false
	}
	var tot float64
	for _, v := range lw {
		if !math.IsNaN(v) {
			tot += math.Exp(v - m)
		}
	}
	m += math.Log(tot)
	var c float64
	j := 0
	for i := range n {
		if !math.IsNaN(lw[i]) {
			c += math.Exp(lw[i] - m)
		}
		for j < n && (float64(j)+u)/float64(n) < c {
			idx[j] = i
			j++
		}
	}
	for ; j < n; j++ { // rounding: the cumulative sum ended just below 1
		idx[j] = n - 1
	}
	return true
}

// manifoldAdjointLoss adds the gradient of the manifold Adjoint Sampling
// loss (see heatBridge)
//
//	L(θ) = (1/B) Σ_b |u_θ(t_b, X_b) + σ̄_b Γ_b a(X₁^b)|²_g,
//	t_b uniform on the grid points t_0 … t_{K−1},
//	X_b ~ heat kernel from X₁^b at time ν(1) − ν(t_b),
//
// to the network gradients and returns L; with metric weights w,
// ∂L/∂u = (2/B) w ⊙ (u − target).
func (tr *trainer) manifoldAdjointLoss() (float64, error) {
	if tr.bridge == nil {
		hb, err := newHeatBridge(tr.space, tr.sch, tr.grid)
		if err != nil {
			return 0, err
		}
		tr.bridge = hb
	}
	if tr.buf == nil || tr.step%tr.s.Refresh == 0 {
		if err := tr.refillManifold(); err != nil {
			return 0, err
		}
	}
	hb := tr.bridge
	K := len(hb.sd)
	B, d := tr.s.Batch, tr.target.Dim()
	tr.t, tr.x = grow(tr.t, B), grow(tr.x, B*d)
	tr.u, tr.du = grow(tr.u, B*d), grow(tr.du, B*d)
	for b := range B {
		i := tr.rng.IntN(tr.s.BufferSize)
		k := tr.rng.IntN(K)
		tr.t[b] = hb.times[k]
		x1, xt := tr.buf[i*d:(i+1)*d], tr.x[b*d:(b+1)*d]
		hb.draw(xt, x1, k, tr.rng)
		tgt := tr.du[b*d : (b+1)*d]
		hb.transport(tgt, x1, xt, tr.adj[i*d:(i+1)*d], k)
		tr.space.ProjectTangent(tgt, xt, tgt) // remove rounding off T_{X_t}M
		for c := range tgt {
			tgt[c] *= -hb.sigma[k] // regression target, replaced below by the residual
		}
	}
	tr.net.Forward(tr.u, tr.t, tr.x)
	var loss float64
	for j, u := range tr.u {
		r := u - tr.du[j]
		w := tr.w[j%d]
		loss += w * r * r
		tr.du[j] = 2 * w * r / float64(B)
	}
	loss /= float64(B)
	tr.net.Backward(tr.du, tr.x, nil)
	return loss, nil
}

// kernelsByTime returns mk(τ) for each τ of tau, building each kernel once
// per distinct time (grids repeat their steps).
func kernelsByTime[K any](tau []float64, mk func(t float64) (K, error)) ([]K, error) {
	cache := map[float64]K{}
	out := make([]K, 0, len(tau))
	for _, v := range tau {
		h, ok := cache[v]
		if !ok {
			var err error
			if h, err = mk(v); err != nil {
				return nil, fmt.Errorf("%w: bridge kernel: %v", ErrSettings, err)
			}
			cache[v] = h
		}
		out = append(out, h)
	}
	return out, nil
}
