//go:build race

package httpapi_test

// raceEnabled: the race detector is on. The pure-Go SQLite driver runs
// some ten times slower under it, so that loading the national data sets
// into SQLite takes many minutes; tests that do are skipped then (they run
// without -race, and on PostgreSQL with it).
const raceEnabled = true
