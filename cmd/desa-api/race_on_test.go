//go:build race

package main

// raceEnabled: the race detector slows the pure-Go SQLite many times over
// (the embedded regions and scores take minutes to load), so waits are
// longer and such loads need a generous test deadline (make test gives 30m).
const raceEnabled = true
