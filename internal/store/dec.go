package store

import (
	"database/sql/driver"
	"fmt"

	"github.com/desa-api/desa-api/internal/fixed"
)

// dec is a nullable four-place decimal column: numeric on PostgreSQL, REAL
// on SQLite. It is written as decimal text (which both engines store
// exactly at this precision) and read back from either form.
type dec struct {
	v     fixed.Dec
	valid bool
}

func decOf(p *fixed.Dec) dec {
	if p == nil {
		return dec{}
	}
	return dec{*p, true}
}

func (d dec) ptr() *fixed.Dec {
	if !d.valid {
		return nil
	}
	v := d.v
	return &v
}

// Value implements driver.Valuer.
func (d dec) Value() (driver.Value, error) {
	if !d.valid {
		return nil, nil
	}
	return d.v.String(), nil
}

// Scan implements sql.Scanner.
func (d *dec) Scan(src any) error {
	var err error
	switch x := src.(type) {
	case nil:
		*d = dec{}
		return nil
	case float64:
		d.v = fixed.FromFloat(x)
	case int64:
		d.v = fixed.FromInt(x)
	case string:
		d.v, err = fixed.Parse(x)
	case []byte:
		d.v, err = fixed.Parse(string(x))
	default:
		return fmt.Errorf("store: cannot scan %T into a decimal", src)
	}
	d.valid = err == nil
	return err
}

// bulkArg is the value bulkUpsert sends for d: a pgDec for COPY on
// PostgreSQL (exact), the decimal text on SQLite.
func (s *Store) bulkArg(d dec) any {
	if !d.valid {
		return nil
	}
	if s.dialect == Postgres {
		return pgDec(d.v)
	}
	return d.v.String()
}

// cmpArg is the value to compare a decimal column with in SQL: the decimal
// text on PostgreSQL (typed numeric by the comparison), a float on SQLite,
// whose REAL columns compare numerically with it.
func (s *Store) cmpArg(d fixed.Dec) any {
	if s.dialect == Postgres {
		return d.String()
	}
	return d.Float()
}
