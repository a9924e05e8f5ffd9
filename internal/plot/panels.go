package plot

import (
	"image/color"
	"math"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/geosoc/geosoc/datasets"
)

// data is what the panel builders share.
type data struct {
	x      []float64 // n×dim samples
	dim, n int
	w      []float64 // self-normalised weights, nil if unweighted
	exact  []float64 // exact target samples (n_exact×dim), nil if none
	t      datasets.Target
	o      Options
}

// Colours: samples, reweighted samples, exact samples.
var (
	colSamples = color.NRGBA{R: 0x99, G: 0x99, B: 0x99, A: 0xff}
	colWeight  = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colExact   = color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colPoints  = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0x90}
	colOnHeat  = color.NRGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0x90}
)

// maxMarginals is the most coordinates given a marginal histogram.
const maxMarginals = 4

// marginalQ is the tail quantile that bounds the axes on R^d.
const marginalQ = 0.005

// newPanel returns a plot with the package's common style.
func newPanel(title, xlab, ylab string) *gplot.Plot {
	p := gplot.New()
	p.Title.Text = title
	p.X.Label.Text = xlab
	p.Y.Label.Text = ylab
	p.Legend.Top = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.Padding = vg.Points(2)
	return p
}

// points returns at most max of the points (column i, column j) of the
// n×stride matrix x, evenly spaced through the batch, mapped by f (nil:
// identity).
func points(x []float64, stride, i, j, max int, f func(a, b float64) (float64, float64)) plotter.XYs {
	n := len(x) / stride
	m := min(n, max)
	xy := make(plotter.XYs, 0, m)
	for k := range m {
		r := k * n / m
		a, b := x[r*stride+i], x[r*stride+j]
		if f != nil {
			a, b = f(a, b)
		}
		if math.IsNaN(a) || math.IsNaN(b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
			continue
		}
		xy = append(xy, plotter.XY{X: a, Y: b})
	}
	return xy
}

// scatter returns a scatter of small discs of colour c.
func scatter(xy plotter.XYs, c color.Color) *plotter.Scatter {
	return scatterR(xy, c, vg.Points(1.2))
}

// scatterR returns a scatter of discs of colour c and radius r.
func scatterR(xy plotter.XYs, c color.Color, r vg.Length) *plotter.Scatter {
	s, err := plotter.NewScatter(xy)
	if err != nil {
		panic("plot: " + err.Error()) // points filters non-finite values
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: r, Shape: draw.CircleGlyph{}}
	return s
}

// step returns the outline of a density histogram: counts over total on
// bins of [lo, hi].
func step(counts []float64, total, lo, hi float64, c color.Color, width vg.Length, dashed bool) *plotter.Line {
	h := (hi - lo) / float64(len(counts))
	xy := make(plotter.XYs, 0, 2*len(counts)+2)
	xy = append(xy, plotter.XY{X: lo, Y: 0})
	for b, v := range counts {
		y := v / (total * h)
		xy = append(xy, plotter.XY{X: lo + float64(b)*h, Y: y}, plotter.XY{X: lo + float64(b+1)*h, Y: y})
	}
	xy = append(xy, plotter.XY{X: hi, Y: 0})
	l, err := plotter.NewLine(xy)
	if err != nil {
		panic("plot: " + err.Error())
	}
	l.Color = c
	l.Width = width
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
	}
	return l
}

// addHistograms adds to p the density histograms of vals, the values of
// the samples (unweighted, and reweighted when weights exist), and of
// exact, those of the exact samples, on [lo, hi]; with a legend if legend
// is set (the first of a set of panels).
func addHistograms(p *gplot.Plot, d *data, vals, exact []float64, lo, hi float64, legend bool) {
	add := func(name string, l *plotter.Line) {
		p.Add(l)
		if legend {
			p.Legend.Add(name, l)
		}
	}
	counts := make([]float64, d.o.Bins)
	tot := Histogram(counts, vals, 1, 0, nil, lo, hi)
	label := "samples"
	if d.w != nil {
		label = "samples (unweighted)"
	}
	add(label, step(counts, tot, lo, hi, colSamples, vg.Points(1), false))
	if d.w != nil {
		c := make([]float64, d.o.Bins)
		tw := Histogram(c, vals, 1, 0, d.w, lo, hi)
		if tw > 0 && !math.IsNaN(tw) {
			add("samples (weighted)", step(c, tw, lo, hi, colWeight, vg.Points(1.5), false))
		}
	}
	if exact != nil {
		c := make([]float64, d.o.Bins)
		te := Histogram(c, exact, 1, 0, nil, lo, hi)
		add("exact", step(c, te, lo, hi, colExact, vg.Points(1.2), true))
	}
	p.Y.Min = 0
}

// column returns column j of an n×stride matrix mapped by f (nil: identity).
func column(x []float64, stride, j int, f func(float64) float64) []float64 {
	if x == nil {
		return nil
	}
	v := make([]float64, len(x)/stride)
	for i := range v {
		v[i] = x[i*stride+j]
		if f != nil {
			v[i] = f(v[i])
		}
	}
	return v
}

// marginalPanels draws the scatter of (x₀, x₁) and the histograms of the
// first maxMarginals coordinates; angles (torus) are wrapped to [−π, π).
func marginalPanels(d *data, angles bool) ([]panel, error) {
	var wrap func(float64) float64
	var wrap2 func(a, b float64) (float64, float64)
	name := "x"
	if angles {
		wrap = wrapAngle
		wrap2 = func(a, b float64) (float64, float64) { return wrapAngle(a), wrapAngle(b) }
		name = "θ"
	}
	lab := func(j int) string { return name + string(rune('₀'+j)) }
	var panels []panel
	// Scatter on the left, the histograms in a 2×2 grid on the right.
	hx, hw := 0.45, 0.275
	if d.dim < 2 {
		hx, hw = 0, 0.5
	}
	if d.dim >= 2 {
		p := newPanel("", lab(0), lab(1))
		if d.exact != nil {
			// Exact samples first, so that the samples are drawn on top.
			e := scatter(points(d.exact, d.dim, 0, 1, min(d.n, d.o.MaxPoints), wrap2), color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0x50})
			p.Add(e)
			p.Legend.Add("exact", e)
		}
		s := scatter(points(d.x, d.dim, 0, 1, d.o.MaxPoints, wrap2), colPoints)
		p.Add(s)
		p.Legend.Add("samples", s)
		if angles {
			setRange(p, -math.Pi, math.Pi, -math.Pi, math.Pi)
		} else {
			// The same quantile range as the histograms: points outside
			// (at most 1 % per axis) are not drawn.
			x0, x1 := quantileRange(marginalQ, d.dim, 0, d.x, d.exact)
			y0, y1 := quantileRange(marginalQ, d.dim, 1, d.x, d.exact)
			setRange(p, x0, x1, y0, y1)
		}
		panels = append(panels, panel{p: p, x0: 0, y0: 0, x1: hx, y1: 1})
	}
	for j := range min(d.dim, maxMarginals) {
		vals := column(d.x, d.dim, j, wrap)
		exact := column(d.exact, d.dim, j, wrap)
		var lo, hi float64
		if angles {
			lo, hi = -math.Pi, math.Pi
		} else {
			// The 0.5 % and 99.5 % quantiles keep heavy tails (funnel) from
			// squashing the histogram; values outside are counted in the
			// total, so the bars stay densities.
			lo, hi = quantileRange(marginalQ, 1, 0, vals, exact)
		}
		p := newPanel("", lab(j), "density")
		addHistograms(p, d, vals, exact, lo, hi, j == 0)
		p.X.Min, p.X.Max = lo, hi
		x0, y1 := hx+float64(j%2)*hw, 1-0.5*float64(j/2)
		panels = append(panels, panel{p: p, x0: x0, y0: y1 - 0.5, x1: x0 + hw, y1: y1})
	}
	return panels, nil
}

// setRange fixes the axes of p.
func setRange(p *gplot.Plot, x0, x1, y0, y1 float64) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = x0, x1, y0, y1
}

// grid is a plotter.GridXYZ of values on a regular grid.
type grid struct {
	cols, rows     int
	x0, dx, y0, dy float64
	z              []float64 // rows×cols, row r at z[r*cols:]
}

func (g *grid) Dims() (c, r int)        { return g.cols, g.rows }
func (g *grid) Z(c, r int) float64      { return g.z[r*g.cols+c] }
func (g *grid) X(c int) float64         { return g.x0 + float64(c)*g.dx }
func (g *grid) Y(r int) float64         { return g.y0 + float64(r)*g.dy }
func (g *grid) set(c, r int, v float64) { g.z[r*g.cols+c] = v }

// newGrid returns a cols×rows grid whose cells cover [x0, x1]×[y0, y1].
func newGrid(cols, rows int, x0, x1, y0, y1 float64) *grid {
	dx, dy := (x1-x0)/float64(cols), (y1-y0)/float64(rows)
	return &grid{cols: cols, rows: rows, x0: x0 + dx/2, dx: dx, y0: y0 + dy/2, dy: dy, z: make([]float64, cols*rows)}
}

// heatPalette is white at zero density, dark at the maximum.
func heatPalette() palette.Palette {
	cm := palette.Reverse(moreland.Kindlmann())
	cm.SetMin(0)
	cm.SetMax(1)
	return cm.Palette(256)
}

// heatMap returns a rasterised heat map of g, scaled to [0, 1] by its
// maximum (NaN cells transparent).
func heatMap(g *grid) *plotter.HeatMap {
	m := 0.0
	for _, v := range g.z {
		if v > m {
			m = v
		}
	}
	if m > 0 {
		for i := range g.z {
			g.z[i] /= m
		}
	}
	h := plotter.NewHeatMap(g, heatPalette())
	h.Min, h.Max = 0, 1
	h.NaN = color.Transparent
	h.Rasterized = true
	return h
}

// heatCells is the number of heat-map cells per side on R²; the Hammer
// ellipse gets 2·sphereCells × sphereCells, finer because cells that
// straddle its outline are drawn whole.
const heatCells, sphereCells = 160, 220

// planePanels draws exp(log γ − max log γ) on a grid covering the samples
// (and the exact samples) with the samples on top, and the two marginal
// histograms.
func planePanels(d *data) ([]panel, error) {
	x0, x1 := quantileRange(0, 2, 0, d.x, d.exact)
	y0, y1 := quantileRange(0, 2, 1, d.x, d.exact)
	g := newGrid(heatCells, heatCells, x0, x1, y0, y1)
	pt := make([]float64, 2)
	maxL := math.Inf(-1)
	for r := range g.rows {
		for c := range g.cols {
			pt[0], pt[1] = g.X(c), g.Y(r)
			l := d.t.LogDensity(pt)
			g.set(c, r, l)
			maxL = math.Max(maxL, l)
		}
	}
	for i, l := range g.z {
		g.z[i] = math.Exp(l - maxL)
	}
	p := newPanel("", "x₀", "x₁")
	p.Add(heatMap(g))
	s := scatterR(points(d.x, 2, 0, 1, d.o.MaxPoints, nil), colOnHeat, vg.Points(0.9))
	p.Add(s)
	p.Legend.Add("samples", s)
	setRange(p, x0, x1, y0, y1)
	p.Y.Label.Text = "x₁   (shade: γ(x)/max γ)"
	panels := []panel{{p: p, x0: 0, y0: 0, x1: 0.55, y1: 1}}
	for j := range 2 {
		vals, exact := column(d.x, 2, j, nil), column(d.exact, 2, j, nil)
		lo, hi := x0, x1
		if j == 1 {
			lo, hi = y0, y1
		}
		h := newPanel("", "x"+string(rune('₀'+j)), "density")
		addHistograms(h, d, vals, exact, lo, hi, j == 0)
		h.X.Min, h.X.Max = lo, hi
		y1 := 1 - 0.5*float64(j)
		panels = append(panels, panel{p: h, x0: 0.55, y0: y1 - 0.5, x1: 1, y1: y1})
	}
	return panels, nil
}

// hammerPanel returns a panel with the Hammer ellipse, a 30° graticule and,
// if t is not nil, the density exp(log γ − max log γ) of t as a heat map
// over the ellipse (equal-area, so it is the density of the projected
// points up to a constant).
func hammerPanel(title string, t datasets.Target) *gplot.Plot {
	p := newPanel(title, "", "")
	p.HideAxes()
	if t != nil {
		x1, y1 := 2*math.Sqrt2, math.Sqrt2
		g := newGrid(2*sphereCells, sphereCells, -x1, x1, -y1, y1)
		maxL := math.Inf(-1)
		for r := range g.rows {
			for c := range g.cols {
				lam, phi := HammerInverse(g.X(c), g.Y(r))
				l := math.NaN()
				if !math.IsNaN(lam) {
					v := fromLonLat(lam, phi)
					l = t.LogDensity(v[:])
					maxL = math.Max(maxL, l)
				}
				g.set(c, r, l)
			}
		}
		for i, l := range g.z {
			g.z[i] = math.Exp(l - maxL) // NaN stays NaN
		}
		p.Add(heatMap(g))
	}
	grey := color.NRGBA{R: 0xb0, G: 0xb0, B: 0xb0, A: 0xff}
	addCurve := func(f func(s float64) (float64, float64), s0, s1 float64, c color.Color) {
		const m = 120
		xy := make(plotter.XYs, m+1)
		for k := range xy {
			xy[k].X, xy[k].Y = f(s0 + (s1-s0)*float64(k)/m)
		}
		l, _ := plotter.NewLine(xy)
		l.Color = c
		l.Width = vg.Points(0.5)
		p.Add(l)
	}
	for lat := -60.0; lat <= 60; lat += 30 {
		phi := lat * math.Pi / 180
		addCurve(func(s float64) (float64, float64) { return Hammer(s, phi) }, -math.Pi, math.Pi, grey)
	}
	for lon := -150.0; lon <= 150; lon += 30 {
		lam := lon * math.Pi / 180
		addCurve(func(s float64) (float64, float64) { return Hammer(lam, s) }, -math.Pi/2, math.Pi/2, grey)
	}
	addCurve(func(s float64) (float64, float64) { return 2 * math.Sqrt2 * math.Cos(s), math.Sqrt2 * math.Sin(s) }, 0, 2*math.Pi, color.Black)
	setRange(p, -2*math.Sqrt2*1.02, 2*math.Sqrt2*1.02, -math.Sqrt2*1.04, math.Sqrt2*1.04)
	return p
}

// hammerXY maps the rows of an n×3 matrix of unit vectors by SphereHammer.
func hammerXY(x []float64, max int) plotter.XYs {
	n := len(x) / 3
	m := min(n, max)
	xy := make(plotter.XYs, 0, m)
	for k := range m {
		r := k * n / m
		a, b := SphereHammer(x[3*r : 3*r+3])
		if !math.IsNaN(a) && !math.IsNaN(b) {
			xy = append(xy, plotter.XY{X: a, Y: b})
		}
	}
	return xy
}

// spherePanels draws the samples on S² over the target density in the
// Hammer projection, and the exact samples where they exist.
func spherePanels(d *data) ([]panel, error) {
	p := hammerPanel("", d.t)
	s := scatterR(hammerXY(d.x, d.o.MaxPoints), colOnHeat, vg.Points(0.9))
	p.Add(s)
	p.Legend.Add("samples", s)
	if d.exact == nil {
		return []panel{{p: p, x0: 0, y0: 0, x1: 1, y1: 1, aspect: 2}}, nil
	}
	e := hammerPanel("exact samples", nil)
	e.Add(scatter(hammerXY(d.exact, min(d.n, d.o.MaxPoints)), color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0x90}))
	return []panel{
		{p: p, x0: 0, y0: 0.5, x1: 1, y1: 1, aspect: 2},
		{p: e, x0: 0, y0: 0, x1: 1, y1: 0.5, aspect: 2},
	}, nil
}

// angleAxes returns the rotation angles and the n×3 axes of the n×9
// rotations x.
func angleAxes(x []float64) (angles, axes []float64) {
	n := len(x) / 9
	angles, axes = make([]float64, n), make([]float64, 3*n)
	for i := range n {
		angles[i] = RotationAngleAxis(axes[3*i:3*i+3], x[9*i:9*i+9])
	}
	return angles, axes
}

// rotationPanels draws the histogram of the rotation angle (with the Haar
// angle density (1 − cos θ)/π for reference) and the rotation axes in the
// Hammer projection.
func rotationPanels(d *data) ([]panel, error) {
	ang, ax := angleAxes(d.x)
	var eang, eax []float64
	if d.exact != nil {
		eang, eax = angleAxes(d.exact)
	}
	p := newPanel("", "rotation angle θ", "density")
	p.Legend.Left = true // the angle density is small near 0
	addHistograms(p, d, ang, eang, 0, math.Pi, true)
	haar := plotter.NewFunction(func(t float64) float64 { return (1 - math.Cos(t)) / math.Pi })
	haar.XMin, haar.XMax = 0, math.Pi
	haar.Color = color.Black
	haar.Width = vg.Points(0.7)
	haar.Dashes = []vg.Length{vg.Points(1), vg.Points(2)}
	p.Add(haar)
	p.Legend.Add("uniform (Haar)", haar)
	p.X.Min, p.X.Max = 0, math.Pi
	a := hammerPanel("rotation axes of the samples", nil)
	a.Add(scatter(hammerXY(ax, d.o.MaxPoints), colPoints))
	if eax == nil {
		return []panel{{p: p, x0: 0, y0: 0, x1: 0.4, y1: 1}, {p: a, x0: 0.4, y0: 0, x1: 1, y1: 1, aspect: 2}}, nil
	}
	e := hammerPanel("rotation axes of exact samples", nil)
	e.Add(scatter(hammerXY(eax, min(d.n, d.o.MaxPoints)), color.NRGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0x90}))
	return []panel{
		{p: p, x0: 0, y0: 0, x1: 0.4, y1: 1},
		{p: a, x0: 0.4, y0: 0.5, x1: 1, y1: 1, aspect: 2},
		{p: e, x0: 0.4, y0: 0, x1: 1, y1: 0.5, aspect: 2},
	}, nil
}
