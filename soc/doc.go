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
//     control's samples, X_t from the reference bridge (Brownian reference
//     from 0, geometric σ schedule by default).
//   - "logvar": the log-variance loss Var(Y) on detached paths (Richter &
//     Berner; Nüsken & Richter 2021), with the Brownian (PIS) or the VP
//     (DDS) reference; Y is the discrete-chain log likelihood ratio plus
//     g(X₁).
//   - "lrds": learned reference (after Noble et al. 2024, "Learned
//     reference-based diffusion samplers"). A Gaussian mixture q is fitted
//     by EM to annealed-MALA chains on γ (AnnealedMALA; FitMixture for an
//     isotropic mixture, FitProductMixture for the mean-field family
//     Π_i Σ_k w_ik N(m_ik, s_ik²), Settings.Family = "product"), then
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
//     which the transitions are exact.

// # Manifolds
//
// Net projects onto T_xM on any embedded manifold. The log-variance
// objective also trains on spheres S^n, with Brownian motion from the
// uniform law as reference (its marginals stay uniform, also for the
// geodesic random walk, so the path weights are exact for the chain).
// Adjoint Sampling needs the Brownian bridge and runs on R^d only.
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
// integrator on R^d: the weights are exact for the discrete chain) and
// returns a sampler.Output and a sampler.Report (log Ẑ, its standard error,
// ELBO, EUBO where exact target samples exist, ESS/N, evaluation counts,
// times). Save and Load keep a Model in an
// nn.File that records the target, the method, the reference and the
// training settings; Load rejects a model trained for another target
// (ErrTargetMismatch) and corrupt files.
package soc
