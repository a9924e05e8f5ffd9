package main

import (
	"fmt"
	"io"
	"math"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/geosoc/geosoc/datasets"
	"github.com/geosoc/geosoc/internal/nn"
	"github.com/geosoc/geosoc/manifold"
	"github.com/geosoc/geosoc/sampler"
	"github.com/geosoc/geosoc/soc"
)

// trainFlags are the settings of `geosoc train` (and of the training that
// `geosoc sample` runs for a learned method given no model).
type trainFlags struct {
	target, method, out    string
	steps                  int
	seed                   uint64
	gradTerm               bool
	checkpoint, resumeFrom string
	// reference scale and the lrds reference fit
	refSigma                   float64
	family                     string
	components, chains, refine int
	// progressOn is the --progress flag; progress is what it resolves to
	// (see progressSetting).
	progressOn bool
	progress   progressMode
}

func newTrainCmd() *cobra.Command {
	var f trainFlags
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train a neural SOC control for a target and save the model",
		Long: `train fits a neural control u(t, x) that carries a reference diffusion to a
target (see geosoc targets) and writes the model file (architecture,
parameters, target, method and training settings). Methods: adjoint
(Adjoint Sampling), logvar (log-variance loss on detached paths), lrds
(log-variance on top of a learned Gaussian-mixture reference).

With --checkpoint the training state (parameters, optimiser, step, random
state) is saved as it goes; --resume continues from such a file and ends
exactly where an uninterrupted run would.`,
		Example: `  geosoc train --target twomodes --method logvar --grad-term --out twomodes.model
  geosoc sample --target twomodes --method logvar --model twomodes.model --n 10000`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.out == "" {
				return fmt.Errorf("train: --out is required")
			}
			f.progress = progressSetting(cmd, f.progressOn)
			m, rep, err := trainModel(cmd.ErrOrStderr(), f)
			if err != nil {
				return err
			}
			if err := soc.Save(f.out, m); err != nil {
				return fmt.Errorf("writing %s: %w", f.out, err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "trained %s on %s in %.1f s (%d energy, %d gradient evaluations); model written to %s\n",
				rep.Method, rep.Target, rep.TrainSeconds, rep.EnergyEvals, rep.GradEvals, f.out)
			return nil
		},
	}
	addTrainFlags(cmd, &f)
	addProgressFlag(cmd, &f)
	cmd.Flags().StringVar(&f.out, "out", "", "model file to write")
	return cmd
}

func addTrainFlags(cmd *cobra.Command, f *trainFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.target, "target", "", "target name (see geosoc targets)")
	fl.StringVar(&f.method, "method", "logvar", "method: adjoint, logvar or lrds (sample also takes the baselines)")
	fl.IntVar(&f.steps, "steps", 0, "optimiser steps (0: the method's default)")
	fl.Uint64Var(&f.seed, "seed", 1, "random seed")
	fl.BoolVar(&f.gradTerm, "grad-term", false, "add a learned multiple of the target's gradient to the control")
	fl.StringVar(&f.checkpoint, "checkpoint", "", "save the training state to this file as it goes")
	fl.StringVar(&f.resumeFrom, "resume", "", "continue the training saved in this checkpoint")
	fl.Float64Var(&f.refSigma, "ref-sigma", 0, "σ of the Brownian reference on R^d (logvar, lrds: constant σ; adjoint: geometric schedule up to σ; 0: the target's default, see geosoc targets)")
	addLRDSFlags(cmd, f)
}

// addLRDSFlags adds the flags of the lrds reference fit.
func addLRDSFlags(cmd *cobra.Command, f *trainFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.family, "family", "", "lrds reference family: auto, isotropic, diagonal or product (empty: auto, which compares isotropic with product on R^d and tori, with diagonal on products; spheres and SO(3): isotropic)")
	fl.IntVar(&f.components, "components", 0, "lrds mixture components (per coordinate for product; 0: 8, on spheres, SO(3) and their products 32)")
	fl.IntVar(&f.chains, "chains", 0, "lrds annealed-MALA chains (0: 512)")
	fl.IntVar(&f.refine, "refine", 0, "lrds reference refinement rounds (0: 10, negative: none)")
}

// trainModel trains f.method on f.target, reporting progress on log.
func trainModel(log io.Writer, f trainFlags) (*soc.Model, sampler.Report, error) {
	if f.target == "" {
		return nil, sampler.Report{}, fmt.Errorf("train: --target is required (see geosoc targets)")
	}
	if !slices.Contains(soc.Methods, f.method) {
		return nil, sampler.Report{}, fmt.Errorf("%w %q (learned methods: adjoint, logvar, lrds)", soc.ErrUnknownMethod, f.method)
	}
	if f.steps < 0 {
		return nil, sampler.Report{}, fmt.Errorf("train: steps must be non-negative, got %d", f.steps)
	}
	t, err := datasets.Lookup(f.target)
	if err != nil {
		return nil, sampler.Report{}, err
	}
	s := &soc.Settings{Steps: f.steps, Seed: f.seed, GradTerm: f.gradTerm, CheckpointPath: f.checkpoint,
		Family: f.family, Components: f.components, Chains: f.chains, RefineRounds: f.refine}
	if f.components < 0 || f.chains < 0 {
		return nil, sampler.Report{}, fmt.Errorf("train: --components and --chains must be non-negative")
	}
	if f.refSigma < 0 || math.IsNaN(f.refSigma) || math.IsInf(f.refSigma, 0) {
		return nil, sampler.Report{}, fmt.Errorf("train: --ref-sigma must be a positive number, got %v", f.refSigma)
	}
	if _, manifoldTarget := t.(interface{ Space() manifold.Manifold }); !manifoldTarget {
		// On R^d: --ref-sigma, or the target's datasets.RefSigma (adjoint:
		// its geometric schedule up to at least 3, the method default).
		sigma := f.refSigma
		if sigma == 0 {
			sigma = datasets.RefSigma(f.target)
		}
		if f.method == "adjoint" {
			if f.refSigma == 0 {
				sigma = math.Max(sigma, 3)
			}
			s.Reference = &soc.RefSpec{Kind: "brownian", Sigma: soc.ScheduleSpec{Kind: "geometric", A: 0.05, B: sigma}, Steps: 50}
		} else {
			s.Reference = &soc.RefSpec{Kind: "brownian", Sigma: soc.ScheduleSpec{Kind: "constant", A: sigma}, Steps: 50}
		}
	}
	if sp, ok := t.(interface{ Space() manifold.Manifold }); ok {
		s.Space = sp.Space()
	}
	if f.resumeFrom != "" {
		cp, err := nn.Load(f.resumeFrom)
		if err != nil {
			return nil, sampler.Report{}, fmt.Errorf("--resume: %v", err)
		}
		s.Resume = cp
	}
	fmt.Fprintf(log, "geosoc: training %s on %s (seed %d) ...\n", f.method, f.target, f.seed)
	start := time.Now()
	bar := newProgress(log, f.progress, f.method)
	if bar != nil {
		s.Progress = bar.update
	}
	m, rep, err := soc.Train(f.method, t, s)
	bar.finish()
	if err != nil {
		return nil, rep, err
	}
	fmt.Fprintf(log, "geosoc: trained in %.1f s\n", time.Since(start).Seconds())
	return m, rep, nil
}
