//go:build amd64 && !purego

#include "textflag.h"

// func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)
TEXT ·cpuid(SB), NOSPLIT, $0-24
	MOVL eaxArg+0(FP), AX
	MOVL ecxArg+4(FP), CX
	CPUID
	MOVL AX, eax+8(FP)
	MOVL BX, ebx+12(FP)
	MOVL CX, ecx+16(FP)
	MOVL DX, edx+20(FP)
	RET

// func xgetbv0() (eax, edx uint32)
TEXT ·xgetbv0(SB), NOSPLIT, $0-8
	MOVL $0, CX
	XGETBV
	MOVL AX, eax+0(FP)
	MOVL DX, edx+4(FP)
	RET

// func kernelFMA(k int, a []float64, rs, cs int, b []float64, ldb int, c []float64, ldc int)
//
// Y0..Y7 hold the 4×8 tile: row r in Y(2r) (columns 0–3) and Y(2r+1)
// (columns 4–7). Each k step loads the 8 values of a row of b, broadcasts
// the 4 values of a column of a and issues 8 fused multiply-adds.
TEXT ·kernelFMA(SB), NOSPLIT, $0-112
	MOVQ k+0(FP), CX
	MOVQ a_base+8(FP), SI
	MOVQ rs+32(FP), R9
	SHLQ $3, R9
	LEAQ (R9)(R9*2), R10
	MOVQ cs+40(FP), R11
	SHLQ $3, R11
	MOVQ b_base+48(FP), DI
	MOVQ ldb+72(FP), R12
	SHLQ $3, R12
	MOVQ c_base+80(FP), DX
	MOVQ ldc+104(FP), R8
	SHLQ $3, R8
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5
	VXORPD Y6, Y6, Y6
	VXORPD Y7, Y7, Y7

	// Two k steps per iteration, then one more if k is odd.
	MOVQ CX, BX
	SHRQ $1, BX
	JZ   tail

loop2:
	VMOVUPD      (DI), Y8
	VMOVUPD      32(DI), Y9
	VBROADCASTSD (SI), Y10
	VBROADCASTSD (SI)(R9*1), Y11
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (SI)(R9*2), Y12
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (SI)(R10*1), Y13
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R11, SI
	ADDQ         R12, DI
	VMOVUPD      (DI), Y8
	VMOVUPD      32(DI), Y9
	VBROADCASTSD (SI), Y10
	VBROADCASTSD (SI)(R9*1), Y11
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (SI)(R9*2), Y12
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (SI)(R10*1), Y13
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R11, SI
	ADDQ         R12, DI
	DECQ         BX
	JNZ          loop2

tail:
	TESTQ $1, CX
	JZ    store
	VMOVUPD      (DI), Y8
	VMOVUPD      32(DI), Y9
	VBROADCASTSD (SI), Y10
	VBROADCASTSD (SI)(R9*1), Y11
	VFMADD231PD  Y8, Y10, Y0
	VFMADD231PD  Y9, Y10, Y1
	VBROADCASTSD (SI)(R9*2), Y12
	VFMADD231PD  Y8, Y11, Y2
	VFMADD231PD  Y9, Y11, Y3
	VBROADCASTSD (SI)(R10*1), Y13
	VFMADD231PD  Y8, Y12, Y4
	VFMADD231PD  Y9, Y12, Y5
	VFMADD231PD  Y8, Y13, Y6
	VFMADD231PD  Y9, Y13, Y7
	ADDQ         R11, SI
	ADDQ         R12, DI

store:
	VADDPD  (DX), Y0, Y0
	VADDPD  32(DX), Y1, Y1
	VMOVUPD Y0, (DX)
	VMOVUPD Y1, 32(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Y2, Y2
	VADDPD  32(DX), Y3, Y3
	VMOVUPD Y2, (DX)
	VMOVUPD Y3, 32(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Y4, Y4
	VADDPD  32(DX), Y5, Y5
	VMOVUPD Y4, (DX)
	VMOVUPD Y5, 32(DX)
	ADDQ    R8, DX
	VADDPD  (DX), Y6, Y6
	VADDPD  32(DX), Y7, Y7
	VMOVUPD Y6, (DX)
	VMOVUPD Y7, 32(DX)
	VZEROUPPER
	RET

// func siluFMA(x, y, s []float64, c *[20][4]float64)
//
// For the first len(x) rounded down to a multiple of 4 elements:
// s = σ(x) = 1/(1 + e^{−x}), y = x·s. e^a, a = clamp(−x, ±708), is
// 2^k·p(r) with k = round(a·log₂e), r = a − k·ln2 (Cody–Waite, ln2 split
// in two) and p the degree-12 Taylor polynomial of e^r on |r| ≤ ln2/2
// (truncation error < 2e-16 relative). 2^k is built in the exponent bits
// from k + 1023 + 1.5·2⁵². Constant rows of c (each broadcast ×4):
// 0: 708, 1: −708, 2: log₂e, 3: ln2 high, 4: ln2 low, 5: 1.5·2⁵² + 1023,
// 6: 1, 7..19: 1/12!, 1/11!, …, 1/0!.
TEXT ·siluFMA(SB), NOSPLIT, $0-80
	MOVQ x_base+0(FP), SI
	MOVQ x_len+8(FP), CX
	MOVQ y_base+24(FP), DI
	MOVQ s_base+48(FP), DX
	MOVQ c+72(FP), R8
	SHRQ $2, CX
	JZ   siludone
	VMOVUPD 192(R8), Y14 // 1
	VXORPD  Y15, Y15, Y15

siluloop:
	VMOVUPD      (SI), Y0
	VSUBPD       Y0, Y15, Y1
	VMINPD       0(R8), Y1, Y1
	VMAXPD       32(R8), Y1, Y1
	VMULPD       64(R8), Y1, Y2
	VROUNDPD     $0, Y2, Y2
	VMOVAPD      Y1, Y3
	VFNMADD231PD 96(R8), Y2, Y3
	VFNMADD231PD 128(R8), Y2, Y3
	VMOVUPD      224(R8), Y4
	VFMADD213PD  256(R8), Y3, Y4
	VFMADD213PD  288(R8), Y3, Y4
	VFMADD213PD  320(R8), Y3, Y4
	VFMADD213PD  352(R8), Y3, Y4
	VFMADD213PD  384(R8), Y3, Y4
	VFMADD213PD  416(R8), Y3, Y4
	VFMADD213PD  448(R8), Y3, Y4
	VFMADD213PD  480(R8), Y3, Y4
	VFMADD213PD  512(R8), Y3, Y4
	VFMADD213PD  544(R8), Y3, Y4
	VFMADD213PD  576(R8), Y3, Y4
	VFMADD213PD  608(R8), Y3, Y4
	VADDPD       160(R8), Y2, Y5
	VPSLLQ       $52, Y5, Y5
	VMULPD       Y5, Y4, Y4
	VADDPD       Y14, Y4, Y4
	VDIVPD       Y4, Y14, Y6
	VMOVUPD      Y6, (DX)
	VMULPD       Y0, Y6, Y7
	VMOVUPD      Y7, (DI)
	ADDQ         $32, SI
	ADDQ         $32, DI
	ADDQ         $32, DX
	DECQ         CX
	JNZ          siluloop

siludone:
	VZEROUPPER
	RET
