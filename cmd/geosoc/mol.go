package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/geosoc/geosoc/graph"
	"github.com/geosoc/geosoc/internal/fileio"
)

// errPartial is returned when a batch finished but some records failed; it
// maps to exit status 1 (see run), after the per-record errors were printed.
var errPartial = errors.New("some records failed")

func newMolCmd() *cobra.Command {
	var smiles, in, format string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "mol",
		Short: "Summarise molecules: formula, weight, rings, stereocentres, rotatable bonds",
		Long: `mol reads one SMILES (--smiles) or a file (--in: .smi with lines
"SMILES name", .sdf/.mol, .xyz) and prints, per molecule, the formula (Hill
order, hydrogens included), molecular weight, heavy atoms, rings (smallest
set of smallest rings), aromatic atoms, stereocentres and rotatable bonds.

A record that fails is reported (on stderr, or as a JSON object with --json)
with its line and column and the batch goes on; the exit status is then 1.
Input without any molecule is an error (exit 2). --json prints one JSON object per line with
the keys name, smiles, formula, mol_weight, heavy_atoms, rings,
aromatic_atoms, stereocenters, rotatable_bonds, or name and error.`,
		Example: `  geosoc mol --smiles 'CC(=O)Oc1ccccc1C(=O)O aspirin'
  geosoc mol --in drugs.smi --json
  geosoc mol --in conformers.sdf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if (smiles == "") == (in == "") {
				return errors.New("mol: give exactly one of --smiles or --in")
			}
			var r io.Reader
			source := in
			f := graph.FormatSMILES
			if smiles != "" {
				r, source = strings.NewReader(smiles), "--smiles"
			} else {
				var err error
				if f, err = inputFormat(in, format); err != nil {
					return err
				}
				file, err := os.Open(in)
				if err != nil {
					return err
				}
				defer file.Close()
				r = file
			}
			w := cmd.OutOrStdout()
			tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
			enc := json.NewEncoder(w)
			header := false
			records := 0
			failed, err := graph.SummarizeAll(r, f, source, func(s graph.Summary) error {
				records++
				if s.Error != "" && smiles != "" {
					// One molecule given on the command line: a parse
					// error is bad input (one line, exit 2).
					return errors.New(s.Error)
				}
				if asJSON {
					return enc.Encode(s)
				}
				if s.Error != "" {
					// Errors go to stderr so the table stays aligned.
					fmt.Fprintf(cmd.ErrOrStderr(), "geosoc: %s: %s\n", s.Name, s.Error)
					return nil
				}
				if !header {
					header = true
					fmt.Fprintln(tw, "name\tformula\tweight\theavy\trings\taromatic\tstereo\trotatable\tsmiles")
				}
				_, err := fmt.Fprintf(tw, "%s\t%s\t%.3f\t%d\t%d\t%d\t%d\t%d\t%s\n", s.Name, s.Formula, s.MolWeight,
					s.HeavyAtoms, s.Rings, s.AromaticAtoms, s.StereoCenters, s.RotatableBonds, s.SMILES)
				return err
			})
			if ferr := tw.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			if records == 0 {
				return fmt.Errorf("%s: no molecules", source)
			}
			if failed > 0 {
				return fmt.Errorf("%w: %d of %d in %s", errPartial, failed, records, source)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&smiles, "smiles", "", "a SMILES string, optionally followed by a name")
	f.StringVar(&in, "in", "", "input file (.smi, .sdf, .mol, .xyz)")
	f.StringVar(&format, "format", "", "input format when the extension does not say: smi, sdf or xyz")
	f.BoolVar(&asJSON, "json", false, "one JSON object per line per molecule")
	return cmd
}

func inputFormat(path, flag string) (graph.Format, error) {
	if flag != "" {
		return graph.ParseFormat(flag)
	}
	if f := graph.FormatFromPath(path); f != graph.FormatUnknown {
		return f, nil
	}
	return graph.FormatUnknown, fmt.Errorf("%s: unknown file extension (want .smi, .sdf, .mol or .xyz, or set the format)", path)
}

func newConvertCmd() *cobra.Command {
	var in, out, from, to string
	cmd := &cobra.Command{
		Use:   "convert",
		Short: "Convert molecules between SMILES, SDF and XYZ",
		Long: `convert reads every record of --in and writes it to --out, choosing the
formats from the extensions (or --from / --to). Writing XYZ, or SDF for a
molecule with stereochemistry, needs coordinates. A record that cannot be
read or written is reported on stderr with its line and column and skipped;
the exit status is then 1. The output appears only once it is complete
(written to a temporary file, then renamed).`,
		Example: `  geosoc convert --in conformers.sdf --out conformers.xyz
  geosoc convert --in drugs.smi --out drugs.sdf`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if in == "" || out == "" {
				return errors.New("convert: --in and --out are required")
			}
			fin, err := inputFormat(in, from)
			if err != nil {
				return err
			}
			fout, err := inputFormat(out, to)
			if err != nil {
				return err
			}
			file, err := os.Open(in)
			if err != nil {
				return err
			}
			defer file.Close()
			rd, err := graph.NewReader(file, fin, in)
			if err != nil {
				return err
			}
			skipped, written := 0, 0
			stderr := cmd.ErrOrStderr()
			err = fileio.WriteAtomic(out, func(w io.Writer) error {
				for {
					m, err := rd.Next()
					if err == io.EOF {
						if written+skipped == 0 {
							return fmt.Errorf("%s: no molecules", in)
						}
						return nil
					}
					var pe *graph.ParseError
					if errors.As(err, &pe) {
						skipped++
						fmt.Fprintf(stderr, "geosoc: %v (skipped)\n", err)
						continue
					}
					if err != nil {
						return err
					}
					if err := graph.WriteMolecule(w, m, fout); err != nil {
						if errors.Is(err, graph.ErrNoCoordinates) {
							skipped++
							fmt.Fprintf(stderr, "geosoc: %s: %v (skipped)\n", in, err)
							continue
						}
						return err
					}
					written++
				}
			})
			if err != nil {
				return fmt.Errorf("convert %s to %s: %v", in, out, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d molecules to %s\n", written, out)
			if skipped > 0 {
				return fmt.Errorf("%w: %d skipped", errPartial, skipped)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in, "in", "", "input file (.smi, .sdf, .mol, .xyz)")
	f.StringVar(&out, "out", "", "output file (.smi, .sdf, .xyz)")
	f.StringVar(&from, "from", "", "input format when the extension does not say: smi, sdf or xyz")
	f.StringVar(&to, "to", "", "output format when the extension does not say: smi, sdf or xyz")
	return cmd
}
