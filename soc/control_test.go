package soc

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"

	"github.com/geosoc/geosoc/internal/nn"
	"github.com/geosoc/geosoc/manifold"
)

// TestNetGradient checks Net.Backward (parameters and, on R^d and T^d, the
// input, there through the (cos, sin) embedding of the angles)
// against central finite differences of L = Σ_i w_i·u_θ(t_i, x_i) with
// random weights w (gonum diff/fd). Tolerance gradTol: central
// differences with step 1e-5 have truncation error O(h²) ≈ 1e-10 and
// rounding error ≈ 1e-16/h ≈ 1e-11 relative to O(1) values.
func TestNetGradient(t *testing.T) {
	const gradTol = 1e-6
	for _, tc := range []struct {
		name  string
		space manifold.Manifold
		grad  bool
	}{
		{"R3", manifold.NewEuclidean(3), false},
		{"S2", manifold.NewSphere(3), false},
		{"R3-grad-term", manifold.NewEuclidean(3), true},
		{"T2", manifold.NewTorus(2), false},
		{"S2xT2", manifold.NewProduct(manifold.NewSphere(3), manifold.NewTorus(2)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(7, 1))
			d := tc.space.AmbientDim()
			arch := nn.Arch{In: InputDim(tc.space), Out: d, Hidden: []int{8, 8}, Activation: "tanh", TimeFreqs: 2, OmegaMin: 1, OmegaMax: 10}
			var n *Net
			var err error
			if tc.grad {
				// The gate multiplies the clipped gradient of N(m, 0.3 I);
				// clip 2 is active at some of the points.
				arch.Out = d + 1
				n, err = NewNetGrad(arch, tc.space, nn.NewExec(1), gaussian([]float64{0.5, -1, 2}, 0.3, 0), 2, 2)
			} else {
				n, err = NewNet(arch, tc.space, nn.NewExec(1))
			}
			require.NoError(t, err)
			n.MLP.Init(rng)
			const rows = 4
			ts := []float64{0.1, 0.4, 0.7, 0.95}
			x := make([]float64, rows*d)
			for i := range rows {
				tc.space.Rand(x[i*d:(i+1)*d], rng)
			}
			w := make([]float64, rows*d)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			u := make([]float64, rows*d)
			loss := func(xs []float64) float64 {
				n.Forward(u, ts, xs)
				var s float64
				for i := range u {
					s += w[i] * u[i]
				}
				return s
			}
			// Analytic gradients.
			loss(x)
			n.MLP.ZeroGrad()
			dx := make([]float64, len(x))
			n.Backward(w, x, dx)
			got := append([]float64(nil), n.Grads()...)
			// Finite differences over the parameters.
			p := n.Params()
			orig := append([]float64(nil), p...)
			want := fd.Gradient(nil, func(theta []float64) float64 {
				copy(p, theta)
				return loss(x)
			}, orig, &fd.Settings{Formula: fd.Central, Step: 1e-5})
			copy(p, orig)
			require.InDeltaSlice(t, want, got, gradTol)
			if isFlat(tc.space) && !tc.grad { // R^d, and T^d through the (cos, sin) embedding
				wantX := fd.Gradient(nil, loss, x, &fd.Settings{Formula: fd.Central, Step: 1e-5})
				require.InDeltaSlice(t, wantX, dx, gradTol)
			}
			if _, ok := tc.space.(manifold.Torus); ok {
				// Continuous across the identification −π ≡ π.
				a, b := []float64{math.Pi - 1e-9, 0.3}, []float64{-math.Pi + 1e-9, 0.3}
				ua, ub := make([]float64, 2), make([]float64, 2)
				n.Control(ua, 0.5, a)
				n.Control(ub, 0.5, b)
				require.InDeltaSlice(t, ua, ub, 1e-7)
			}
			if _, ok := tc.space.(manifold.Sphere); !ok {
				return
			}
			// The output is tangent on the sphere: ⟨x, u⟩ = 0.
			loss(x)
			for i := range rows {
				var s float64
				for c := range d {
					s += x[i*d+c] * u[i*d+c]
				}
				require.InDelta(t, 0, s, 1e-12)
			}
		})
	}
}

// TestNetFork checks that a fork evaluates the same function from the
// parent's parameters, and sees later parameter changes.
func TestNetFork(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	arch := nn.Arch{In: 2, Out: 2, Hidden: []int{16}, Activation: "silu", TimeFreqs: 3, OmegaMin: 1, OmegaMax: 50}
	n, err := NewNet(arch, manifold.NewEuclidean(2), nil)
	require.NoError(t, err)
	n.MLP.Init(rng)
	f := n.Fork()
	x := []float64{0.3, -1, 2, 0.5, -0.2, 0.1}
	a, b := make([]float64, 6), make([]float64, 6)
	n.Control(a, 0.25, x)
	f.Control(b, 0.25, x)
	require.Equal(t, a, b)
	for i := range n.Params() {
		n.Params()[i] *= 1.5
	}
	n.Control(a, 0.25, x)
	f.Control(b, 0.25, x)
	require.Equal(t, a, b)

	_, err = NewNet(arch, manifold.NewEuclidean(3), nil)
	require.ErrorIs(t, err, nn.ErrArch)
}
