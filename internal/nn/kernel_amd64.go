//go:build amd64 && !purego

package nn

// cpuid executes CPUID with the given EAX and ECX.
//
//go:noescape
func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

// xgetbv0 returns XCR0.
func xgetbv0() (eax, edx uint32)

// kernelFMA is the AVX2/FMA micro-kernel: like kernelGo it adds
// Σ_p a[r*rs+p*cs]·b[p*ldb+q] to c[r*ldc+q] for r < 4, q < 8, holding the
// tile in eight 256-bit registers. The caller guarantees k ≥ 1 and that
// the indices are in range.
//
//go:noescape
func kernelFMA(k int, a []float64, rs, cs int, b []float64, ldb int, c []float64, ldc int)

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

func kernelFMAChecked(k int, a []float64, rs, cs int, b []float64, ldb int, c []float64, ldc int) {
	if k <= 0 {
		return
	}
	if rs < 0 || cs < 0 || ldb < nr || ldc < nr {
		panic("nn: bad kernel strides")
	}
	_ = a[3*rs+(k-1)*cs]
	_ = b[(k-1)*ldb+nr-1]
	_ = c[3*ldc+nr-1]
	kernelFMA(k, a, rs, cs, b, ldb, c, ldc)
}

var (
	kernel     kernelFunc = kernelGo
	kernelName            = "go"
	kernels               = map[string]kernelFunc{"go": kernelGo}
)

func init() {
	if hasAVX2FMA() {
		kernel, kernelName = kernelFMAChecked, "avx2fma"
		kernels["avx2fma"] = kernelFMAChecked
	}
}
