package plot

import (
	"errors"
	"fmt"
	"image/png"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"

	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/internal/fileio"
	"github.com/geosoc/geosoc/manifold"
)

// Format is an output format: PNG or SVG.
type Format string

// The supported formats.
const (
	PNG Format = "png"
	SVG Format = "svg"
)

// ErrFormat is returned by FormatOf for a file name whose extension is not
// .png or .svg.
var ErrFormat = errors.New("plot: unsupported format")

// FormatOf returns the format named by the extension of path (.png or
// .svg, in any case), or an error wrapping ErrFormat.
func FormatOf(path string) (Format, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		return PNG, nil
	case ".svg":
		return SVG, nil
	default:
		if ext == "" {
			ext = "no extension"
		}
		return "", fmt.Errorf("%w %q of %s (use .png or .svg)", ErrFormat, ext, path)
	}
}

// Kind is the kind of figure drawn for a target.
type Kind int

// The kinds of figure, chosen from the target's space by KindOf.
const (
	// Plane: heat map of γ on R² with the samples on top.
	Plane Kind = iota
	// Euclidean: scatter of (x₀, x₁) and marginal histograms on R^d.
	Euclidean
	// Sphere2: samples on S² in the Hammer equal-area projection.
	Sphere2
	// Rotations: rotation angle histogram and axes on SO(3).
	Rotations
	// Torus: scatter of the first two angles and marginal histograms.
	Torus
)

var kindNames = [...]string{"R²", "R^d", "S²", "SO(3)", "torus"}

// String returns the kind's name, such as "S²".
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// KindOf returns the figure kind for a target: from its space for manifold
// targets (S² ⊂ R³, SO(3), tori), Plane for targets on R², and Euclidean
// otherwise (a manifold not listed is drawn in its ambient coordinates).
func KindOf(t datasets.Target) Kind {
	if sp, ok := t.(interface{ Space() manifold.Manifold }); ok {
		switch m := sp.Space().(type) {
		case manifold.Sphere:
			if m.AmbientDim() == 3 {
				return Sphere2
			}
		case manifold.SO3:
			return Rotations
		case manifold.Torus:
			return Torus
		}
		return Euclidean
	}
	if t.Dim() == 2 {
		return Plane
	}
	return Euclidean
}

// Options are the settings of a figure. The zero value gives the defaults.
type Options struct {
	// Width and Height are the size in pixels of a PNG (at 96 dots per
	// inch) and in CSS pixels of an SVG; 0 means 1050 × 700.
	Width, Height int
	// Bins is the number of histogram bins; 0 means 40.
	Bins int
	// MaxPoints is the most samples drawn in a scatter, taken evenly
	// spaced through the batch; 0 means 3000. Histograms and heat-map
	// ranges use every sample.
	MaxPoints int
	// ExactN is the number of exact target samples drawn for comparison
	// where the target is a datasets.Sampler; 0 means 5000, negative
	// means none.
	ExactN int
	// Seed seeds the exact samples (rand.NewPCG(Seed, 0)).
	Seed uint64
	// Title is drawn above the first panel; empty means the target name.
	Title string
}

func (o Options) withDefaults() Options {
	if o.Width <= 0 {
		o.Width = 1050
	}
	if o.Height <= 0 {
		o.Height = 700
	}
	if o.Bins <= 0 {
		o.Bins = 40
	}
	if o.MaxPoints <= 0 {
		o.MaxPoints = 3000
	}
	if o.ExactN == 0 {
		o.ExactN = 5000
	}
	return o
}

// dpi is the resolution of PNG output; a pixel is 72/dpi points.
const dpi = 96

// Write draws the figure of KindOf(t) for the n = len(samples)/dim samples
// (row-major, dim values each, in the target's ambient coordinates) with
// optional log importance weights logw (nil: unweighted) and writes it to
// w in format f.
//
// It panics if dim is not t.Dim(), len(samples) is not a positive multiple
// of dim, or logw is not nil and len(logw) != n (programmer errors); write
// errors are returned.
func Write(w io.Writer, f Format, samples []float64, dim int, logw []float64, t datasets.Target, o Options) error {
	if f != PNG && f != SVG {
		return fmt.Errorf("%w %q", ErrFormat, string(f))
	}
	if dim != t.Dim() {
		panic(fmt.Sprintf("plot: samples of dimension %d for a target of dimension %d", dim, t.Dim()))
	}
	if dim <= 0 || len(samples) == 0 || len(samples)%dim != 0 {
		panic("plot: samples must be a positive multiple of dim values")
	}
	n := len(samples) / dim
	if logw != nil && len(logw) != n {
		panic("plot: len(logw) != number of samples")
	}
	o = o.withDefaults()
	if o.Title == "" {
		o.Title = t.Name()
	}
	d := data{x: samples, dim: dim, n: n, t: t, o: o}
	if logw != nil {
		d.w = make([]float64, n)
		SelfNormalized(d.w, logw)
	}
	if s, ok := t.(datasets.Sampler); ok && o.ExactN > 0 {
		d.exact = make([]float64, o.ExactN*dim)
		rng := rand.New(rand.NewPCG(o.Seed, 0))
		for i := range o.ExactN {
			s.Sample(d.exact[i*dim:(i+1)*dim], rng)
		}
	}
	var panels []panel
	var err error
	switch KindOf(t) {
	case Plane:
		panels, err = planePanels(&d)
	case Sphere2:
		panels, err = spherePanels(&d)
	case Rotations:
		panels, err = rotationPanels(&d)
	case Torus:
		panels, err = marginalPanels(&d, true)
	default:
		panels, err = marginalPanels(&d, false)
	}
	if err != nil {
		return err
	}
	panels[0].p.Title.Text = o.Title
	return render(w, f, panels, o)
}

// WriteFile writes the figure (see Write) to path in the format of its
// extension (FormatOf), atomically: into a temporary file in the same
// folder that is renamed to path once complete (fileio.WriteAtomic), so
// that no partial file is ever left at path.
func WriteFile(path string, samples []float64, dim int, logw []float64, t datasets.Target, o Options) error {
	f, err := FormatOf(path)
	if err != nil {
		return err
	}
	return fileio.WriteAtomic(path, func(w io.Writer) error {
		return Write(w, f, samples, dim, logw, t, o)
	})
}

// panel is a plot and where it goes: the fraction [x0, x1]×[y0, y1] of
// the figure (y upwards). A positive aspect is the width/height ratio its
// data area must keep (the Hammer ellipse); the panel is shrunk about its
// centre to keep it.
type panel struct {
	p              *gplot.Plot
	x0, y0, x1, y1 float64
	aspect         float64
}

// render draws the panels and writes the canvas.
func render(w io.Writer, f Format, panels []panel, o Options) error {
	// Sizes in points: one pixel is 72/dpi points.
	wl := vg.Length(o.Width) * 72 / dpi
	hl := vg.Length(o.Height) * 72 / dpi
	var img *vgimg.Canvas
	var svg *vgsvg.Canvas
	var dc draw.Canvas
	if f == PNG {
		img = vgimg.NewWith(vgimg.UseWH(wl, hl), vgimg.UseDPI(dpi))
		dc = draw.New(img)
	} else {
		svg = vgsvg.New(wl, hl)
		dc = draw.New(svg)
	}
	// pad surrounds each panel, margin the figure.
	const pad, margin = vg.Length(6), vg.Length(6)
	fw, fh := wl-2*margin, hl-2*margin
	for _, pn := range panels {
		c := dc
		c.Min.X = dc.Min.X + margin + vg.Length(pn.x0)*fw + pad
		c.Max.X = dc.Min.X + margin + vg.Length(pn.x1)*fw - pad
		c.Min.Y = dc.Min.Y + margin + vg.Length(pn.y0)*fh + pad
		c.Max.Y = dc.Min.Y + margin + vg.Length(pn.y1)*fh - pad
		if pn.aspect > 0 {
			da := pn.p.DataCanvas(c)
			dw, dh := da.Max.X-da.Min.X, da.Max.Y-da.Min.Y
			if want := vg.Length(pn.aspect) * dh; dw > want {
				cut := (dw - want) / 2
				c.Min.X += cut
				c.Max.X -= cut
			} else {
				cut := (dh - dw/vg.Length(pn.aspect)) / 2
				c.Min.Y += cut
				c.Max.Y -= cut
			}
		}
		pn.p.Draw(c)
	}
	if img != nil {
		// Best compression: figures are small and written once.
		enc := png.Encoder{CompressionLevel: png.BestCompression}
		return enc.Encode(w, img.Image())
	}
	_, err := svg.WriteTo(w)
	return err
}
