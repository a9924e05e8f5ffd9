package soc

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/manifold"
)

// logVarLoss adds the gradient of the log-variance loss on detached paths
// (Richter, Berner & Liu 2020/2023; Nüsken & Richter 2021; soc.md) to the
// network gradients and returns the loss
//
//	L(θ) = Var_paths(Y),
//	Y = Σ_k [ u_k·v_k Δt_k − ½|u_k|² Δt_k + u_k·ΔW_k ] + g(X_T),
//
// u_k = u_θ(t_k, X_k), over a batch of paths simulated with the current
// control v (detached: no gradient flows through the paths). The paths
// come from controlsde.Simulate with the Exact integrator and
// Settings.RecordEvery = 1, which records every state X_k; the terminal
// cost g(X_T) = log p_ref,1(X_T) − log γ(X_T) is controlsde's
// Result.TerminalCost. The per-step noise is not recorded, and is not
// needed: the Exact step is X_{k+1} = a_k X_k + √c_k (√Δt_k v_k + ξ_k), so
//
//	v_k Δt_k + ΔW_k = √Δt_k (X_{k+1} − a_k X_k)/√c_k =: η_k,
//
// and Y = Σ_k [u_k·η_k − ½|u_k|²Δt_k] + g(X_T) is the log ratio of the
// discrete transition densities of the chain controlled by u_θ and of the
// reference chain (exact for the discrete chain, for the Brownian and the
// VP reference alike) plus the terminal cost. At u_θ = v, Y = −log w of
// controlsde's path weight. The gradient is
//
//	∂L/∂u_k^{(i)} = (2/B)(Y_i − Ȳ)(η_k^{(i)} − u_k^{(i)} Δt_k),
//
// one network forward and backward pass over the K·B stored states.
//
// On a sphere (geodesic Euler–Maruyama, X_{k+1} = Exp_{X_k}(σ̄_k (v_kΔt_k +
// ΔW_k)), σ̄_k = √(Δν_k/Δt_k)) the same quantity is recovered as
// η_k = Log_{X_k}(X_{k+1})/σ̄_k, exact while the step stays inside the
// injectivity radius (|σ̄_k(v_kΔt_k + ΔW_k)| < π, true for any reasonable
// grid). The same holds on SO(3), tori and products (geodesic steps
// exp_X(v) with Log the inverse). Inner products are Riemannian, ⟨u, η⟩ =
// Σ_j w_j u_j η_j with the metric weights w of metricWeights (1 on R^n,
// spheres and tori, ½ on SO(3)), and so is the ambient gradient
// ∂L/∂u_k = (2/B)(Y − Ȳ) w ⊙ (η_k − u_kΔt).
func (tr *trainer) logVarLoss() (float64, error) {
	B, d := tr.s.Batch, tr.target.Dim()
	K := len(tr.grid) - 1
	res, err := controlsde.Simulate(controlsde.Problem{Reference: tr.ref, Control: tr.net, Target: tr.count},
		&controlsde.Settings{Grid: tr.grid, Particles: B, Seed: tr.rng.Uint64(), Workers: tr.s.Workers, RecordEvery: 1},
		integrator(tr.space))
	if err != nil {
		return 0, fmt.Errorf("%w: path simulation at step %d: %v", ErrDiverged, tr.step, err)
	}
	traj := res.Trajectory // K+1 frames of B×d
	R := K * B
	tr.t, tr.u, tr.du = grow(tr.t, R), grow(tr.u, R*d), grow(tr.du, R*d)
	for k := range K {
		for i := range B {
			tr.t[k*B+i] = tr.grid[k]
		}
	}
	x := traj[:R*d]
	tr.net.Forward(tr.u, tr.t, x)
	// η_k, stored in du until the gradient replaces it.
	tr.y = grow(tr.y, B)
	copy(tr.y, res.TerminalCost)
	_, flat := tr.space.(manifold.Euclidean)
	tr.eta = grow(tr.eta, d)
	for k := range K {
		a, c := tr.spec.transition(tr.sch, tr.grid[k], tr.grid[k+1])
		dt := tr.grid[k+1] - tr.grid[k]
		f := math.Sqrt(dt / c)
		if !flat {
			f = 1 / math.Sqrt(c/dt) // η = Log_{X_k}(X_{k+1})/σ̄_k, c = Δν
		}
		for i := range B {
			off := (k*B + i) * d
			if flat {
				for j := range d {
					tr.eta[j] = traj[off+B*d+j] - a*traj[off+j]
				}
			} else {
				tr.space.Log(tr.eta, traj[off:off+d], traj[off+B*d:off+B*d+d])
			}
			var s float64
			for j := off; j < off+d; j++ {
				eta := f * tr.eta[j-off]
				u, w := tr.u[j], tr.w[j-off]
				tr.du[j] = w * (eta - u*dt)
				s += w * (u*eta - 0.5*u*u*dt)
			}
			tr.y[i] += s
		}
	}
	var mean float64
	for _, y := range tr.y {
		mean += y
	}
	mean /= float64(B)
	var loss float64
	for _, y := range tr.y {
		loss += (y - mean) * (y - mean)
	}
	loss /= float64(B)
	for k := range K {
		for i := range B {
			g := 2 * (tr.y[i] - mean) / float64(B)
			off := (k*B + i) * d
			for j := off; j < off+d; j++ {
				tr.du[j] *= g
			}
		}
	}
	tr.net.Backward(tr.du, x, nil)
	return loss, nil
}
