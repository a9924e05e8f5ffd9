package nn_test

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/geosoc/geosoc/internal/nn"
)

// Fit u(t, x) = t·x on [0, 1]×[−1, 1] with a small time-embedded MLP.
func Example() {
	arch := nn.Arch{In: 1, Out: 1, Hidden: []int{32, 32}, Activation: "silu",
		TimeFreqs: 4, OmegaMin: 1, OmegaMax: 20}
	m, err := nn.NewMLP(arch, nn.NewExec(2))
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	m.Init(rng)
	opt := nn.NewAdam(len(m.Params()))
	sched := nn.Schedule{Kind: "cosine", Base: 3e-3, Min: 1e-4, Warmup: 20, Total: 600}

	const n = 64
	ts, x, dy := make([]float64, n), make([]float64, n), make([]float64, n)
	var loss float64
	for step := 1; step <= sched.Total; step++ {
		for i := range n {
			ts[i], x[i] = rng.Float64(), 2*rng.Float64()-1
		}
		u := m.Forward(ts, x, n)
		loss = 0
		for i := range n {
			r := u[i] - ts[i]*x[i]
			loss += 0.5 * r * r / n
			dy[i] = r / n
		}
		m.ZeroGrad()
		m.Backward(dy, nil)
		nn.ClipGradNorm(m.Grads(), 1)
		opt.Step(m.Params(), m.Grads(), sched.LR(step))
	}
	u := m.Forward([]float64{0.5}, []float64{0.8}, 1)
	fmt.Println("parameters:", len(m.Params()))
	fmt.Println("final loss below 1e-3:", loss < 1e-3)
	fmt.Println("u(0.5, 0.8) ≈ 0.4:", math.Abs(u[0]-0.4) < 0.05)
	// Output:
	// parameters: 1409
	// final loss below 1e-3: true
	// u(0.5, 0.8) ≈ 0.4: true
}
