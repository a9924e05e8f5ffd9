package sampler

import (
	"encoding/json"
	"math"
)

// MarshalJSON writes the report with NaN and ±Inf estimates as null (JSON
// has no NaN).
func (r Report) MarshalJSON() ([]byte, error) {
	type plain Report
	b, err := json.Marshal(struct {
		plain
		LogZ            *float64 `json:"log_z"`
		LogZStdErr      *float64 `json:"log_z_std_err"`
		ELBO            *float64 `json:"elbo"`
		EUBO            *float64 `json:"eubo"`
		ExactLogZ       *float64 `json:"exact_log_z"`
		ESSFraction     *float64 `json:"ess_fraction"`
		ModeCoverage    *float64 `json:"mode_coverage"`
		ModeWeightError *float64 `json:"mode_weight_error"`
		EnergyDistance  *float64 `json:"energy_distance"`
		Sinkhorn        *float64 `json:"sinkhorn"`
		AcceptRate      *float64 `json:"accept_rate"`
		SwapRate        *float64 `json:"swap_rate"`
	}{
		plain(r), fin(r.LogZ), fin(r.LogZStdErr), fin(r.ELBO), fin(r.EUBO), fin(r.ExactLogZ),
		fin(r.ESSFraction), fin(r.ModeCoverage), fin(r.ModeWeightError), fin(r.EnergyDistance), fin(r.Sinkhorn),
		fin(r.AcceptRate), fin(r.SwapRate),
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

func fin(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}
