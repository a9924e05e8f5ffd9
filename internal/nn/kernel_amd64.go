//go:build amd64 && !purego

package nn

// cpuid executes CPUID with the given EAX and ECX.
//
//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv0 returns XCR0.
func xgetbv0() (eax, edx uint32)

// kernelFMA is the AVX2/FMA micro-kernel: it adds the 4×8 product of the
// packed panels to c, holding the tile in eight 256-bit registers. The
// caller guarantees len(a) ≥ 4k, len(b) ≥ 8k and len(c) ≥ 3·ldc + 8.
//
//go:noescape
func kernelFMA(k int, a, b, c []float64, ldc int)

// hasAVX2FMA reports whether the CPU and OS support AVX2 and FMA
// (Intel SDM vol. 2A, CPUID leaves 1 and 7; XCR0 bits 1–2).
func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if ecx1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv0(); xcr0&6 != 6 {
		return false
	}
	_, ebx7, _, _ := cpuid(7, 0)
	return ebx7&(1<<5) != 0
}

func kernelFMAChecked(k int, a, b, c []float64, ldc int) {
	if k <= 0 {
		return
	}
	_ = a[mr*k-1]
	_ = b[nr*k-1]
	_ = c[3*ldc+nr-1]
	kernelFMA(k, a, b, c, ldc)
}

var (
	kernel     = kernelGo
	kernelName = "go"
	kernels    = map[string]func(k int, a, b, c []float64, ldc int){"go": kernelGo}
)

func init() {
	if hasAVX2FMA() {
		kernel, kernelName = kernelFMAChecked, "avx2fma"
		kernels["avx2fma"] = kernelFMAChecked
	}
}
