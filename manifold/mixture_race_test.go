//go:build race

package manifold

// mixtureRace reports a -race build: the race detector makes sync.Pool drop
// a random share of the items put back, so pooled scratch vectors are
// reallocated and allocation counts of Mixture.Score are not zero.
const mixtureRace = true
