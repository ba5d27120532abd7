package cooperation

import (
	"context"
	"fmt"
	"strings"

	"github.com/desa-api/desa-api/internal/apperr"
)

// Document is a whole program as one importable unit: the agencies it
// involves, the program with its parties, activities, budget lines and
// targets. Parties and budget lines name agencies by name, so that a
// document can be written before any id exists.
type Document struct {
	Agencies   []Agency
	Program    Program // its Parties are ignored: see Parties
	Parties    []DocumentParty
	Activities []Activity
	Budgets    []DocumentBudget
	Targets    *TargetRequest
}

// DocumentParty is a party naming its agency by name (or a province by code).
type DocumentParty struct {
	Role         string
	ProvinceCode string
	AgencyName   string
}

// DocumentBudget is a budget line naming its paying agency by name (or a
// province by code).
type DocumentBudget struct {
	Budget
	AgencyName string
}

// Import loads a document in one transaction: agencies are matched by name
// (and created when new), the program is upserted by code — an existing
// one takes the document's fields, agreements, parties, activities and
// budget lines, replacing its own — and targets are added (those already
// targeted stay as they were). Errors name fields by their place in the
// document (agencies[1].kind, program.end_date, activities[0].region_code).
func (s *Service) Import(ctx context.Context, doc Document) (ImportResult, error) {
	var res ImportResult
	err := s.store.InTx(ctx, func(tx Store) error {
		var err error
		res, err = s.importDoc(ctx, tx, doc)
		return err
	})
	return res, err
}

func (s *Service) importDoc(ctx context.Context, tx Store, doc Document) (ImportResult, error) {
	var res ImportResult
	ids := map[string]string{} // agency name → id
	for i, a := range doc.Agencies {
		name := strings.TrimSpace(a.Name)
		got, err := tx.AgencyByName(ctx, name)
		switch {
		case err == nil:
			res.AgenciesMatched++
		case apperr.Is(err, apperr.NotFound):
			if got, err = s.createAgency(ctx, tx, a); err != nil {
				return res, prefixed(err, fmt.Sprintf("agencies[%d].", i))
			}
			res.AgenciesCreated++
		default:
			return res, err
		}
		ids[got.Name] = got.ID
	}
	agencyID := func(field, name string) (string, error) {
		name = strings.TrimSpace(name)
		if id, ok := ids[name]; ok {
			return id, nil
		}
		a, err := tx.AgencyByName(ctx, name)
		if apperr.Is(err, apperr.NotFound) {
			return "", apperr.Invalidf(field, "no agency named %q: list it under agencies", name)
		}
		ids[name] = a.ID
		return a.ID, err
	}
	parties := make([]Party, len(doc.Parties))
	for i, dp := range doc.Parties {
		parties[i] = Party{Role: dp.Role, ProvinceCode: dp.ProvinceCode}
		if dp.AgencyName != "" {
			id, err := agencyID(fmt.Sprintf("program.parties[%d].agency", i), dp.AgencyName)
			if err != nil {
				return res, err
			}
			parties[i].AgencyID = id
		}
	}
	p := doc.Program
	p.Code = strings.TrimSpace(p.Code)
	cur, err := tx.ProgramByCode(ctx, p.Code)
	switch {
	case apperr.Is(err, apperr.NotFound):
		p.Parties = parties
		created, err := s.createProgram(ctx, tx, p)
		if err != nil {
			return res, prefixed(err, "program.")
		}
		res.ProgramID, res.Created = created.ID, true
	case err != nil:
		return res, err
	default:
		if err := tx.LockProgram(ctx, cur.ID); err != nil {
			return res, err
		}
		if err := tx.DeleteBudgets(ctx, cur.ID); err != nil {
			return res, err
		}
		if err := tx.DeleteActivities(ctx, cur.ID); err != nil {
			return res, err
		}
		agreements := p.Agreements
		patch := ProgramPatch{Code: &p.Code, Title: &p.Title, Summary: &p.Summary, Objective: &p.Objective,
			Scope: &p.Scope, Status: &p.Status, StartDate: &p.StartDate, EndDate: &p.EndDate,
			Framework: &p.Framework, BaselineYear: &p.BaselineYear, Agreements: &agreements, Parties: &parties}
		if err := s.updateProgram(ctx, tx, cur, patch); err != nil {
			return res, prefixed(err, "program.")
		}
		res.ProgramID = cur.ID
	}
	res.Code = p.Code
	stored, err := tx.Program(ctx, res.ProgramID)
	if err != nil {
		return res, err
	}
	for i, a := range doc.Activities {
		if _, err := s.addActivity(ctx, tx, stored, a); err != nil {
			return res, prefixed(err, fmt.Sprintf("activities[%d].", i))
		}
		res.Activities++
	}
	// The program's lines are the document's alone (an existing program's
	// were deleted above): their running sum is the total of the others.
	var total int64
	for i, db := range doc.Budgets {
		b := db.Budget
		if db.AgencyName != "" {
			if b.AgencyID, err = agencyID(fmt.Sprintf("budgets[%d].agency", i), db.AgencyName); err != nil {
				return res, err
			}
		}
		added, err := s.addBudget(ctx, tx, stored, b, total)
		if err != nil {
			return res, prefixed(err, fmt.Sprintf("budgets[%d].", i))
		}
		total += added.AmountIDR
		res.Budgets++
	}
	if doc.Targets != nil {
		if res.Targets, err = s.addTargets(ctx, tx, stored, *doc.Targets); err != nil {
			return res, prefixed(err, "villages.")
		}
	}
	return res, nil
}

// prefixed returns err with every field it names placed under prefix.
func prefixed(err error, prefix string) error {
	e, ok := err.(*apperr.Error)
	if !ok || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]apperr.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		out.Fields[i] = apperr.FieldError{Field: prefix + f.Field, Message: f.Message}
	}
	out.Message = prefix + e.Message
	return &out
}
