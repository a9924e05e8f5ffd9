package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(args, &o, &e)
	return code, o.String(), e.String()
}

func TestHelp(t *testing.T) {
	code, out, _ := runCLI("--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "draw")
	code, out, _ = runCLI("draw", "--help")
	require.Equal(t, 0, code)
	require.Contains(t, out, "--manifold")
}

func TestBadInputOneLineExit2(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"nope"}, "unknown command"},
		{"unknown flag", []string{"draw", "--nope"}, "unknown flag"},
		{"bad n", []string{"draw", "--n", "0"}, "n must be positive"},
		{"bad manifold", []string{"draw", "--manifold", "klein"}, "unknown manifold"},
		{"bad law", []string{"draw", "--dist", "cauchy"}, "unknown distribution"},
		{"bad t", []string{"draw", "--dist", "heat", "--t", "-1"}, "t > 0"},
		{"non-compact uniform", []string{"draw", "--manifold", "r2", "--dist", "uniform"}, "infinite volume"},
		{"unwritable out", []string{"draw", "--n", "10", "--out", "/nonexistent/dir/x.csv"}, "writing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := runCLI(c.args...)
			require.Equal(t, 2, code)
			require.Empty(t, out)
			require.Equal(t, 1, strings.Count(errOut, "\n"), "one line: %q", errOut)
			require.True(t, strings.HasPrefix(errOut, "geosoc: "), errOut)
			require.Contains(t, errOut, c.want)
		})
	}
}

func TestDrawWritesFilesAndJSON(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"s.csv", "s.npy"} {
		path := filepath.Join(dir, name)
		code, out, errOut := runCLI("draw", "--manifold", "s2", "--dist", "uniform", "--n", "1000", "--seed", "3", "--out", path, "--json")
		require.Equal(t, 0, code, errOut)
		var sum map[string]any
		require.NoError(t, json.Unmarshal([]byte(out), &sum))
		require.EqualValues(t, 1000, sum["n"])
		st, err := os.Stat(path)
		require.NoError(t, err)
		require.Positive(t, st.Size())
	}
	entries, _ := os.ReadDir(dir)
	require.Len(t, entries, 2, "no temporary files left")
}

func TestTargets(t *testing.T) {
	code, out, errOut := runCLI("targets")
	require.Equal(t, 0, code, errOut)
	for _, name := range []string{"gmm40", "funnel10", "manywell32", "mw5", "twomodes", "manymodes", "dw4", "lj13"} {
		require.Contains(t, out, name)
	}
	require.Contains(t, out, "164.69567", "Many-Well-32 exact log Z")
	code, out, _ = runCLI("targets", "--json")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 8)
	var first map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.Equal(t, "gmm40", first["name"])
}
