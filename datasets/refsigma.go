package datasets

// RefSigma returns the standard deviation σ of a Gaussian reference
// N(0, σ²I) wide enough to cover the support of the named target on R^d,
// the default reference and initial scale of the samplers (GMM-40 means
// span [−40, 40]², ManyModes means [−16, 16)^8, Many-Well modes sit at
// about ±1.7 to ±2, Funnel-10's x scale reaches e^{3/2} at v = 3σ), and
// 1 for the rest, including the manifold targets, where no Gaussian
// reference is used.
func RefSigma(name string) float64 {
	switch name {
	case "gmm40":
		return 25
	case "manymodes":
		return 10
	case "funnel10":
		return 3
	case "mw5", "manywell32", "dw4":
		return 2
	}
	return 1
}
