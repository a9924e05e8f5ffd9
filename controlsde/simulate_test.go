package controlsde

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/manifold"
)

func TestParseSpace(t *testing.T) {
	for _, tc := range []struct {
		spec         string
		dim, ambient int
		wantType     any
	}{
		{"s2", 2, 3, manifold.Sphere{}},
		{"sphere:5", 5, 6, manifold.Sphere{}},
		{"S1", 1, 2, manifold.Sphere{}},
		{"so3", 3, 9, manifold.SO3{}},
		{"torus:4", 4, 4, manifold.Torus{}},
		{"t2", 2, 2, manifold.Torus{}},
		{"r3", 3, 3, manifold.Euclidean{}},
		{"euclidean:7", 7, 7, manifold.Euclidean{}},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			m, err := ParseSpace(tc.spec)
			require.NoError(t, err)
			assert.Equal(t, tc.dim, m.Dim())
			assert.Equal(t, tc.ambient, m.AmbientDim())
			assert.IsType(t, tc.wantType, m)
		})
	}
	for _, bad := range []string{"", "s", "s0", "sphere:-1", "hyperbolic:2", "torus:x", "so4"} {
		_, err := ParseSpace(bad)
		assert.ErrorIs(t, err, ErrSpace, bad)
	}
}

func TestSimulateBrownian(t *testing.T) {
	// Every moment check of the report must be within 4 SE plus the
	// scheme's O(Δt) bias (below 0.01 at 100 steps, T = 0.5, for these
	// moments; zero for Exact and on R^n and T^n).
	for _, tc := range []struct{ space, method string }{
		{"r3", "exact"}, {"r3", "heun"}, {"s2", ""}, {"sphere:4", "exact"}, {"so3", "lie-em"}, {"torus:3", "exact"}, {"t2", "projected-em"},
	} {
		t.Run(tc.space+"/"+tc.method, func(t *testing.T) {
			rep, err := SimulateBrownian(BrownianOptions{Space: tc.space, Method: tc.method, Particles: 2000, Steps: 100, T: 0.5, Seed: 81})
			require.NoError(t, err)
			require.Len(t, rep.Moments, 2)
			require.Len(t, rep.Samples, 2000*rep.Dim)
			for _, mc := range rep.Moments {
				assert.InDelta(t, mc.Exact, mc.Estimate, 4*mc.StdErr+0.01, mc.Name)
			}
		})
	}
	_, err := SimulateBrownian(BrownianOptions{Space: "s2", Start: []float64{1, 1, 0}})
	assert.ErrorIs(t, err, manifold.ErrNotOnManifold)
	_, err = SimulateBrownian(BrownianOptions{Space: "s2", Method: "lie-em"})
	assert.ErrorIs(t, err, ErrUnsupported)
	_, err = SimulateBrownian(BrownianOptions{Space: "s2", Method: "rk4"})
	assert.ErrorIs(t, err, ErrProblem)
}

// readNPY parses a version-1.0 .npy file of '<f8' values.
func readNPY(t *testing.T, path string) (header string, data []float64) {
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "\x93NUMPY\x01\x00", string(b[:8]))
	hl := int(binary.LittleEndian.Uint16(b[8:10]))
	require.Zero(t, (10+hl)%64, "data must start 64-byte aligned")
	header = string(b[10 : 10+hl])
	require.True(t, strings.HasSuffix(header, "\n"))
	raw := b[10+hl:]
	require.Zero(t, len(raw)%8)
	for i := 0; i < len(raw); i += 8 {
		data = append(data, math.Float64frombits(binary.LittleEndian.Uint64(raw[i:])))
	}
	return header, data
}

func TestWriters(t *testing.T) {
	dir := t.TempDir()
	data := []float64{1, -2.5, math.Pi, 1e-300, math.Inf(1), 0.1}
	p := filepath.Join(dir, "x.npy")
	require.NoError(t, WriteNPY(p, data, 3, 2))
	h, got := readNPY(t, p)
	assert.Contains(t, h, "'descr': '<f8', 'fortran_order': False, 'shape': (3, 2), }")
	assert.Equal(t, data, got)
	require.NoError(t, WriteNPY(p, data, 6))
	h, _ = readNPY(t, p)
	assert.Contains(t, h, "'shape': (6,), }")

	c := filepath.Join(dir, "x.csv")
	require.NoError(t, WriteCSV(c, data, 2, []string{"a", "b"}))
	b, err := os.ReadFile(c)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, lines, 4)
	assert.Equal(t, "a,b", lines[0])
	var back []float64
	for _, l := range lines[1:] {
		for _, f := range strings.Split(l, ",") {
			v, err := strconv.ParseFloat(f, 64)
			require.NoError(t, err)
			back = append(back, v)
		}
	}
	assert.Equal(t, data, back, "CSV values read back exactly")
	// No temporary files are left behind.
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 2)
	// A write into a missing directory fails without creating anything.
	assert.Error(t, WriteNPY(filepath.Join(dir, "missing", "y.npy"), data, 6))
}
