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
//
// On the compact manifolds the first half of the batch is replaced by a
// systematic resample of itself by the exact path weights w_i
// (resamplePaths), so half the paths come approximately from the optimal
// path measure P* instead of the current control. The log-variance loss
// is a valid objective under any path law (it vanishes only at the
// optimal control, where Y is constant), and the resampled paths visit
// the modes the control under-weights: on vmf-s2 and igso3-mix ESS/N
// went from 0.08 and 0.12 to 0.27 and 0.28 (soc/NOTES.md). Resampling the
// whole batch was worse where the initial weights are degenerate
// (vonmises-t4: ESS/N 0.04). This step is not in Richter & Berner.
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
	term := res.TerminalCost
	if compactSpace(tr.space) {
		traj, term = tr.resamplePaths(traj, term, res.LogWeight)
	}
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
	copy(tr.y, term)
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
	mean, loss := meanVar(tr.y)
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

// resamplePaths replaces the first half of the B simulated paths (frames
// of B×d states, terminal costs) by a systematic resample of that half
// with probabilities ∝ its exact path weights w_i (controlsde's
// LogWeight); the second half stays on-policy. Used on the compact
// manifolds (see logVarLoss). It costs no evaluation.
func (tr *trainer) resamplePaths(traj, term, lw []float64) ([]float64, []float64) {
	B, d := len(term), tr.target.Dim()
	h := B / 2
	if h == 0 {
		return traj, term
	}
	if cap(tr.idx) < h {
		tr.idx = make([]int, h)
	}
	idx := tr.idx[:h]
	if !systematicIndex(idx, lw[:h], tr.rng.Float64()) {
		return traj, term // no usable weights: keep the paths on-policy
	}
	tr.rtraj, tr.rterm = grow(tr.rtraj, len(traj)), grow(tr.rterm, B)
	copy(tr.rtraj, traj)
	copy(tr.rterm, term)
	for k := 0; k < len(traj)/(B*d); k++ {
		f := k * B * d
		for j, i := range idx {
			copy(tr.rtraj[f+j*d:f+(j+1)*d], traj[f+i*d:f+(i+1)*d])
		}
	}
	for j, i := range idx {
		tr.rterm[j] = term[i]
	}
	return tr.rtraj, tr.rterm
}
