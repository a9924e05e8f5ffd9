package nn

// Dense matrix products, written for the shapes of small networks
// (dimensions up to a few hundred) in row-major order.
//
// Gemm follows the BLIS/GotoBLAS scheme (Goto & van de Geijn, "Anatomy of
// high-performance matrix multiplication", ACM TOMS 34(3), 2008): B is
// packed into column panels of width nr for a block of kc rows, A into row
// panels of height mr, and a register-blocked micro-kernel adds the mr×nr
// product of two panels to C. The packing absorbs the transposes, so one
// kernel serves Y = XW, ∂X = ∂Y Wᵀ and ∂W += Xᵀ∂Y.

const (
	mr = 4   // micro-kernel rows
	nr = 8   // micro-kernel columns
	kc = 256 // k-block length
)

// Gemm adds op(A)·op(B) to C, where op(A) is m×k, op(B) is k×n and C is
// m×n, all row-major with leading dimensions lda, ldb and ldc; op(X) is Xᵀ
// when the trans flag is set. Each element of C is computed by one worker
// as C_ij + Σ_{k-blocks} (Σ_{p in block} A_ip B_pj), the block sums in
// increasing p, so the result does not depend on e.Workers().
func Gemm(e *Exec, transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic("nn: negative Gemm dimension")
	}
	if m == 0 || n == 0 || k == 0 {
		return
	}
	checkMat := func(s []float64, rows, cols, ld int) {
		if ld < cols || len(s) < (rows-1)*ld+cols {
			panic("nn: Gemm matrix too short")
		}
	}
	if transA {
		checkMat(a, k, m, lda)
	} else {
		checkMat(a, m, k, lda)
	}
	if transB {
		checkMat(b, n, k, ldb)
	} else {
		checkMat(b, k, n, ldb)
	}
	checkMat(c, m, n, ldc)

	np := (n + nr - 1) / nr
	mp := (m + mr - 1) / mr
	kb := min(k, kc)
	e.bpack = grow(e.bpack, np*nr*kb)
	if len(e.apack) < e.workers {
		e.apack = append(e.apack, make([][]float64, e.workers-len(e.apack))...)
	}
	if len(e.tiles) < e.workers {
		e.tiles = make([][mr * nr]float64, e.workers)
	}
	for w := range e.apack[:e.workers] {
		e.apack[w] = grow(e.apack[w], mr*kb)
	}
	j := &e.gj
	// With enough column panels each worker packs and uses its own
	// panels of B; otherwise B is packed up front and the workers share
	// the row panels. Either way each element of C is computed the same.
	byCols := np >= 2*e.workers
	*j = gemmJob{e: e, transA: transA, transB: transB, byCols: byCols, m: m, n: n, mp: mp, np: np, a: a, lda: lda, b: b, ldb: ldb, c: c, ldc: ldc}
	for p0 := 0; p0 < k; p0 += kc {
		kl := min(kc, k-p0)
		j.p0, j.kl = p0, kl
		if byCols {
			e.parallel(j, np, 1)
			continue
		}
		packB(e.bpack, transB, b, ldb, p0, kl, n, 0, np)
		e.parallel(j, mp, 2)
	}
	j.a, j.b, j.c = nil, nil, nil
}

// packTransA selects packing for transposed A (row panels of Aᵀ are
// columns of A, a whole row of A apart per step).
const packTransA = false

type gemmJob struct {
	e              *Exec
	transA, transB bool
	byCols         bool
	m, n           int
	mp, np         int
	a              []float64
	lda            int
	b              []float64
	ldb            int
	c              []float64
	ldc            int
	p0, kl         int
}

// run computes, for the current k-block, the row panels [lo, hi) of C or,
// if j.byCols, the column panels [lo, hi), packing them first. Full row
// panels of A are read in place through strides, partial ones packed.
func (j *gemmJob) run(w, lo, hi int) {
	ap := j.e.apack[w][:mr*j.kl]
	tile := &j.e.tiles[w]
	ilo, ihi, jlo, jhi := lo, hi, 0, j.np
	if j.byCols {
		ilo, ihi, jlo, jhi = 0, j.mp, lo, hi
		packB(j.e.bpack, j.transB, j.b, j.ldb, j.p0, j.kl, j.n, lo, hi)
	}
	for ip := ilo; ip < ihi; ip++ {
		i0 := ip * mr
		mi := min(mr, j.m-i0)
		var a []float64
		var rs, cs int
		switch {
		case mi < mr || (j.transA && packTransA) || !kernelStrided:
			packA(ap, j.transA, j.a, j.lda, i0, mi, j.p0, j.kl)
			a, rs, cs = ap, 1, mr
		case j.transA:
			a, rs, cs = j.a[j.p0*j.lda+i0:], 1, j.lda
		default:
			a, rs, cs = j.a[i0*j.lda+j.p0:], j.lda, 1
		}
		for jp := jlo; jp < jhi; jp++ {
			j0 := jp * nr
			nj := min(nr, j.n-j0)
			b, ldb := j.e.bpack[jp*nr*j.kl:(jp+1)*nr*j.kl], nr
			if mi == mr && nj == nr {
				kernel(j.kl, a, rs, cs, b, ldb, j.c[i0*j.ldc+j0:], j.ldc)
				continue
			}
			*tile = [mr * nr]float64{}
			kernel(j.kl, a, rs, cs, b, ldb, tile[:], nr)
			for r := range mi {
				crow := j.c[(i0+r)*j.ldc+j0 : (i0+r)*j.ldc+j0+nj]
				for q := range crow {
					crow[q] += tile[r*nr+q]
				}
			}
		}
	}
}

// packA writes rows i0..i0+mi of op(A), columns p0..p0+kl, into ap as
// ap[p*mr+r] = op(A)[i0+r, p0+p], padding missing rows with zeros.
func packA(ap []float64, trans bool, a []float64, lda, i0, mi, p0, kl int) {
	if trans {
		for p := range kl {
			src := a[(p0+p)*lda+i0 : (p0+p)*lda+i0+mi]
			dst := ap[p*mr : p*mr+mr]
			copy(dst, src)
			clear(dst[mi:])
		}
		return
	}
	if mi == mr {
		r0 := a[i0*lda+p0 : i0*lda+p0+kl]
		r1 := a[(i0+1)*lda+p0 : (i0+1)*lda+p0+kl]
		r2 := a[(i0+2)*lda+p0 : (i0+2)*lda+p0+kl]
		r3 := a[(i0+3)*lda+p0 : (i0+3)*lda+p0+kl]
		ap = ap[:mr*kl]
		for p := range kl {
			d := ap[p*mr : p*mr+4 : p*mr+4]
			d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
		}
		return
	}
	for p := range kl {
		for r := range mr {
			v := 0.0
			if r < mi {
				v = a[(i0+r)*lda+p0+p]
			}
			ap[p*mr+r] = v
		}
	}
}

// packB writes rows p0..p0+kl of op(B) into the column panels jlo..jhi-1
// of width nr: bp[jp*nr*kl + p*nr + q] = op(B)[p0+p, jp*nr+q], zero past
// column n.
func packB(bp []float64, trans bool, b []float64, ldb, p0, kl, n, jlo, jhi int) {
	for jp := jlo; jp < jhi; jp++ {
		j0 := jp * nr
		nj := min(nr, n-j0)
		panel := bp[jp*nr*kl : (jp+1)*nr*kl]
		if !trans {
			for p := range kl {
				dst := panel[p*nr : p*nr+nr]
				copy(dst, b[(p0+p)*ldb+j0:(p0+p)*ldb+j0+nj])
				clear(dst[nj:])
			}
			continue
		}
		for q := range nr {
			if q >= nj {
				for p := range kl {
					panel[p*nr+q] = 0
				}
				continue
			}
			src := b[(j0+q)*ldb+p0 : (j0+q)*ldb+p0+kl]
			for p, v := range src {
				panel[p*nr+q] = v
			}
		}
	}
}

// kernelGo adds the mr×nr product of a and b to c:
// c[r*ldc+q] += Σ_p a[r*rs+p*cs]·b[p*ldb+q]. It works on 4×2 sub-blocks so
// the eight accumulators stay in registers.
func kernelGo(k int, a []float64, rs, cs int, b []float64, ldb int, c []float64, ldc int) {
	if k <= 0 {
		return
	}
	_ = a[3*rs+(k-1)*cs]
	_ = b[(k-1)*ldb+nr-1]
	_ = c[3*ldc+nr-1]
	if rs == 1 && cs == mr && ldb == nr {
		kernelGoPacked(k, a, b, c, ldc)
		return
	}
	for q := 0; q < nr; q += 2 {
		var c00, c01, c10, c11, c20, c21, c30, c31 float64
		for p := range k {
			o := p * cs
			a0, a1, a2, a3 := a[o], a[o+rs], a[o+2*rs], a[o+3*rs]
			bv := b[p*ldb+q : p*ldb+q+2 : p*ldb+q+2]
			b0, b1 := bv[0], bv[1]
			c00 += a0 * b0
			c01 += a0 * b1
			c10 += a1 * b0
			c11 += a1 * b1
			c20 += a2 * b0
			c21 += a2 * b1
			c30 += a3 * b0
			c31 += a3 * b1
		}
		c[q] += c00
		c[q+1] += c01
		c[ldc+q] += c10
		c[ldc+q+1] += c11
		c[2*ldc+q] += c20
		c[2*ldc+q+1] += c21
		c[3*ldc+q] += c30
		c[3*ldc+q+1] += c31
	}
}

// kernelGoPacked is kernelGo for packed panels (rs = 1, cs = mr,
// ldb = nr), where slicing hoists the bounds checks out of the loop.
func kernelGoPacked(k int, a, b, c []float64, ldc int) {
	a = a[:k*mr]
	b = b[:k*nr]
	for q := 0; q < nr; q += 2 {
		var c00, c01, c10, c11, c20, c21, c30, c31 float64
		for p := range k {
			av := a[p*mr : p*mr+4 : p*mr+4]
			bv := b[p*nr+q : p*nr+q+2 : p*nr+q+2]
			a0, a1, a2, a3 := av[0], av[1], av[2], av[3]
			b0, b1 := bv[0], bv[1]
			c00 += a0 * b0
			c01 += a0 * b1
			c10 += a1 * b0
			c11 += a1 * b1
			c20 += a2 * b0
			c21 += a2 * b1
			c30 += a3 * b0
			c31 += a3 * b1
		}
		c[q] += c00
		c[q+1] += c01
		c[ldc+q] += c10
		c[ldc+q+1] += c11
		c[2*ldc+q] += c20
		c[2*ldc+q+1] += c21
		c[3*ldc+q] += c30
		c[3*ldc+q+1] += c31
	}
}

// kernelFunc is the micro-kernel signature.
type kernelFunc func(k int, a []float64, rs, cs int, b []float64, ldb int, c []float64, ldc int)
