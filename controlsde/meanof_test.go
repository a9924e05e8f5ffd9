package controlsde

import "github.com/geosoc/geosoc/manifold"

// meanOf returns the sample mean of f over the final states of r and its
// standard error.
func meanOf(r *Result, f func(x []float64) float64) (mean, se float64) {
	c := manifold.CheckMoments(r.X, r.Dim, []manifold.Moment{{Stat: f}})[0]
	return c.Mean, c.StdErr
}
