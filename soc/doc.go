// Package soc trains neural controls for stochastic-optimal-control
// samplers of an unnormalised density γ = e^{−E} and samples with them
// (soc.md, in the shared reference).
//
// # Problem
//
// A reference process dX = b dt + σ(t) dW on [0, 1] (Brownian motion from
// 0, or the VP/OU process from its stationary law N(0, V I)) is steered by
// a control u: dX = (b + σu) dt + σ dW. With the terminal cost
// g = log p_ref,1 − log γ, the optimal control u* makes X₁ ~ γ/Z and gives
// every path the weight Z. Net is the control u_θ(t, x): a time-embedded
// MLP (internal/nn) whose output is projected onto T_xM, optionally plus a
// learned gate times the clipped target gradient (Settings.GradTerm, as in
// PIS) and a fixed base control (lrds).
//
// # Objectives
//
// Train fits u_θ by one of the objectives below; none backpropagates
// through the SDE solver.
//
//   - "adjoint": Adjoint Sampling (Havens et al. 2025): regression of
//     u_θ(t, X_t) onto −σ(t)∇g(X₁), X₁ from a replay buffer of the current
//     control's samples, X_t from the reference bridge (on R^d Brownian
//     reference from 0, geometric σ schedule by default; on compact
//     manifolds the heat-kernel bridge, see Manifolds).
//   - "logvar": the log-variance loss Var(Y) on detached paths (Richter &
//     Berner; Nüsken & Richter 2021), with the Brownian (PIS) or the VP
//     (DDS) reference; Y is the discrete-chain log likelihood ratio plus
//     g(X₁).
//   - "lrds": learned reference (after Noble et al. 2024, "Learned
//     reference-based diffusion samplers"). A Gaussian mixture q is fitted
//     by EM to annealed-MALA chains on γ (AnnealedMALA; FitMixture for an
//     isotropic mixture, FitDiagonalMixture for Σ_k w_k N(m_k, diag(s_k²)),
//     Settings.Family = "diagonal", FitProductMixture for the mean-field
//     family Π_i Σ_k w_ik N(m_ik, s_ik²), Settings.Family = "product"), then
//     optionally improved by tempered mixture population Monte Carlo
//     (RefineMixture, Settings.RefineRounds), which corrects the mode
//     weights that chains without mode hopping get wrong. The base process
//     is the Föllmer process of q (the Brownian reference from 0
//     h-transformed to end exactly in q), sampled exactly on the grid: its
//     transitions are Gaussian mixtures in closed form, so the chain has
//     no discretisation error and, with the control switched off, its
//     path weights are the importance weights γ/q of X₁. The control
//     shifts each step, X_{k+1} = Z_{k+1} + Δt u_θ(t_k, X_k), and is
//     trained with the log-variance loss on the exact chain weights. This
//     replaces the VP noising of the paper by the Brownian h-transform, for
//     which the transitions are exact. On tori the chain runs on the cover
//     (see # Manifolds).

// # Manifolds
//
// Net projects onto T_xM on any embedded manifold. logvar and adjoint also
// train on the compact spaces: spheres S^{d−1}, SO(3), tori T^n and
// products of these (Settings.Space, or the target's Space method, as for
// the datasets targets vmf-s2, igso3-mix and vonmises-t4). The reference
// is Brownian motion from the uniform law μ, integrated by geodesic
// Euler–Maruyama (on SO(3) the Lie-group step R·Exp([ω]×), on T^n the
// wrapped Gaussian step). μ is invariant under that step on each of these
// spaces (Haar measure is right-invariant on the compact Lie groups T^n
// and SO(3); the step kernel of the two-point homogeneous S^{d−1} depends
// only on the distance, hence is symmetric; products factor), so
// p_ref,t = μ for the discrete chain and the path weights of Sample are
// exact: log Ẑ is unbiased in Ẑ at any step size. Inner products use the
// Riemannian metric (½ tr(UᵀV) on SO(3)), and torus angles enter the
// network as (cos, sin), so the control is continuous across −π ≡ π.
//
// Adjoint Sampling there draws X₁ from a replay buffer of the control's
// terminal states importance-resampled by their exact path weights
// (towards γ/Z; an addition to Havens et al. that corrects mode weights),
// X_t given X₁ exactly from the heat kernel centred at X₁ at time
// ν(1) − ν(t) (the reference bridge from the uniform law) at the grid
// times, and regresses u_θ(t, X_t) onto
// −σ̄·Γ∇g(X₁) (σ̄ the root-mean-square σ of the grid step), ∇g = −∇log γ,
// with Γ the identity on T^n and the right
// translation V ↦ V X₁ᵀX_t on SO(3) (both exact for the continuous-time
// reference: ∇ of the value function is the conditional mean of
// Γ∇g(X₁)) and parallel transport along the
// geodesic times the Ricci damping e^{−(d−2)τ/2} on S^{d−1} (an
// approximation of the damped stochastic parallel transport of the exact
// Bismut formula). The fixed point is the optimal control only when the
// reference is memoryless, which from the uniform law holds only to the
// extent that it mixes over [0, 1]; the weights, and so log Ẑ, are exact
// regardless (see heatBridge). On these spaces logvar also trains half of
// each batch on paths resampled by their exact weights,
// which corrects the mode weights the on-policy paths get wrong.
//
// lrds runs on R^d, on tori T^n, on spheres S^{D−1}, on SO(3) and on
// products of the last three. Off R^d
// its chain runs on R^D and a map π carries it to the space: on T^n the
// wrapping of the universal cover R^n (terminal law the wrapped mixture
// q(x) = Σ_m q̃(x + 2πm)), on S^{D−1} the radial projection y/|y| (the
// projected-normal mixture, q(u) = ∫₀^∞ r^{D−1} q̃(ru) dr in closed form),
// on SO(3) the rotation of the unit quaternion y/|y| ∈ S³ (q(R) =
// (q_{S³}(u) + q_{S³}(−u))/8). With the extension γ̃(y) = γ(π y) q̃(y)/q(π y)
// of the target, which has the same Z, the path weights stay exact and
// their terminal term is γ(x)/q(x) (see cover.go). Products of tori,
// spheres and SO(3) are covered factor by factor. On spheres, SO(3) and
// products the reference is fitted to SMC samples on the manifold; spheres
// and SO(3) use the isotropic family, products the isotropic or the
// diagonal one (variances shared within each sphere and SO(3) factor).
//
// # Training
//
// Adam with global-norm clipping and a cosine learning-rate schedule
// (internal/nn). Every target evaluation goes through sampler.Counting.
// Training is deterministic given Settings.Seed and independent of the
// number of workers (GOMAXPROCS), and checkpoints (parameters, Adam state,
// step, PCG state) resume bit for bit.
//
// # Sampling and files
//
// Sample simulates the learned control with controlsde.Simulate (Exact
// integrator on R^d, geodesic Euler–Maruyama on the compact manifolds: the
// weights are exact for the discrete chain in both cases) and
// returns a sampler.Output and a sampler.Report (log Ẑ, its standard error,
// ELBO, EUBO where exact target samples exist, ESS/N, evaluation counts,
// times). Save and Load keep a Model in an
// nn.File that records the target, the method, the reference and the
// training settings; Load rejects a model trained for another target
// (ErrTargetMismatch) and corrupt files.
package soc
