// Package sampler holds what every sampler of an unnormalised density
// reports and how it is compared: the Report of a run, energy-evaluation
// budgets, and (in later files) the classical baselines and diagnostics.
//
// # Reports
//
// Every method, learned or classical, returns samples with log importance
// weights and a Report with the same JSON keys, so results can be compared
// side by side at equal energy-evaluation budgets.
//
// # Budgets
//
// Counting wraps a target and counts its density and gradient evaluations
// with per-goroutine-safe atomic counters, so a budget means the same thing
// for every method.
package sampler
