package sampler

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/geosoc/geosoc/datasets"
)

func TestReportJSONNullsNaN(t *testing.T) {
	r := NewReport("mw5", "mala", 10, 1)
	r.LogZ = -0.5
	r.EnergyEvals = 42
	b, err := json.Marshal(r)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	require.Equal(t, -0.5, m["log_z"])
	require.Nil(t, m["elbo"])
	require.Contains(t, m, "elbo")
	require.EqualValues(t, 42, m["energy_evals"])
	require.Equal(t, "mw5", m["target"])
	for _, k := range []string{"target", "method", "n", "log_z", "log_z_std_err", "elbo", "ess_fraction", "energy_evals", "train_seconds", "sample_seconds", "exact_log_z", "accept_rate", "swap_rate"} {
		require.Contains(t, m, k)
	}
}

func TestCounting(t *testing.T) {
	tg, err := datasets.Lookup("mw5")
	require.NoError(t, err)
	c := NewCounting(tg)
	x := make([]float64, 5)
	g := make([]float64, 5)
	c.LogDensity(x)
	c.GradLogDensity(g, x)
	e, gr := c.Counts()
	require.EqualValues(t, 2, e)
	require.EqualValues(t, 1, gr)
	lz, ok := c.LogZ()
	require.True(t, ok)
	require.InDelta(t, -0.541056, lz, 1e-6)
}
