// Package datasets provides the benchmark targets of geosoc on Euclidean
// space and for particle systems, exactly as defined in
// reference/targets.md, and a reader for the NumPy .npy reference samples.
//
// # Targets
//
// A Target is an unnormalised Boltzmann density γ(x) = exp(−E(x)) on R^d:
// LogDensity returns log γ(x), GradLogDensity writes ∇ log γ(x) into a
// caller buffer and returns log γ(x), and LogZ returns the exact log
// normalising constant where it is known. Targets are immutable, safe for
// concurrent use and allocate nothing per evaluation.
//
// The registered targets, by command-line name (see Lookup, Names, Table):
//
//	gmm40       2-D mixture of 40 Gaussians, s = softplus(1)       log Z = 0
//	funnel10    Neal's funnel, d = 10                              log Z = 0
//	manywell32  16 double-well blocks, 2¹⁶ modes                   log Z = 164.69568
//	mw5         Σ(x_i² − 4)², d = 5, 32 modes                      log Z = −0.541056
//	twomodes    (2/3)N(−1, 0.05I) + (1/3)N(1, 0.05I), d = 5        log Z = 0
//	manymodes   16 modes in d = 8, weights ∝ 3^{k/15}              log Z = 0
//	dw4         4 particles in 2-D, double-well pair potential    log Z unknown
//	lj13        13 particles in 3-D, Lennard-Jones + centre term   log Z unknown
//
// Constructors give the families behind them: NewGaussianMixture,
// NewManyModes (other n and seeds), NewFunnel, NewManyWell, NewQuarticWell,
// NewDoubleWellParticles and NewLennardJones (LJ-55 is NewLennardJones(55)).
// The ManyModes means are not published by the LRDS paper; they are drawn
// here with the fixed seed ManyModesSeed.
//
// # Exact samples
//
// Targets with a known log Z also implement Sampler. The Gaussian mixtures
// and the funnel are sampled exactly; Many-Well and MW-5 factorise into 1-D
// laws drawn by inversion of a CDF tabulated by Simpson's rule on a grid of
// step 1e−4, whose Kolmogorov distance to the exact 1-D law is below 1e−8.
// The mixtures also implement Mixture (component means and weights) for
// mode coverage metrics.
//
// # Particle systems
//
// DW-4 and LJ-13 points are n particles × D coordinates, flattened particle
// by particle. Their energies are invariant under rotations, reflections,
// translations and permutations of particles, so Z is infinite and LogZ
// reports it unknown; reference samples are the iDEM test splits, read with
// ReadNPYFile.
//
// # NumPy files
//
// ReadNPY and ReadNPYFile read little-endian float32 or float64 arrays in C
// order from .npy files (versions 1.0–3.0), with a hand-written parser of
// the header dict. Anything else is rejected with an error wrapping ErrNPY
// that names the input and the header byte at fault; header lengths and
// shapes are checked against fixed limits (and the file size) before
// anything is allocated from them.
//
// # Errors
//
// Slices of the wrong length are programmer errors and panic with a message
// prefixed "datasets: ". Unknown target names give an error wrapping
// ErrUnknownTarget that lists the valid names.
package datasets
