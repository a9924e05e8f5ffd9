package datasets_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/geosoc/geosoc/datasets"
)

func Example() {
	tg, err := datasets.Lookup("mw5")
	if err != nil {
		panic(err)
	}
	x := []float64{1, -1, 3, 0.5, -2.5}
	grad := make([]float64, tg.Dim())
	logp := tg.GradLogDensity(grad, x)
	logZ, _ := tg.LogZ()
	fmt.Printf("%s: d = %d, log γ(x) = %g, ∇ log γ(x) = %v, log Z = %.6f\n", tg.Name(), tg.Dim(), logp, grad, logZ)

	// Exact samples from the normalised target.
	rng := rand.New(rand.NewPCG(1, 2))
	tg.(datasets.Sampler).Sample(x, rng)
	fmt.Println("sample has", len(x), "coordinates")

	_, err = datasets.Lookup("gmm")
	fmt.Println(err)
	// Output:
	// mw5: d = 5, log γ(x) = -62.125, ∇ log γ(x) = [12 -12 -60 7.5 22.5], log Z = -0.541056
	// sample has 5 coordinates
	// datasets: unknown target "gmm" (valid names: gmm40, funnel10, manywell32, mw5, twomodes, manymodes, dw4, lj13, vmf-s2, igso3-mix, vonmises-t4)
}

func ExampleTable() {
	for _, info := range datasets.Table() {
		fmt.Printf("%-10s %-3s d=%-2d log Z=%-10.6g exact=%v\n", info.Name, info.Manifold, info.Dim, info.LogZ, info.Exact)
	}
	// Output:
	// gmm40      R^d d=2  log Z=0          exact=true
	// funnel10   R^d d=10 log Z=0          exact=true
	// manywell32 R^d d=32 log Z=164.696    exact=true
	// mw5        R^d d=5  log Z=-0.541056  exact=true
	// twomodes   R^d d=5  log Z=0          exact=true
	// manymodes  R^d d=8  log Z=0          exact=true
	// dw4        R^d d=8  log Z=NaN        exact=false
	// lj13       R^d d=39 log Z=NaN        exact=false
}

func ExampleReadNPYFile() {
	a, err := datasets.ReadNPYFile("testdata/test_split_DW4_head200.npy")
	if err != nil {
		panic(err)
	}
	n, d := a.Rows()
	dw4 := datasets.NewDW4()
	var mean float64
	for i := range n {
		mean -= dw4.LogDensity(a.Data[i*d:(i+1)*d]) / float64(n)
	}
	fmt.Printf("%v rows, mean energy %.2f\n", a.Shape, mean)
	// Output:
	// [200 8] rows, mean energy -22.86
}
