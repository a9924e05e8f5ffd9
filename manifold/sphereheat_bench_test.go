package manifold

import (
	"fmt"
	"math"
	"testing"
)

var sphereHeatSink float64

func BenchmarkSphereHeatZonal(b *testing.B) {
	for _, c := range []struct {
		d     int
		t, th float64
	}{{3, 0.1, 0.2}, {3, 0.1, 2}, {3, 1e-3, 0.03}, {3, 1e-3, 0.2}, {3, 1e-4, 0.01}, {10, 0.1, 0.5}} {
		b.Run(fmt.Sprintf("S%d/t=%g/θ=%g", c.d-1, c.t, c.th), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				lp, dl := SphereHeatZonal(c.d, c.t, c.th)
				sphereHeatSink += lp + dl
			}
		})
	}
	_ = math.Pi
}
