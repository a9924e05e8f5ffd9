package soc

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/controlsde"
	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
)

// TestLogVarMatchesWeights checks the path functional of the log-variance
// loss against controlsde: at u_θ = v (the control that simulated the
// paths) Y must equal −log w, the engine's own path log-weight (soc.md),
// path by path, for the Brownian and VP references on R^d and for Brownian
// motion from the uniform law on S², SO(3) (metric ½ tr(UᵀV)), T⁴ and
// SO(3) × T² (where the first half of the batch is the weight-resampled
// half, checked through its indices). The relative tolerance yTol allows
// for the different summation order and the Exp/Log round trip.
func TestLogVarMatchesWeights(t *testing.T) {
	const yTol = 1e-9
	gauss := gaussian([]float64{0.5, -1}, 0.4, 0.2)
	for _, tc := range []struct {
		name   string
		target Target
		space  manifold.Manifold
		ref    *RefSpec
	}{
		{"brownian", gauss, nil, &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1.3}, Steps: 7}},
		{"vp", gauss, nil, &RefSpec{Kind: "vp", Variance: 2, Sigma: ScheduleSpec{Kind: "linear", A: 0.1, B: 8}, Steps: 7}},
		{"s2", newVMFTarget(t), manifold.NewSphere(3), &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 7}},
		{"so3", datasets.NewIGSO3Mix(), nil, &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 7}},
		{"t4", datasets.NewVonMisesT4(), nil, &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 7}},
		{"so3xt2", newProductTarget(t), nil, &RefSpec{Kind: "brownian", Sigma: ScheduleSpec{Kind: "constant", A: 1}, Steps: 7}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, _, _, err := newTrainer("logvar", tc.target, &Settings{Batch: 16, Hidden: []int{8}, Reference: tc.ref, Seed: 4, Space: tc.space})
			require.NoError(t, err)
			// A non-trivial control: larger initial output weights.
			for i := range tr.net.Params() {
				tr.net.Params()[i] *= 3
			}
			pcg := *tr.pcg
			seed := rand.New(&pcg).Uint64()
			_, err = tr.logVarLoss()
			require.NoError(t, err)
			res, err := controlsde.Simulate(controlsde.Problem{Reference: tr.ref, Control: tr.net, Target: tc.target},
				&controlsde.Settings{Grid: tr.grid, Particles: 16, Seed: seed}, integrator(tr.space))
			require.NoError(t, err)
			for j := range res.LogWeight {
				i := j // on compact spaces the first half is resampled (resamplePaths)
				if compactSpace(tr.space) && j < len(tr.idx) {
					i = tr.idx[j]
				}
				require.InEpsilon(t, -res.LogWeight[i], tr.y[j], yTol, "path %d", j)
			}
		})
	}
}
