//go:build race

package seed_test

// raceEnabled: see skipSlowLoad.
const raceEnabled = true
