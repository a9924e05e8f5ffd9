//go:build !race

package manifold

// mixtureRace reports a -race build (see mixture_race_test.go).
const mixtureRace = false
