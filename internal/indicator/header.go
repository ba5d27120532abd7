package indicator

import (
	"context"
	"errors"

	"github.com/desa-api/desa-api/internal/apperr"
)

// refuseHeader turns a wrong CSV header (checkHeader's error, one field per
// offending column) into a stored report whose errors are those columns at
// row 0 with the code bad_header, and refuses the import as Invalid: no row
// can be read against a header the import does not understand, whatever
// the mode.
func (s *Service) refuseHeader(ctx context.Context, rep Report, err error) (Report, error) {
	var ae *apperr.Error
	if !errors.As(err, &ae) || len(ae.Fields) == 0 {
		return Report{}, err
	}
	for _, f := range ae.Fields {
		if len(rep.Errors) < MaxErrorsShown {
			rep.Errors = append(rep.Errors, RowError{Row: 0, Field: f.Field, Code: CodeBadHeader, Message: f.Message})
		}
	}
	if err := s.store.SaveImport(ctx, rep); err != nil {
		return Report{}, err
	}
	return rep, apperr.New(apperr.Invalid, "%s; nothing was stored", ae.Message)
}
