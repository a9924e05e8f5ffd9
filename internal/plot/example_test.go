package plot_test

import (
	"fmt"
	"math"

	"github.com/geosoc/geosoc/internal/plot"
)

func ExampleHammer() {
	// The centre, the north pole and the edge (λ = π) of the Hammer
	// ellipse x²/8 + y²/2 ≤ 1.
	for _, p := range [][2]float64{{0, 0}, {0, math.Pi / 2}, {math.Pi, 0}} {
		x, y := plot.Hammer(p[0], p[1])
		fmt.Printf("λ = %.4f, φ = %.4f → (%.4f, %.4f)\n", p[0], p[1], x, y)
	}
	// Output:
	// λ = 0.0000, φ = 0.0000 → (0.0000, 0.0000)
	// λ = 0.0000, φ = 1.5708 → (0.0000, 1.4142)
	// λ = 3.1416, φ = 0.0000 → (2.8284, 0.0000)
}

func ExampleHistogram() {
	// Column 0 of a 4×2 matrix into 2 bins of [0, 2]; 2 goes to the last
	// bin, 5 is outside but counted in the total.
	x := []float64{0.5, 10, 1.5, 20, 2, 30, 5, 40}
	counts := make([]float64, 2)
	total := plot.Histogram(counts, x, 2, 0, nil, 0, 2)
	fmt.Println(counts, total)
	// Output:
	// [1 2] 4
}
