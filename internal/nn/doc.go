// Package nn provides small neural networks with hand-written backward
// passes for training controls u_θ(t, x) of stochastic-optimal-control
// samplers on the CPU: dense layers, activations, a time-embedded MLP, the
// Adam optimiser with learning-rate schedules, and model/checkpoint files.
//
// # Layout
//
// A batch of n vectors of dimension d is n×d contiguous float64, row i
// holding vector i (batch-major). A Sequential network keeps all its
// parameters in one flat []float64 and the gradients in another of the
// same layout, so optimisers and files work on flat slices. Dense layers
// store W (in×out, row-major) then b. Forward and Backward write into
// buffers owned by the network or the caller and do not allocate once the
// buffers for a batch size exist.
//
// # Gradients
//
// Backward takes ∂L/∂y for a scalar loss L of the outputs, adds ∂L/∂θ to
// the gradient vector (call ZeroGrad between steps) and can return ∂L/∂x,
// which is also the vector-Jacobian product dyᵀ·∂u/∂x; VJP computes that
// product alone, leaving the parameter gradients unchanged.
//
// # Kernels and parallelism
//
// Matrix products go through Gemm, a packed, register-blocked product
// (BLIS scheme) whose micro-kernel is AVX2/FMA assembly where the CPU has
// it and plain Go otherwise. Each product and each activation is split
// across the workers of an Exec over disjoint output elements, and every
// output element is summed in a fixed order, so results are bit-identical
// for any number of workers (on one machine: the FMA and plain kernels
// round differently).
//
// # Time embedding
//
// MLP takes the pair (t, x) and feeds concat(x, embed(t)) to its first
// layer, embed(t) = [sin(ω_k t)]_k ++ [cos(ω_k t)]_k with ω_k geometric
// between OmegaMin and OmegaMax (see MLP).
//
// # Optimisation
//
// Adam implements Kingma & Ba (2015) with bias correction and optional
// decoupled weight decay (AdamW); ClipGradNorm clips by global norm;
// Schedule gives constant, linear warm-up and cosine learning rates.
//
// # Files
//
// Save writes a model or checkpoint atomically; Load and Decode validate
// everything (signature, version, checksum, architecture, parameter count,
// finiteness) and return errors, never panic. A checkpoint holds the
// parameters, the Adam state, the step counter and the PCG generator
// state, so that a resumed training equals an uninterrupted one bit for
// bit. The format is described in file.go.
package nn
