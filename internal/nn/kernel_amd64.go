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

// siluFMA writes s = σ(x) and y = x·σ(x) for the first len(x)&^3
// elements with AVX2/FMA (see kernel_amd64.s for the exp evaluation).
// The caller guarantees len(y), len(s) ≥ len(x).
//
//go:noescape
func siluFMA(x, y, s []float64, c *[20][4]float64)

func row4(v float64) [4]float64 { return [4]float64{v, v, v, v} }

// siluConsts are the constants of siluFMA.
var siluConsts = [20][4]float64{
	row4(708), row4(-708), row4(1.4426950408889634),
	row4(6.93147180369123816490e-01), // ln2 high part (math/exp.go Ln2Hi)
	row4(1.90821492927058770002e-10), // ln2 low part (math/exp.go Ln2Lo)
	row4(1.5*(1<<52) + 1023), row4(1),
	row4(1.0 / 479001600), row4(1.0 / 39916800), row4(1.0 / 3628800),
	row4(1.0 / 362880), row4(1.0 / 40320), row4(1.0 / 5040), row4(1.0 / 720),
	row4(1.0 / 120), row4(1.0 / 24), row4(1.0 / 6), row4(0.5), row4(1), row4(1),
}

// siluVecFMA computes s = σ(x), y = x·σ(x) for as many leading elements as
// the vector code handles and returns how many.
func siluVecFMA(x, y, s []float64) int {
	n := len(x) &^ 3
	if n == 0 {
		return 0
	}
	_ = y[n-1]
	_ = s[n-1]
	siluFMA(x[:n], y, s, &siluConsts)
	return n
}

var (
	// kernelStrided reports whether the kernel in use reads unpacked A
	// efficiently; the plain Go kernel wants A packed.
	kernelStrided            = false
	siluVec                  = siluVecNone
	kernel        kernelFunc = kernelGo
	kernelName               = "go"
	kernels                  = map[string]kernelFunc{"go": kernelGo}
)

func init() {
	if hasAVX2FMA() {
		kernel, kernelName, kernelStrided = kernelFMAChecked, "avx2fma", true
		kernels["avx2fma"] = kernelFMAChecked
		siluVec = siluVecFMA
	}
}
