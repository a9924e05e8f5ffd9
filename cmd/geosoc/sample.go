package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/internal/fileio"
	"github.com/geosoc/geosoc/internal/plot"
	"github.com/geosoc/geosoc/sampler"
	"github.com/geosoc/geosoc/soc"
)

// sampleFlags are the settings of `geosoc sample`.
type sampleFlags struct {
	target, method       string
	n                    int
	seed                 uint64
	out, weights, report string
	refSigma             float64
	eubo                 bool
	model                string
	plot, plotSize       string
	train                trainFlags
}

func newSampleCmd() *cobra.Command {
	var f sampleFlags
	cmd := &cobra.Command{
		Use:   "sample",
		Short: "Sample a benchmark target and report log Z, ESS and distances",
		Long: `sample draws --n samples of a target (see geosoc targets) with a method and
reports the estimates every method shares: log Z (with its standard error),
ELBO, ESS/N, energy and gradient evaluations, times, and for targets with
known modes or exact samples the mode coverage, mode-weight error, energy
distance and Sinkhorn distance. A warning is printed when the importance
weights are degenerate (ESS/N below 1 %), which is how mode collapse shows.

Methods: the learned SOC samplers adjoint, logvar and lrds (see geosoc
train; without --model, sample trains one first with the default settings
and says so on stderr), and the baselines mala (MALA chains), ais (annealed
importance sampling), smc (adaptive-tempering SMC), pt (parallel
tempering), follmer (Monte Carlo Föllmer drift, training-free).

--plot FILE.png (or .svg) draws the samples for the target's space: on R²
and S² the target density with the samples on top (S² in the Hammer
equal-area projection), on R^d and tori a scatter of the first two
coordinates and histograms of the first four (importance-weighted, exact
samples overlaid where the target has them), on SO(3) the rotation angle
histogram and the rotation axes. The format is checked before sampling.
When sample trains a model, --progress shows the progress bar (as train).`,
		Example: `  geosoc sample --target mw5 --method smc --n 2000 --seed 1 --report mw5.json
  geosoc sample --target vmf-s2 --method ais --n 1000 --out samples.npy --weights logw.npy
  geosoc sample --target gmm40 --method smc --n 2000 --plot gmm40.png`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f.train.progress = progressSetting(cmd, f.train.progressOn)
			return runSample(cmd.OutOrStdout(), cmd.ErrOrStderr(), f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.target, "target", "", "target name (see geosoc targets)")
	fl.StringVar(&f.method, "method", "smc", "method: mala, ais, smc, pt or follmer")
	fl.IntVar(&f.n, "n", 1000, "number of samples (chains or particles)")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed")
	fl.StringVar(&f.out, "out", "", "write the samples to this file (.npy or CSV)")
	fl.StringVar(&f.weights, "weights", "", "write the log importance weights to this file (.npy or CSV)")
	fl.StringVar(&f.report, "report", "", "write the JSON report to this file")
	fl.Float64Var(&f.refSigma, "ref-sigma", 0, "reference standard deviation on R^d (baselines, and the training of a learned method; 0: the target's default, see geosoc targets)")
	fl.StringVar(&f.model, "model", "", "model file of a learned method (from geosoc train)")
	fl.IntVar(&f.train.steps, "train-steps", 0, "optimiser steps when sample trains a model itself (0: default)")
	fl.BoolVar(&f.train.gradTerm, "grad-term", false, "when sample trains a model itself: add the target-gradient term")
	addLRDSFlags(cmd, &f.train)
	fl.BoolVar(&f.eubo, "eubo", false, "ais, smc: also run n exact target samples backwards for the EUBO (reverse AIS / reverse SMC; about twice the evaluations; targets with exact samples)")
	fl.StringVar(&f.plot, "plot", "", "draw the samples into this figure (.png or .svg)")
	fl.StringVar(&f.plotSize, "plot-size", "1050x700", "figure size in pixels, WIDTHxHEIGHT")
	addProgressFlag(cmd, &f.train)
	return cmd
}

func runSample(w, log io.Writer, f sampleFlags) error {
	if f.target == "" {
		return fmt.Errorf("sample: --target is required (see geosoc targets)")
	}
	if f.n <= 0 {
		return fmt.Errorf("sample: n must be positive, got %d", f.n)
	}
	// The figure's format and size are checked before any sampling or
	// training.
	var po plot.Options
	if f.plot != "" {
		if _, err := plot.FormatOf(f.plot); err != nil {
			return fmt.Errorf("--plot: %w", err)
		}
		w, h, err := parseSize(f.plotSize)
		if err != nil {
			return err
		}
		po = plot.Options{Width: w, Height: h, Seed: f.seed,
			Title: fmt.Sprintf("%s on %s (n = %d, seed %d)", f.method, f.target, f.n, f.seed)}
	}
	t, err := datasets.Lookup(f.target)
	if err != nil {
		return err
	}
	var out sampler.Output
	var rep sampler.Report
	if slices.Contains(soc.Methods, f.method) {
		var m *soc.Model
		if f.model != "" {
			if m, err = soc.Load(f.model, t); err != nil {
				return fmt.Errorf("--model %s: %v", f.model, err)
			}
			if m.Method != f.method {
				return fmt.Errorf("--model %s was trained with %s, not %s", f.model, m.Method, f.method)
			}
		} else {
			fmt.Fprintf(log, "geosoc: no --model given: training %s with its default settings first\n", f.method)
			tf := f.train
			tf.target, tf.method, tf.seed, tf.refSigma = f.target, f.method, f.seed, f.refSigma
			if m, _, err = trainModel(log, tf); err != nil {
				return err
			}
		}
		if out, rep, err = soc.Sample(m, t, f.n, f.seed); err == nil {
			sampler.Diagnose(&rep, t, out, f.seed, 0)
		}
	} else {
		if f.model != "" {
			return fmt.Errorf("--model: method %s is not a learned method", f.method)
		}
		out, rep, err = sampler.RunBaseline(f.method, t, sampler.Options{N: f.n, Seed: f.seed, RefSigma: refSigma(f.refSigma, f.target), EUBO: f.eubo})
	}
	if err != nil {
		return err
	}
	if f.weights != "" && out.LogWeights == nil {
		return fmt.Errorf("--weights: method %s gives unweighted samples", f.method)
	}
	if f.out != "" {
		header := make([]string, out.Dim)
		for i := range header {
			header[i] = "x" + strconv.Itoa(i)
		}
		if err := fileio.WriteMatrixFile(f.out, header, out.Samples, out.Dim); err != nil {
			return fmt.Errorf("writing %s: %w", f.out, err)
		}
	}
	if f.weights != "" {
		if err := fileio.WriteMatrixFile(f.weights, []string{"log_w"}, out.LogWeights, 1); err != nil {
			return fmt.Errorf("writing %s: %w", f.weights, err)
		}
	}
	if f.plot != "" {
		if err := plot.WriteFile(f.plot, out.Samples, out.Dim, out.LogWeights, t, po); err != nil {
			return fmt.Errorf("writing %s: %w", f.plot, err)
		}
	}
	if f.report != "" {
		if err := fileio.WriteAtomic(f.report, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(rep)
		}); err != nil {
			return fmt.Errorf("writing %s: %w", f.report, err)
		}
	}
	printReport(w, rep)
	return nil
}

// maxPlotSide is the largest figure side accepted by --plot-size, in pixels.
const maxPlotSide = 10000

// parseSize parses --plot-size, "WIDTHxHEIGHT" in pixels, each in
// [100, maxPlotSide].
func parseSize(s string) (w, h int, err error) {
	a, b, ok := strings.Cut(strings.ToLower(s), "x")
	if ok {
		w, err = strconv.Atoi(a)
		if err == nil {
			h, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || w < 100 || h < 100 || w > maxPlotSide || h > maxPlotSide {
		return 0, 0, fmt.Errorf("--plot-size %q: want WIDTHxHEIGHT in pixels, each from 100 to %d", s, maxPlotSide)
	}
	return w, h, nil
}

// printReport writes the finite fields of a report, one per line.
func printReport(w io.Writer, r sampler.Report) {
	fmt.Fprintf(w, "%s on %s: n = %d, seed = %d\n", r.Method, r.Target, r.N, r.Seed)
	line := func(name string, v float64) {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			fmt.Fprintf(w, "  %-18s %.6g\n", name, v)
		}
	}
	line("log Z", r.LogZ)
	line("log Z std err", r.LogZStdErr)
	line("exact log Z", r.ExactLogZ)
	line("ELBO", r.ELBO)
	line("EUBO", r.EUBO)
	line("ESS/N", r.ESSFraction)
	line("mode coverage", r.ModeCoverage)
	line("mode weight error", r.ModeWeightError)
	line("energy distance", r.EnergyDistance)
	line("Sinkhorn", r.Sinkhorn)
	fmt.Fprintf(w, "  %-18s %d\n  %-18s %d\n", "energy evals", r.EnergyEvals, "gradient evals", r.GradEvals)
	line("train seconds", r.TrainSeconds)
	line("sample seconds", r.SampleSeconds)
	for _, s := range r.Warnings {
		fmt.Fprintf(w, "  warning: %s\n", s)
	}
}

// refSigma returns flag, or the target's default reference σ when it is 0.
func refSigma(flag float64, target string) float64 {
	if flag != 0 {
		return flag
	}
	return datasets.RefSigma(target)
}
