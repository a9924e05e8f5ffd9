package main

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"
	"golang.org/x/term"
)

// progressMode says whether training shows a progress bar.
type progressMode int

const (
	progressAuto progressMode = iota // only when the log is a terminal
	progressOn                       // --progress (or --progress=true)
	progressOff                      // --progress=false
)

// addProgressFlag adds --progress to a command that may train.
func addProgressFlag(cmd *cobra.Command, f *trainFlags) {
	cmd.Flags().BoolVar(&f.progressOn, "progress", false,
		"training progress bar on stderr (default: only when stderr is a terminal; --progress=false: never)")
}

// progressSetting resolves --progress: auto unless the flag was given.
func progressSetting(cmd *cobra.Command, on bool) progressMode {
	switch {
	case !cmd.Flags().Changed("progress"):
		return progressAuto
	case on:
		return progressOn
	default:
		return progressOff
	}
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress is a training progress bar on the log writer; a nil *progress
// shows nothing.
type progress struct {
	w      io.Writer
	method string
	bar    *progressbar.ProgressBar
}

// newProgress returns the bar for mode on w, or nil when none is shown.
func newProgress(w io.Writer, mode progressMode, method string) *progress {
	if mode == progressOff || (mode == progressAuto && !isTerminal(w)) {
		return nil
	}
	return &progress{w: w, method: method}
}

// update is soc.Settings.Progress: it moves the bar to step of steps and
// shows the loss. The bar is created at the first step, when the total
// (after the method's defaults) is known.
func (p *progress) update(step, steps int, loss float64) {
	if p.bar == nil {
		p.bar = progressbar.NewOptions(steps,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetWidth(30),
			progressbar.OptionShowCount(),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(p.w) }),
		)
	}
	p.bar.Describe(fmt.Sprintf("%s loss %.4g", p.method, loss))
	p.bar.Set(step)
}

// finish completes the bar (when training ran to the end the bar is full
// already; after an error it stays where it stopped) and ends its line.
func (p *progress) finish() {
	if p == nil || p.bar == nil || p.bar.IsFinished() {
		return // nothing shown, or the completed bar ended its line
	}
	p.bar.Exit()
}
