// Command geosoc generates samples that obey geometry, symmetry and
// physics. Run `geosoc --help` for the commands.
//
// Errors print one line to standard error and exit with status 2; a batch
// command (mol, convert) that ran but skipped bad records exits with 1.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/geosoc/geosoc/manifold"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	root := newRoot()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if err := root.Execute(); err != nil {
		msg := strings.ReplaceAll(strings.TrimSpace(err.Error()), "\n", " ")
		fmt.Fprintf(stderr, "geosoc: %s\n", msg)
		if errors.Is(err, errPartial) {
			// The batch ran; some records failed and were reported.
			return 1
		}
		return 2
	}
	return 0
}

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "geosoc",
		Short: "Samples that obey geometry, symmetry and physics",
		Long: `geosoc generates samples on structured spaces: spheres, SO(3), tori and
products, with exact densities, heat kernels and samplers, and controlled
SDEs whose path weights say how far samples are from their target.`,
		Example: `  geosoc draw --manifold s2 --dist heat --t 0.5 --n 100000 --seed 1
  geosoc draw --manifold so3 --dist heat --t 0.3 --out samples.npy
  geosoc mol --smiles 'CC(C)Cc1ccc(cc1)[C@@H](C)C(=O)O ibuprofen' --json`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newDrawCmd(), newSimulateCmd(), newTargetsCmd(), newMolCmd(), newConvertCmd(), newSampleCmd(), newTrainCmd())
	return root
}

// printMoments writes the moment checks as a table, then where the samples
// went (if out is set).
func printMoments(w io.Writer, ms []manifold.MomentCheck, out string) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "moment\tsample mean\tstd err\texact\tz")
	for _, m := range ms {
		fmt.Fprintf(tw, "%s\t%.6f\t%.2g\t%.6f\t%+.2f\n", m.Name, m.Mean, m.StdErr, m.Exact, m.Z)
	}
	if out != "" {
		fmt.Fprintf(tw, "samples written to %s\n", out)
	}
	return tw.Flush()
}
