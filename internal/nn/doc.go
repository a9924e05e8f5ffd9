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
// it and plain Go otherwise (build tag purego forces plain Go); SiLU has a
// vectorised AVX2/FMA path too. Each product and each activation is split
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
// bit.
//
// # File format
//
// A file is, in order (integers little-endian):
//
//	magic   8 bytes  "GEOSOCNN"
//	hlen    uint32   length of the JSON header, at most MaxHeader
//	header  hlen bytes of JSON (described below)
//	data    float64 values (IEEE 754 binary64, little-endian), the
//	        sections listed in the header one after another
//	crc     uint32   CRC-32 (IEEE polynomial) of every preceding byte
//
// The header names the format ("geosoc-nn") and its version
// (FormatVersion), the kind ("model" or "checkpoint"), the architecture,
// the parameter count, the target the network was trained for, free-form
// training settings, and the sections: "params" always; "adam_m" and
// "adam_v" in checkpoints, which also carry the step counter, the Adam
// settings and the state of the PCG random generator (base64).
// Binary float64 keeps the parameters exact and the files small; the JSON
// header keeps them self-describing (`head -c 4096 file` shows it).
package nn
