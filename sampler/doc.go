// Package sampler holds what every sampler of an unnormalised density
// reports and how it is compared: the Report of a run, energy-evaluation
// budgets, the classical baselines (MALA, AIS, SMC, parallel tempering,
// Monte Carlo Föllmer) and the diagnostics (log Ẑ, ESS/N, mode coverage,
// energy and Sinkhorn distances to exact samples).
//
// # Reports
//
// Every method, learned or classical, returns samples with log importance
// weights (Output) and a Report with the same JSON keys, so results can be
// compared side by side at equal energy-evaluation budgets. FillWeights
// fills the estimates from log-weights with controlsde.Estimate and warns
// when ESS/N < ESSWarnThreshold (0.01), the usual sign of mode collapse.
//
// # Budgets
//
// Counting wraps a target and counts its density and gradient evaluations
// with atomic counters, so a budget means the same thing for every method.
// Each baseline documents its exact count (MALA with N chains and S steps:
// N·(S+1) gradients).
//
// # Baselines
//
// Sample(Problem, *Settings, Method) follows gonum/optimize's shape: a
// Problem (the target and its space), Settings (N, Seed, Workers; nil
// means defaults) and a Method value whose zero fields mean documented
// defaults: MALA, AIS, SMC, PT and Follmer. AIS, SMC and PT share the
// geometric path π_β ∝ p₀^{1−β} γ^β from a normalised reference p₀
// (N(0, σ²I) on R^d, uniform on a compact manifold). On R^d the MCMC moves
// are MALA; on a compact manifold (a target with Space(), such as the
// datasets manifold targets) they are random-walk Metropolis with the
// geodesic proposal Exp_x(√(2h)ξ), symmetric on the isotropic spaces S²,
// T^n and SO(3). Chain or particle i draws from its own PCG stream derived
// from (Seed, i), so results are bit-for-bit identical for any GOMAXPROCS.
// For targets with an exact sampler, AIS and SMC with Reverse > 0 also run
// exact target samples backwards along their temperatures (bidirectional
// Monte Carlo; Grosse, Ghahramani & Adams 2015) for the EUBO, an upper
// bound on log Z in expectation (Report.EUBO; Options.EUBO in
// RunBaseline). RunBaseline runs a baseline by name with its default
// budget and fills every diagnostic that the target allows.
//
// # Diagnostics
//
// ModeStats gives the share of mixture modes holding ≥ 1 % of the
// (weighted) samples within 3 standard deviations (the GMM-40 definition
// of reference/targets.md) and the total-variation error of the mode
// weights. EnergyDistance is the unbiased U-statistic of the squared energy
// distance; Sinkhorn the entropic optimal-transport cost with squared
// Euclidean cost in the log domain. Both use ambient coordinates (on a
// torus they ignore the wrap-around of angles).
package sampler
