package controlsde

import (
	"math"
	"math/rand/v2"
)

// normFloat64 returns a standard normal drawn from the concrete PCG p by
// the ziggurat method of Marsaglia & Tsang (2000), "The Ziggurat Method
// for Generating Random Variables", J. Stat. Softw. 5(8), with 128 strips
// and the tables computed from the paper's recurrence (see zigKn). It is
// the algorithm rand.Rand.NormFloat64 uses, with the same consumption of
// p.Uint64, so it returns bit for bit the same sequence as
// rand.New(p).NormFloat64 (TestNormFloat64MatchesRand). It exists
// only to skip the two interface calls per uniform of the rand.Rand path
// (rand.Rand → rand.Source → the engine's forwarding source); an exact
// N(0, 1) sampler, not an approximation.
func normFloat64(p *rand.PCG) float64 {
	const rn = 3.442619855899 // right edge of the base strip
	for {
		u := p.Uint64()
		j := int32(u) // possibly negative
		i := u >> 32 & 0x7F
		x := float64(j) * float64(zigWn[i])
		aj := uint32(j)
		if j < 0 {
			aj = uint32(-j)
		}
		if aj < zigKn[i] {
			// Inside the strip's rectangle: > 99% of draws.
			return x
		}
		if i == 0 {
			// The base strip's tail beyond rn (Marsaglia 1964).
			for {
				x = -math.Log(unitFloat64(p)) * (1.0 / rn)
				y := -math.Log(unitFloat64(p))
				if y+y >= x*x {
					break
				}
			}
			if j > 0 {
				return rn + x
			}
			return -rn - x
		}
		if zigFn[i]+float32(unitFloat64(p))*(zigFn[i-1]-zigFn[i]) < float32(math.Exp(-.5*x*x)) {
			return x
		}
	}
}

// unitFloat64 is rand.Rand.Float64 on p: a uniform on [0, 1) with 53 bits.
func unitFloat64(p *rand.PCG) float64 {
	return float64(p.Uint64()<<11>>11) / (1 << 53)
}

// zigKn, zigWn and zigFn are the ziggurat tables for 128 strips: the
// strip thresholds (scaled by 2³¹), widths and densities. They are computed
// at start-up by the recurrence of Marsaglia & Tsang (2000), §2 and their
// table-setup code, with the 128-strip constants r = 3.442619855899 (right
// edge of the base strip) and v = 9.91256303526217e-3 (the common strip
// area): d_127 = r, d_{i} = √(−2 log(v/d_{i+1} + f(d_{i+1}))),
// f(x) = e^{−x²/2}, k_{i+1} = ⌊2³¹ d_i/d_{i+1}⌋, w_i = d_i/2³¹.
// TestNormFloat64MatchesRand checks that the draws agree bit for bit with
// rand.Rand.NormFloat64.
var (
	zigKn [128]uint32
	zigWn [128]float32
	zigFn [128]float32
)

func init() {
	const m1 = 1 << 31
	dn := 3.442619855899
	tn := dn
	const vn = 9.91256303526217e-3
	q := vn / math.Exp(-0.5*dn*dn)
	zigKn[0] = uint32((dn / q) * m1)
	zigKn[1] = 0
	zigWn[0] = float32(q / m1)
	zigWn[127] = float32(dn / m1)
	zigFn[0] = 1
	zigFn[127] = float32(math.Exp(-0.5 * dn * dn))
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(vn/dn+math.Exp(-0.5*dn*dn)))
		zigKn[i+1] = uint32((dn / tn) * m1)
		tn = dn
		zigFn[i] = float32(math.Exp(-0.5 * dn * dn))
		zigWn[i] = float32(dn / m1)
	}
}
