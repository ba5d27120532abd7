// Package archtest holds no code, only the test that enforces the import
// rule of DESIGN.md §2: httpapi → domain packages → apperr; store → domain
// packages; only cmd wires them. Domain packages import neither Echo, GORM,
// the store nor httpapi; httpapi never imports GORM or the store; the store
// never imports Echo or httpapi. It reads the real import graph with
// `go list -deps`, so a rule broken through any chain of packages shows.
package archtest
