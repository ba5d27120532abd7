package store

import (
	"slices"
	"sync"

	"gorm.io/gorm"
)

// Statement is one SQL statement as GORM sent it to the driver: the text
// with the dialect's placeholders, and the arguments.
type Statement struct {
	SQL  string
	Args []any
}

// Recorder captures the queries a Store runs, so that benchmarks can run
// exactly the same SQL raw through database/sql and tests can EXPLAIN it.
type Recorder struct {
	mu   sync.Mutex
	on   bool
	stmt []Statement
}

// NewRecorder hooks a recorder into s's query callbacks. Call it at most
// once per Store.
func NewRecorder(s *Store) (*Recorder, error) {
	r := &Recorder{}
	err := s.db.Callback().Query().After("gorm:query").Register("storetest:record", func(db *gorm.DB) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.on {
			r.stmt = append(r.stmt, Statement{SQL: db.Statement.SQL.String(), Args: slices.Clone(db.Statement.Vars)})
		}
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Record runs fn and returns the queries run meanwhile.
func (r *Recorder) Record(fn func() error) ([]Statement, error) {
	r.mu.Lock()
	r.on, r.stmt = true, nil
	r.mu.Unlock()
	err := fn()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.on = false
	return r.stmt, err
}
