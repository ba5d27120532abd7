//go:build !race

package main

// raceEnabled reports whether the tests run under the race detector, which
// slows the pure-Go SQLite tenfold or more.
const raceEnabled = false
