package manifold_test

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/manifold"
)

func ExampleSphere() {
	s2 := manifold.NewSphere(3) // S² ⊂ R³
	x := []float64{0, 0, 1}
	v := []float64{math.Pi / 2, 0, 0} // a quarter turn towards +x
	y := make([]float64, 3)
	s2.Exp(y, x, v)
	fmt.Printf("exp: [%.3f %.3f %.3f]\n", y[0], y[1], y[2])
	fmt.Printf("dist: %.6f\n", s2.Dist(x, y))
	l := make([]float64, 3)
	s2.Log(l, x, y)
	fmt.Printf("log: [%.6f %.3f %.3f]\n", l[0], l[1], l[2])
	// Output:
	// exp: [1.000 0.000 0.000]
	// dist: 1.570796
	// log: [1.570796 0.000 0.000]
}
