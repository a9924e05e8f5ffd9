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
		{"simulate bad space", []string{"simulate", "--space", "klein"}, "klein"},
		{"simulate bad method", []string{"simulate", "--method", "rk4"}, "unknown method"},
		{"simulate bad steps", []string{"simulate", "--steps", "-3"}, "steps"},
		{"simulate zero t", []string{"simulate", "--t", "0"}, "--t > 0"},
		{"simulate zero steps", []string{"simulate", "--steps", "0"}, "--steps ≥ 1"},
		{"simulate lie-em off SO(3)", []string{"simulate", "--space", "s2", "--method", "lie-em", "--particles", "10"}, "LieEM needs SO(3)"},
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
	for _, name := range []string{"gmm40", "funnel10", "manywell32", "mw5", "twomodes", "manymodes", "dw4", "lj13", "vmf-s2", "igso3-mix", "vonmises-t4"} {
		require.Contains(t, out, name)
	}
	require.Contains(t, out, "164.69567", "Many-Well-32 exact log Z")
	code, out, _ = runCLI("targets", "--json")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 11)
	var first map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	require.Equal(t, "gmm40", first["name"])
}

func TestSimulate(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.npy")
	code, out, errOut := runCLI("simulate", "--space", "so3", "--method", "lie-em", "--t", "0.5", "--steps", "50", "--particles", "4000", "--out", path, "--json")
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Moments []struct {
			Name string  `json:"name"`
			Z    float64 `json:"z"`
		} `json:"moments"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	require.NotEmpty(t, rep.Moments)
	st, err := os.Stat(path)
	require.NoError(t, err)
	require.EqualValues(t, 128+4000*9*8, st.Size(), ".npy header + 4000×9 float64")
}

func TestMol(t *testing.T) {
	// Reference values: RDKit 2022.09 (graph/testdata/reference.tsv).
	code, out, errOut := runCLI("mol", "--smiles", "CC(C)Cc1ccc(cc1)[C@@H](C)C(=O)O ibuprofen", "--json")
	require.Equal(t, 0, code, errOut)
	var s map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, "C13H18O2", s["formula"])
	require.EqualValues(t, 15, s["heavy_atoms"])
	require.EqualValues(t, 1, s["stereocenters"])
	require.EqualValues(t, 4, s["rotatable_bonds"])

	code, _, errOut = runCLI("mol", "--smiles", "C1CC(")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "1:5")

	dir := t.TempDir()
	smi := filepath.Join(dir, "in.smi")
	require.NoError(t, os.WriteFile(smi, []byte("CCO ethanol\nC1CC( broken\nc1ccccc1 benzene\n"), 0o644))
	code, out, errOut = runCLI("mol", "--in", smi, "--json")
	require.Equal(t, 1, code, "partial failure exits 1")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, "the batch goes on after the bad record")
	require.Contains(t, lines[1], `"error"`)
	require.Contains(t, lines[1], "in.smi:2:5")
	require.Equal(t, 1, strings.Count(errOut, "\n"))

	// Human-readable: the table on stdout stays aligned, the error goes to
	// stderr with its line and column.
	code, out, errOut = runCLI("mol", "--in", smi)
	require.Equal(t, 1, code)
	require.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 3, "header + 2 molecules")
	require.Contains(t, errOut, "in.smi:2:5")
	require.Equal(t, 2, strings.Count(errOut, "\n"), "the record's error and the summary line")

	// No molecules at all is bad input.
	empty := filepath.Join(dir, "empty.sdf")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	for _, args := range [][]string{{"mol", "--smiles", " "}, {"mol", "--in", empty}, {"convert", "--in", empty, "--out", filepath.Join(dir, "e.smi")}} {
		code, _, errOut = runCLI(args...)
		require.Equal(t, 2, code, "%v", args)
		require.Contains(t, errOut, "no molecules")
	}
	_, err := os.Stat(filepath.Join(dir, "e.smi"))
	require.True(t, os.IsNotExist(err), "no output file for an empty conversion")

	code, _, errOut = runCLI("mol", "--in", filepath.Join(dir, "missing.smi"))
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "missing.smi")
	code, _, _ = runCLI("mol")
	require.Equal(t, 2, code)
}

func TestConvert(t *testing.T) {
	dir := t.TempDir()
	xyz := filepath.Join(dir, "c.xyz")
	code, out, errOut := runCLI("convert", "--in", "../../graph/testdata/conformers.sdf", "--out", xyz)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "wrote 45 molecules")
	sdf := filepath.Join(dir, "back.sdf")
	code, _, errOut = runCLI("convert", "--in", xyz, "--out", sdf)
	require.Equal(t, 0, code, errOut)
	code, out, errOut = runCLI("mol", "--in", sdf, "--json")
	require.Equal(t, 0, code, errOut)
	require.Len(t, strings.Split(strings.TrimSpace(out), "\n"), 45)

	// SMILES without coordinates cannot become XYZ: every record is
	// skipped, reported, and the output still appears complete (empty).
	smi := filepath.Join(dir, "in.smi")
	require.NoError(t, os.WriteFile(smi, []byte("CCO ethanol\n"), 0o644))
	code, _, errOut = runCLI("convert", "--in", smi, "--out", filepath.Join(dir, "x.xyz"))
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "no coordinates")

	code, _, errOut = runCLI("convert", "--in", smi, "--out", filepath.Join(dir, "x.pdb"))
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "unknown file extension")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		require.False(t, strings.HasPrefix(e.Name(), "."), "temporary file left: %s", e.Name())
	}
}

func TestSample(t *testing.T) {
	dir := t.TempDir()
	rep := filepath.Join(dir, "r.json")
	x := filepath.Join(dir, "x.npy")
	lw := filepath.Join(dir, "w.csv")
	code, out, errOut := runCLI("sample", "--target", "twomodes", "--method", "ais", "--n", "200", "--seed", "2",
		"--report", rep, "--out", x, "--weights", lw)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "log Z")
	b, err := os.ReadFile(rep)
	require.NoError(t, err)
	var r map[string]any
	require.NoError(t, json.Unmarshal(b, &r))
	for _, k := range []string{"target", "method", "n", "log_z", "log_z_std_err", "elbo", "ess_fraction", "energy_evals", "train_seconds", "sample_seconds", "exact_log_z"} {
		require.Contains(t, r, k)
	}
	require.Equal(t, "twomodes", r["target"])
	require.EqualValues(t, 0, r["exact_log_z"])
	st, err := os.Stat(x)
	require.NoError(t, err)
	require.EqualValues(t, 128+200*5*8, st.Size())
	wb, err := os.ReadFile(lw)
	require.NoError(t, err)
	require.Len(t, strings.Split(strings.TrimSpace(string(wb)), "\n"), 201, "header + 200 log-weights")

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sample", "--target", "nope"}, "unknown target"},
		{[]string{"sample", "--target", "mw5", "--method", "nope"}, "unknown method"},
		{[]string{"sample", "--target", "mw5", "--n", "0"}, "n must be positive"},
		{[]string{"sample"}, "--target is required"},
		{[]string{"sample", "--target", "mw5", "--method", "mala", "--n", "10", "--weights", filepath.Join(dir, "w2.npy")}, "unweighted"},
	} {
		code, out, errOut := runCLI(c.args...)
		require.Equal(t, 2, code, "%v", c.args)
		require.Empty(t, out)
		require.Contains(t, errOut, c.want)
		require.Equal(t, 1, strings.Count(errOut, "\n"))
	}
}

func TestTrainAndSampleLearned(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "m.model")
	code, out, errOut := runCLI("train", "--target", "twomodes", "--method", "logvar", "--steps", "5", "--out", model)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "model written to")

	code, out, errOut = runCLI("sample", "--target", "twomodes", "--method", "logvar", "--model", model, "--n", "200")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "logvar on twomodes")

	// Without a model, sample trains one first and says so.
	code, _, errOut = runCLI("sample", "--target", "twomodes", "--method", "adjoint", "--train-steps", "3", "--n", "100")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, errOut, "no --model given")

	corrupt := filepath.Join(dir, "bad.model")
	b, err := os.ReadFile(model)
	require.NoError(t, err)
	b[len(b)/2] ^= 0xff
	require.NoError(t, os.WriteFile(corrupt, b, 0o644))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"sample", "--target", "mw5", "--method", "logvar", "--model", model}, "another target"},
		{[]string{"sample", "--target", "twomodes", "--method", "logvar", "--model", corrupt}, "bad.model"},
		{[]string{"sample", "--target", "twomodes", "--method", "adjoint", "--model", model}, "trained with logvar"},
		{[]string{"sample", "--target", "twomodes", "--method", "smc", "--model", model}, "not a learned method"},
		{[]string{"train", "--target", "twomodes", "--method", "mala", "--out", filepath.Join(dir, "x")}, "unknown method"},
		{[]string{"train", "--target", "twomodes"}, "--out is required"},
	} {
		code, out, errOut := runCLI(c.args...)
		require.Equal(t, 2, code, "%v", c.args)
		require.Empty(t, out)
		require.Contains(t, errOut, c.want)
		require.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	}
	_, err = os.Stat(filepath.Join(dir, "x"))
	require.True(t, os.IsNotExist(err))
}
