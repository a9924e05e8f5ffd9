package plot

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/manifold"
)

func TestHistogramExact(t *testing.T) {
	// Bins of [0, 3] with 3 bins: [0, 1), [1, 2), [2, 3]; 3 (= hi) goes to
	// the last bin; NaN, −1 and 4 are skipped but counted in the total.
	x := []float64{0, 0.5, 1, 1.5, 2, 2.5, 3, math.NaN(), -1, 4}
	t.Run("unweighted", func(t *testing.T) {
		c := make([]float64, 3)
		total := Histogram(c, x, 1, 0, nil, 0, 3)
		assert.Equal(t, []float64{2, 2, 3}, c)
		assert.Equal(t, 10.0, total)
	})
	t.Run("weighted", func(t *testing.T) {
		w := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
		c := make([]float64, 3)
		total := Histogram(c, x, 1, 0, w, 0, 3)
		assert.Equal(t, []float64{1 + 2, 3 + 4, 5 + 6 + 7}, c)
		assert.Equal(t, 55.0, total)
	})
	t.Run("column of a matrix", func(t *testing.T) {
		// Rows (a, b): the histogram of column 1 only.
		m := []float64{9, 0.1, 9, 0.2, -9, 0.9, 9, 0.6}
		c := make([]float64, 2)
		total := Histogram(c, m, 2, 1, nil, 0, 1)
		assert.Equal(t, []float64{2, 2}, c)
		assert.Equal(t, 4.0, total)
	})
	t.Run("bad input panics", func(t *testing.T) {
		c := make([]float64, 2)
		assert.PanicsWithValue(t, "plot: Histogram bad stride or offset", func() { Histogram(c, x, 3, 0, nil, 0, 1) })
		assert.PanicsWithValue(t, "plot: Histogram weight length mismatch", func() { Histogram(c, x, 1, 0, []float64{1}, 0, 1) })
		assert.PanicsWithValue(t, "plot: Histogram needs bins and lo < hi", func() { Histogram(c, x, 1, 0, nil, 1, 1) })
	})
}

func TestSelfNormalized(t *testing.T) {
	// exp(ℓ) ∝ (1, 2, 1) → (¼, ½, ¼). Tolerances: a few ulps; shifted by
	// 1000 (which must not overflow), 1000 + ln 2 is itself rounded to
	// ulp(1000) ≈ 1.1e-13, which moves the weights by about that much.
	cases := []struct {
		name string
		logw []float64
		want []float64
		tol  float64
	}{
		{"exact", []float64{0, math.Ln2, 0}, []float64{0.25, 0.5, 0.25}, 1e-15},
		{"shifted", []float64{1000, 1000 + math.Ln2, 1000}, []float64{0.25, 0.5, 0.25}, 2e-13},
		{"minus infinity", []float64{math.Inf(-1), 3}, []float64{0, 1}, 0},
		{"nil", nil, []float64{0.5, 0.5}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dst := make([]float64, len(c.want))
			SelfNormalized(dst, c.logw)
			for i := range dst {
				assert.InDelta(t, c.want[i], dst[i], c.tol)
			}
		})
	}
	t.Run("all minus infinity", func(t *testing.T) {
		dst := make([]float64, 2)
		SelfNormalized(dst, []float64{math.Inf(-1), math.Inf(-1)})
		assert.True(t, math.IsNaN(dst[0]) && math.IsNaN(dst[1]))
	})
}

// TestHammerJacobian checks the equal-area property pointwise: the
// determinant of ∂(x, y)/∂(λ, φ), by central finite differences
// (gonum diff/fd), equals cos φ, the area element of the unit sphere.
func TestHammerJacobian(t *testing.T) {
	// Central differences with fd's default step have error of order 1e-10
	// here (smooth map, O(1) third derivatives); 1e-7 leaves a wide margin.
	const tol = 1e-7
	f := func(y, x []float64) { y[0], y[1] = Hammer(x[0], x[1]) }
	jac := mat.NewDense(2, 2, nil)
	for _, lam := range []float64{-3, -2, -1, -0.3, 0, 0.7, 1.5, 2.5, 3} {
		for _, phi := range []float64{-1.4, -1, -0.5, 0, 0.2, 0.9, 1.3} {
			fd.Jacobian(jac, f, []float64{lam, phi}, &fd.JacobianSettings{Formula: fd.Central})
			det := math.Abs(mat.Det(jac))
			assert.InDelta(t, math.Cos(phi), det, tol, "λ = %g, φ = %g", lam, phi)
		}
	}
}

func TestHammerInverse(t *testing.T) {
	const tol = 1e-12 // round trip through sqrt, atan2 and asin
	for _, lam := range []float64{-3.1, -2, -0.5, 0, 1, 3.1} {
		for _, phi := range []float64{-1.5, -0.7, 0, 0.4, 1.5} {
			x, y := Hammer(lam, phi)
			l2, p2 := HammerInverse(x, y)
			assert.InDelta(t, lam, l2, tol)
			assert.InDelta(t, phi, p2, tol)
		}
	}
	// Edge of the ellipse: λ = ±π maps to x²/8 + y²/2 = 1.
	x, y := Hammer(math.Pi, 0.6)
	assert.InDelta(t, 1, x*x/8+y*y/2, 1e-15)
	l, p := HammerInverse(3, 0)
	assert.True(t, math.IsNaN(l) && math.IsNaN(p), "outside the ellipse")
}

// hammerChi2 returns the χ² statistic of n points, drawn by draw, against
// the uniform law on the Hammer ellipse, on kr×ka cells of equal area:
// with u = x/(2√2), v = y/√2 (the unit disc), the cells are equal steps of
// s = u² + v² ∈ [0, 1] and of ψ = atan2(v, u), because the area element
// is 2 ds dψ in these coordinates.
func hammerChi2(n, kr, ka int, draw func(p []float64)) float64 {
	counts := make([]float64, kr*ka)
	p := make([]float64, 3)
	for range n {
		draw(p)
		x, y := SphereHammer(p)
		u, v := x/(2*math.Sqrt2), y/math.Sqrt2
		i := min(int((u*u+v*v)*float64(kr)), kr-1)
		j := min(int((math.Atan2(v, u)+math.Pi)/(2*math.Pi)*float64(ka)), ka-1)
		counts[i*ka+j]++
	}
	e := float64(n) / float64(kr*ka)
	var chi2 float64
	for _, c := range counts {
		chi2 += (c - e) * (c - e) / e
	}
	return chi2
}

// TestHammerEqualAreaChi2 checks that uniform points on S²
// (manifold.Uniform) are uniform over the Hammer ellipse: χ² on 5×8 = 40
// equal-area cells with 40 000 points (1000 expected per cell) must stay
// below the 0.999 quantile of χ²(39) (false-alarm rate 0.1 % for a correct
// map, fixed seed). Power: points uniform in longitude and latitude
// instead of area (density ∝ 1/cos φ on the sphere, too many near the
// poles) must be rejected by the same test; their statistic is in the
// thousands, far above the threshold.
func TestHammerEqualAreaChi2(t *testing.T) {
	const n, kr, ka = 40000, 5, 8
	crit := distuv.ChiSquared{K: kr*ka - 1}.Quantile(0.999)
	rng := rand.New(rand.NewPCG(5, 0))
	u, err := manifold.NewUniform(manifold.NewSphere(3))
	require.NoError(t, err)
	chi2 := hammerChi2(n, kr, ka, func(p []float64) { u.Rand(p, rng) })
	t.Logf("uniform on S²: χ² = %.1f (39 df, 0.999 quantile %.1f)", chi2, crit)
	assert.Less(t, chi2, crit)

	wrong := hammerChi2(n, kr, ka, func(p []float64) {
		v := fromLonLat(math.Pi*(2*rng.Float64()-1), math.Pi*(rng.Float64()-0.5))
		copy(p, v[:])
	})
	t.Logf("uniform in (λ, φ): χ² = %.1f", wrong)
	assert.Greater(t, wrong, crit)
}

func TestRotationAngleAxis(t *testing.T) {
	const tol = 1e-12 // Rodrigues' formula and LogBody, rounding only
	rodrigues := func(th float64, n [3]float64) []float64 {
		s, c := math.Sincos(th)
		k := [9]float64{0, -n[2], n[1], n[2], 0, -n[0], -n[1], n[0], 0}
		r := make([]float64, 9)
		for i := range 3 {
			for j := range 3 {
				var k2 float64
				for l := range 3 {
					k2 += k[3*i+l] * k[3*l+j]
				}
				r[3*i+j] = s*k[3*i+j] + (1-c)*k2
				if i == j {
					r[3*i+j]++
				}
			}
		}
		return r
	}
	n := [3]float64{2 / 3.0, -1 / 3.0, 2 / 3.0}
	for _, th := range []float64{0.3, 2, math.Pi - 1e-6, math.Pi} {
		axis := make([]float64, 3)
		got := RotationAngleAxis(axis, rodrigues(th, n))
		assert.InDelta(t, th, got, 1e-9, "θ = %g", th)
		// At θ = π the axis is defined up to sign.
		dot := axis[0]*n[0] + axis[1]*n[1] + axis[2]*n[2]
		assert.InDelta(t, 1, math.Abs(dot), tol, "θ = %g", th)
	}
	axis := make([]float64, 3)
	assert.Equal(t, 0.0, RotationAngleAxis(axis, identity3))
	assert.Equal(t, []float64{0, 0, 1}, axis)
}

func TestFormatOf(t *testing.T) {
	for _, c := range []struct {
		path string
		want Format
	}{{"a.png", PNG}, {"dir/B.PNG", PNG}, {"x.svg", SVG}} {
		f, err := FormatOf(c.path)
		require.NoError(t, err)
		assert.Equal(t, c.want, f)
	}
	for _, bad := range []string{"a.pdf", "noext", "a.png.txt"} {
		_, err := FormatOf(bad)
		assert.ErrorIs(t, err, ErrFormat, bad)
	}
}

func TestKindOf(t *testing.T) {
	want := map[string]Kind{
		"gmm40": Plane, "funnel10": Euclidean, "mw5": Euclidean, "lj13": Euclidean,
		"vmf-s2": Sphere2, "igso3-mix": Rotations, "vonmises-t4": Torus,
	}
	for name, k := range want {
		tg, err := datasets.Lookup(name)
		require.NoError(t, err)
		assert.Equal(t, k, KindOf(tg), name)
	}
}

// exactBatch returns n exact samples of the named target and fake log
// weights (a smooth function of the row, so that weighted and unweighted
// histograms differ).
func exactBatch(t *testing.T, name string, n int) (datasets.Target, []float64, []float64) {
	tg, err := datasets.Lookup(name)
	require.NoError(t, err)
	s, ok := tg.(datasets.Sampler)
	require.True(t, ok, name)
	d := tg.Dim()
	x := make([]float64, n*d)
	logw := make([]float64, n)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		s.Sample(x[i*d:(i+1)*d], rng)
		logw[i] = 0.3 * math.Sin(float64(i))
	}
	return tg, x, logw
}

var figureTargets = []string{"gmm40", "twomodes", "vmf-s2", "igso3-mix", "vonmises-t4"}

func TestWritePNGSize(t *testing.T) {
	for _, name := range figureTargets {
		t.Run(name, func(t *testing.T) {
			tg, x, logw := exactBatch(t, name, 300)
			var buf bytes.Buffer
			o := Options{Width: 420, Height: 280, ExactN: 300, Seed: 3}
			require.NoError(t, Write(&buf, PNG, x, tg.Dim(), logw, tg, o))
			img, err := png.Decode(&buf)
			require.NoError(t, err)
			assert.Equal(t, 420, img.Bounds().Dx())
			assert.Equal(t, 280, img.Bounds().Dy())
		})
	}
}

func TestWriteSVGWellFormed(t *testing.T) {
	for _, name := range figureTargets {
		t.Run(name, func(t *testing.T) {
			tg, x, _ := exactBatch(t, name, 200)
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, SVG, x, tg.Dim(), nil, tg, Options{Width: 420, Height: 280, ExactN: -1, MaxPoints: 100}))
			dec := xml.NewDecoder(&buf)
			root := ""
			for {
				tok, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				require.NoError(t, err)
				if se, ok := tok.(xml.StartElement); ok && root == "" {
					root = se.Name.Local
				}
			}
			assert.Equal(t, "svg", root)
		})
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	tg, x, logw := exactBatch(t, "vonmises-t4", 100)
	o := Options{Width: 300, Height: 200, ExactN: 100}
	err := WriteFile(filepath.Join(dir, "a.pdf"), x, tg.Dim(), logw, tg, o)
	require.ErrorIs(t, err, ErrFormat)
	path := filepath.Join(dir, "a.svg")
	require.NoError(t, WriteFile(path, x, tg.Dim(), logw, tg, o))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "only the figure, no temporary file")
	assert.Equal(t, "a.svg", entries[0].Name())
}

func TestWriteBadInputPanics(t *testing.T) {
	tg, x, _ := exactBatch(t, "vonmises-t4", 10)
	var buf bytes.Buffer
	assert.Panics(t, func() { Write(&buf, PNG, x, 3, nil, tg, Options{}) })
	assert.Panics(t, func() { Write(&buf, PNG, x[:5], 4, nil, tg, Options{}) })
	assert.Panics(t, func() { Write(&buf, PNG, x, 4, []float64{1}, tg, Options{}) })
	assert.ErrorIs(t, Write(&buf, "pdf", x, 4, nil, tg, Options{}), ErrFormat)
}

// TestWriteDegenerateBatch checks that a diverged run (NaN and infinite
// coordinates, every log-weight −∞) still gives a figure, not a panic.
func TestWriteDegenerateBatch(t *testing.T) {
	for _, name := range []string{"gmm40", "twomodes", "vmf-s2", "igso3-mix", "vonmises-t4"} {
		t.Run(name, func(t *testing.T) {
			tg, x, logw := exactBatch(t, name, 50)
			for i := 0; i < len(x); i += 7 {
				x[i] = math.NaN()
			}
			x[1] = math.Inf(1)
			for i := range logw {
				logw[i] = math.Inf(-1)
			}
			var buf bytes.Buffer
			require.NoError(t, Write(&buf, PNG, x, tg.Dim(), logw, tg, Options{Width: 200, Height: 150, ExactN: -1}))
			_, err := png.Decode(&buf)
			require.NoError(t, err)
		})
	}
}

func TestQuantileRange(t *testing.T) {
	// 0, 1, …, 100 in column 1 of a 2-column matrix; the 0.1 and 0.9
	// quantiles are 10 and 90, widened by 5 % of 80 = 4 on each side.
	x := make([]float64, 0, 202)
	for i := range 101 {
		x = append(x, -1e9, float64(i))
	}
	lo, hi := quantileRange(0.1, 2, 1, x, nil)
	assert.Equal(t, 6.0, lo)
	assert.Equal(t, 94.0, hi)
	lo, hi = quantileRange(0, 1, 0, []float64{3, 3, math.NaN()})
	assert.Equal(t, [2]float64{2, 4}, [2]float64{lo, hi}, "degenerate range widened to ±1")
}
