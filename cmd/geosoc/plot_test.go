package main

import (
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSamplePlot(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "t4.png")
	code, out, errOut := runCLI("sample", "--target", "vonmises-t4", "--method", "smc", "--n", "200", "--seed", "2",
		"--plot", path, "--plot-size", "400x300")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "smc on vonmises-t4")
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	require.NoError(t, err)
	assert.Equal(t, 400, img.Bounds().Dx())
	assert.Equal(t, 300, img.Bounds().Dy())
	entries, _ := os.ReadDir(dir)
	require.Len(t, entries, 1, "no temporary files left")
}

func TestSamplePlotBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		args []string
		want string
	}{
		// A learned method without --model would train first: the one-line
		// error shows the format was refused before any training.
		{"bad extension", []string{"sample", "--target", "twomodes", "--method", "adjoint", "--plot", filepath.Join(dir, "x.pdf")}, `unsupported format ".pdf"`},
		{"no extension", []string{"sample", "--target", "mw5", "--plot", filepath.Join(dir, "x")}, "unsupported format"},
		{"bad size", []string{"sample", "--target", "mw5", "--plot", filepath.Join(dir, "x.png"), "--plot-size", "20x10"}, "--plot-size"},
		{"unparsable size", []string{"sample", "--target", "mw5", "--plot", filepath.Join(dir, "x.png"), "--plot-size", "big"}, "WIDTHxHEIGHT"},
		{"unwritable", []string{"sample", "--target", "mw5", "--n", "50", "--plot", "/nonexistent/dir/x.png"}, "writing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(c.args...)
			require.Equal(t, 2, code)
			if c.name != "unwritable" {
				require.Empty(t, out)
			}
			require.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			require.True(t, strings.HasPrefix(errOut, "geosoc: "), errOut)
			require.Contains(t, errOut, c.want)
		})
	}
	entries, _ := os.ReadDir(dir)
	require.Empty(t, entries, "no file written")
}

func TestTrainProgress(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.model")
	train := func(extra ...string) string {
		args := append([]string{"train", "--target", "twomodes", "--method", "logvar", "--steps", "3", "--out", model}, extra...)
		code, _, errOut := runCLI(args...)
		require.Equal(t, 0, code, errOut)
		return errOut
	}
	// The test's stderr is a buffer, not a terminal: no bar unless forced.
	assert.NotContains(t, train(), "loss")
	assert.NotContains(t, train("--progress=false"), "loss")
	forced := train("--progress")
	assert.Contains(t, forced, "logvar loss")
	assert.Contains(t, forced, "3/3")

	// sample trains first when given no model: the same bar.
	code, _, errOut := runCLI("sample", "--target", "twomodes", "--method", "adjoint", "--train-steps", "2", "--n", "50", "--progress")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, errOut, "adjoint loss")
	assert.Contains(t, errOut, "2/2")
}
