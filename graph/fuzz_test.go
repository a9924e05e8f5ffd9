package graph

import (
	"bytes"
	"errors"
	"os"
	"testing"
)

// checkParseError fails unless err is a *ParseError with a line number.
func checkParseError(t *testing.T, err error) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error is %T, not *ParseError: %v", err, err)
	}
	if pe.Line < 1 {
		t.Fatalf("error without a line number: %v", err)
	}
}

// FuzzParseSMILES: no input panics; every error is a located ParseError;
// every accepted SMILES writes out and reads back to the same graph.
func FuzzParseSMILES(f *testing.F) {
	for _, s := range []string{"CC(=O)Oc1ccccc1C(=O)O", "C[C@@H](N)C(=O)O", "F/C=C/F", "c1ccc2[nH]ccc2c1",
		"[13CH3:1][N+](C)(C)C", "C%12CC%12", "[O-][n+]1ccccc1", "C1CC2CCC1C2.[Na+]", "[H][C@](Cl)(Br)I", "C=1CC#1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseSMILES(s)
		if err != nil {
			checkParseError(t, err)
			return
		}
		out, order := writeSMILESOrder(m)
		m2, err := ParseSMILES(out)
		if err != nil {
			t.Fatalf("%q -> %q does not parse: %v", s, out, err)
		}
		if len(m2.Atoms) != len(m.Atoms) || len(m2.Bonds) != len(m.Bonds) || m2.Formula() != m.Formula() {
			t.Fatalf("%q -> %q changes the graph", s, out)
		}
		for k, i := range order {
			if m2.Atoms[k].Element != m.Atoms[i].Element || m2.TotalH(k) != m.TotalH(i) || m2.Atoms[k].Charge != m.Atoms[i].Charge {
				t.Fatalf("%q -> %q changes atom %d", s, out, i)
			}
		}
		_ = Summarize(m, s)
	})
}

// FuzzReadSDF: no input panics; errors are located ParseErrors; accepted
// records write out and read back.
func FuzzReadSDF(f *testing.F) {
	f.Add([]byte(waterMol))
	if b, err := os.ReadFile("testdata/conformers_v3000.sdf"); err == nil && len(b) > 4000 {
		f.Add(b[:4000])
	}
	f.Add([]byte("t\n\n\n  1  0  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0\nM  CHG  1   1  -1\nM  END\n$$$$\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := ReadSDF(bytes.NewReader(b), "fuzz.sdf")
		if err != nil {
			checkParseError(t, err)
		}
		for _, m := range ms {
			var buf bytes.Buffer
			if err := WriteSDF(&buf, m); err != nil {
				t.Fatal(err)
			}
			back, err := ReadSDF(&buf, "rewrite")
			if err != nil {
				t.Fatalf("rewritten record does not parse: %v\n%s", err, buf.String())
			}
			if len(back) != 1 || len(back[0].Atoms) != len(m.Atoms) || len(back[0].Bonds) != len(m.Bonds) {
				t.Fatalf("rewritten record differs")
			}
		}
	})
}

// FuzzReadXYZ: no input panics; errors are located ParseErrors.
func FuzzReadXYZ(f *testing.F) {
	f.Add([]byte("3\nwater\nO 0 0 0.1173\nH 0 0.7572 -0.4692\nH 0 -0.7572 -0.4692\n"))
	f.Add([]byte("2\n\nC 0 0 0\nO 0 0 1.2\n1\n\nH 0 0 0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ms, err := ReadXYZ(bytes.NewReader(b), "fuzz.xyz")
		if err != nil {
			checkParseError(t, err)
		}
		for _, m := range ms {
			var buf bytes.Buffer
			if err := WriteXYZ(&buf, m); err != nil {
				t.Fatal(err)
			}
		}
	})
}
