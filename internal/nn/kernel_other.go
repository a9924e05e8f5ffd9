//go:build !amd64 || purego

package nn

// kernel is the micro-kernel in use.
var kernel = kernelGo

// kernelName names the micro-kernel in use.
var kernelName = "go"

// kernels lists the micro-kernels this machine can run, for tests.
var kernels = map[string]func(k int, a, b, c []float64, ldc int){"go": kernelGo}
