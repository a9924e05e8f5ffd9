package main

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/geosoc/geosoc/datasets"
)

func newTargetsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "targets",
		Short: "List the benchmark targets with dimension, manifold and exact log Z",
		Example: `  geosoc targets
  geosoc targets --json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			w := cmd.OutOrStdout()
			table := append(datasets.Table(), datasets.ManifoldTable()...)
			if asJSON {
				enc := json.NewEncoder(w)
				for _, t := range table {
					var lz any
					if !math.IsNaN(t.LogZ) {
						lz = t.LogZ
					}
					if err := enc.Encode(map[string]any{
						"name": t.Name, "dim": t.Dim, "manifold": t.Manifold,
						"log_z": lz, "exact_sampler": t.Exact, "ref_sigma": refSigmaOf(t), "description": t.Description,
					}); err != nil {
						return err
					}
				}
				return nil
			}
			tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "name\tdim\tmanifold\tlog Z\texact sampler\tref σ\tdescription")
			for _, t := range table {
				lz := "unknown"
				if !math.IsNaN(t.LogZ) {
					lz = strconv.FormatFloat(t.LogZ, 'g', 9, 64)
				}
				rs := "—"
				if v := refSigmaOf(t); v != nil {
					rs = strconv.FormatFloat(*v, 'g', -1, 64)
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%v\t%s\t%s\n", t.Name, t.Dim, t.Manifold, lz, t.Exact, rs, t.Description)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "one JSON object per line per target")
	return cmd
}

// refSigmaOf returns the default reference σ of a target on R^d
// (datasets.RefSigma), nil on a manifold.
func refSigmaOf(t datasets.Info) *float64 {
	if t.Manifold != "R^d" {
		return nil
	}
	v := datasets.RefSigma(t.Name)
	return &v
}
