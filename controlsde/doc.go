// Package controlsde simulates controlled stochastic differential equations
// on manifolds and keeps the exact path accounting that turns a simulation
// into an importance sampler: generation as the control of a stochastic
// process.
//
// # The controlled SDE
//
// A Problem holds a Reference process, a Control and a Target:
//
//	dX = [b(t, X) + σ(t) u(t, X)] dt + σ(t) dW,   X₀ ~ p₀,
//
// on a manifold.Manifold, with b the reference drift (zero for Brownian
// motion; −σ(t)²/(2s²)·x for the Ornstein–Uhlenbeck / VP process on R^n
// with stationary law N(0, s²I)), σ a Schedule (Constant, LinearBeta,
// Geometric, Cosine, each with its exact integral ν(t) = ∫₀ᵗ σ²) and u a
// Control, a batched vector field evaluated once per block of particles and
// step. Simulate follows the shape of gonum/optimize: Simulate(problem,
// settings, method), where a nil *Settings means every default and a nil
// Method means EulerMaruyama.
//
// # Integrators
//
// EulerMaruyama steps along geodesics (X' = exp_X(bΔt + σ̄(uΔt + ΔW)));
// ProjectedEM takes an ambient step and projects back; LieEM steps on SO(3)
// by right multiplication R·Exp([ω]×); Heun is the stochastic Heun scheme
// for additive noise on R^n (weak order 2); Exact uses the exact transition
// of the reference (Brownian motion and OU/VP on R^n with the control as a
// mean shift; heat-kernel steps on T^n, S^{d−1}, SO(3) and their products).
// Time grids are uniform, geometric, cosine or given. Every scheme uses the root-mean-square noise
// level σ̄ = √(Δν/Δt) of each step, so the reference noise has its exact
// variance on any grid.
//
// # Path weights
//
// Along each path the engine accumulates the running cost Σ ½|u|²Δt and the
// stochastic term Σ u·ΔW; with a Target γ it adds the terminal cost
// g(X_T) = log p_ref,T(X_T) − log γ(X_T) and forms
//
//	log w = −(Σ ½|u|²Δt + Σ u·ΔW + g(X_T)),
//
// with the estimators log Ẑ (log-mean-exp), ELBO (mean) and ESS/N
// (Estimate), and the forward (EUBO) weights of target samples
// (ForwardLogWeights). On R^n, for Euler steps with b = 0 and for the Exact
// scheme (Brownian or OU/VP reference), the formula is the exact density
// ratio of the discrete chains, so Ẑ is unbiased at any step size; on
// curved manifolds the reference marginal in g is the continuous heat
// kernel, which the Euler chains match only to O(Δt). The Föllmer drift (Follmer, closed form for
// Gaussian-mixture targets) is the optimal control of a Brownian reference
// from 0: with it every continuous path has weight Z. MCFollmer estimates
// it for any target, the training-free baseline.
//
// # Batches and randomness
//
// N particles live in one contiguous []float64. Worker goroutines take
// blocks of particles and advance each block through all the steps; each
// particle owns a PCG stream derived from (Seed, particle), read through a
// per-worker forwarding source, so results are bit-for-bit identical for
// any GOMAXPROCS and nothing is allocated per step. A particle that stops
// being finite or leaves the manifold (Manifold.Residual above the
// tolerance) is reported as a *DivergenceError naming the step and the
// particle.
//
// # Command-line support
//
// ParseSpace turns names such as "s2", "sphere:5", "so3", "torus:4" or
// "r3" into manifolds and ParseMethod names into integrators;
// SimulateBrownian runs Brownian motion and summarises its moments against
// the exact values, for a `geosoc simulate` command to print and to write
// with internal/fileio.
package controlsde
