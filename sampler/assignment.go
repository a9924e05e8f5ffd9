package sampler

import "math"

// W2Squared returns the squared 2-Wasserstein distance between the uniform
// empirical laws of the rows of x and y (n rows of dim values each, equal
// counts), W₂² = min_π (1/n) Σ_i |x_i − y_π(i)|² over permutations π:
// for equal uniform weights the optimal transport plan is a permutation
// (Birkhoff–von Neumann), so the problem is a linear assignment, solved
// exactly by the Hungarian method with potentials and shortest augmenting
// paths (Kuhn 1955; Munkres 1957; the O(n³) form of Jonker & Volgenant
// 1987 without their initialisation heuristics). It is the ε → 0 limit
// of the entropic Sinkhorn cost. It costs O(n²) memory and O(n³) time
// (n = 2000: about 1.4 s). A non-finite coordinate gives NaN.
func W2Squared(x, y []float64, dim int) float64 {
	if dim < 1 || len(x)%dim != 0 || len(y) != len(x) {
		panic("sampler: W2Squared: need two sets of n rows of dim values")
	}
	n := len(x) / dim
	if n == 0 {
		return 0
	}
	for i := range x {
		if math.IsNaN(x[i]) || math.IsInf(x[i], 0) || math.IsNaN(y[i]) || math.IsInf(y[i], 0) {
			return math.NaN()
		}
	}
	c := sqCosts(x, y, dim)
	// Rows and columns are 1-based below; index 0 is the virtual start.
	u := make([]float64, n+1)    // row potentials
	v := make([]float64, n+1)    // column potentials
	p := make([]int, n+1)        // p[j]: row matched to column j (0: none)
	way := make([]int, n+1)      // predecessor column on the shortest path
	minv := make([]float64, n+1) // reduced distance to each column
	used := make([]bool, n+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j], used[j] = math.Inf(1), false
		}
		for {
			used[j0] = true
			i0 := p[j0]
			delta, j1 := math.Inf(1), 0
			row := c[(i0-1)*n : i0*n]
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				if cur := row[j-1] - u[i0] - v[j]; cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for j0 != 0 {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
		}
	}
	var s float64
	for j := 1; j <= n; j++ {
		s += c[(p[j]-1)*n+j-1]
	}
	return s / float64(n)
}
