//go:build race

package main

// raceEnabled: the race detector slows the pure-Go SQLite many times over
// (the embedded regions take minutes to load), so waits are longer.
const raceEnabled = true
