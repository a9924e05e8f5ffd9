//go:build !amd64 || purego

package nn

// kernel is the micro-kernel in use.
var kernel kernelFunc = kernelGo

// kernelStrided reports whether the kernel in use reads unpacked A
// efficiently; the plain Go kernel wants A packed.
var kernelStrided = false

// kernelName names the micro-kernel in use.
var kernelName = "go"

// kernels lists the micro-kernels this machine can run, for tests.
var kernels = map[string]kernelFunc{"go": kernelGo}

// siluVec computes the leading SiLU elements with vector code; none here.
var siluVec = siluVecNone
