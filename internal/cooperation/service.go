package cooperation

import (
	"context"
	"fmt"
	"slices"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/region"
)

// Store is what the service needs from storage. Reads that find nothing
// return a NotFound error; writes that clash with a unique key or a
// reference return a Conflict error.
type Store interface {
	Agency(ctx context.Context, id string) (Agency, error)
	AgencyByName(ctx context.Context, name string) (Agency, error)
	// AgenciesByID returns the agencies among ids that exist.
	AgenciesByID(ctx context.Context, ids []string) (map[string]Agency, error)
	Agencies(ctx context.Context, f AgencyFilter) ([]Agency, int, error)
	CreateAgency(ctx context.Context, a Agency) error
	UpdateAgency(ctx context.Context, a Agency) error
	DeleteAgency(ctx context.Context, id string) error
	// ProgramsWithAgency lists the ids of the programs the agency is a party of.
	ProgramsWithAgency(ctx context.Context, agencyID string) ([]string, error)

	// Program returns a program with its agreements, parties and totals.
	Program(ctx context.Context, id string) (Program, error)
	ProgramByCode(ctx context.Context, code string) (Program, error)
	Programs(ctx context.Context, f ProgramFilter) ([]Program, int, error)
	CountPrograms(ctx context.Context) (int, error)
	// CreateProgram stores a program with its agreements and parties.
	CreateProgram(ctx context.Context, p Program) error
	// UpdateProgram stores a program's fields and replaces its agreements.
	UpdateProgram(ctx context.Context, p Program) error
	// DeleteProgram removes a program and everything below it.
	DeleteProgram(ctx context.Context, id string) error
	// LockProgram checks that a program exists and, inside a transaction,
	// keeps other writers to it waiting until the transaction ends, so that
	// the rules checked on its parts still hold at commit.
	LockProgram(ctx context.Context, id string) error

	Parties(ctx context.Context, programID string) ([]Party, error)
	CreateParty(ctx context.Context, p Party) error
	DeleteParty(ctx context.Context, programID, partyID string) error
	// ReplaceParties makes ps a program's parties: it deletes the stored
	// parties whose id is not among ps, stores those of ps that are new
	// and leaves the others as they are.
	ReplaceParties(ctx context.Context, programID string, ps []Party) error

	Budgets(ctx context.Context, programID string, f BudgetFilter) ([]Budget, int, error)
	// AllBudgets lists every budget line of a program.
	AllBudgets(ctx context.Context, programID string) ([]Budget, error)
	// BudgetTotal sums the amounts of a program's budget lines but the one
	// with id except ("" for none).
	BudgetTotal(ctx context.Context, programID, except string) (int64, error)
	Budget(ctx context.Context, programID, id string) (Budget, error)
	CreateBudget(ctx context.Context, b Budget) error
	UpdateBudget(ctx context.Context, b Budget) error
	DeleteBudget(ctx context.Context, programID, id string) error
	DeleteBudgets(ctx context.Context, programID string) error

	Activities(ctx context.Context, programID string, f ActivityFilter) ([]Activity, int, error)
	Activity(ctx context.Context, programID, id string) (Activity, error)
	CreateActivity(ctx context.Context, a Activity) error
	UpdateActivity(ctx context.Context, a Activity) error
	DeleteActivity(ctx context.Context, programID, id string) error
	DeleteActivities(ctx context.Context, programID string) error

	// AddTargets stores targets, leaving alone those already stored, and
	// reports how many it added.
	AddTargets(ctx context.Context, ts []Target) (int, error)
	// Targets lists a program's targets with their current score in
	// framework (the latest year with a status).
	Targets(ctx context.Context, programID, framework string, f TargetFilter) ([]Target, int, error)
	TargetRefs(ctx context.Context, programID string) ([]TargetRef, error)
	CountTargets(ctx context.Context, programID string) (int, error)
	DeleteTarget(ctx context.Context, programID, villageCode string) error

	// InTx runs fn in one transaction on a store bound to it.
	InTx(ctx context.Context, fn func(Store) error) error
}

// Regions looks up regions, of any level, and selects villages.
type Regions interface {
	// RegionsByCode returns the regions among codes that exist.
	RegionsByCode(ctx context.Context, codes []string) (map[string]region.Region, error)
	// VillageCodes lists the codes of the villages q selects, in code
	// order, at most q.Limit of them.
	VillageCodes(ctx context.Context, q VillageQuery) ([]string, error)
}

// VillageQuery selects villages: those in an area (empty fields do not
// filter) of some types and, when Status is set, with one of those statuses
// in a framework and year.
type VillageQuery struct {
	Province, Regency, District string
	Types                       []string
	Framework                   string
	Year                        int
	Status                      []string
	Limit                       int
}

// Scores reads village scores in one framework and year.
type Scores interface {
	// ScoresOf returns the scores of the villages among codes that have one.
	ScoresOf(ctx context.Context, framework string, year int, codes []string) (map[string]VillageScore, error)
	// ScoresIn returns the scores of every village in the regencies.
	ScoresIn(ctx context.Context, framework string, year int, regencies []string) (map[string]VillageScore, error)
}

// Service applies the cooperation rules over a Store.
type Service struct {
	store   Store
	regions Regions
	scores  Scores
	newID   func() string
}

// NewService returns a service. newID makes the ids of new agencies,
// programs and their parts.
func NewService(s Store, regions Regions, scores Scores, newID func() string) *Service {
	return &Service{store: s, regions: regions, scores: scores, newID: newID}
}

func notFound(err error, format string, args ...any) error {
	if apperr.Is(err, apperr.NotFound) {
		return apperr.Wrap(err, apperr.NotFound, fmt.Sprintf(format, args...))
	}
	return err
}

// checkRegions reports, for each (field, code) pair, a code that names no
// region of the wanted level ("" for any level).
func (s *Service) checkRegions(ctx context.Context, level region.Level, refs map[string]string) error {
	if len(refs) == 0 {
		return nil
	}
	codes := make([]string, 0, len(refs))
	for _, c := range refs {
		codes = append(codes, c)
	}
	found, err := s.regions.RegionsByCode(ctx, codes)
	if err != nil {
		return err
	}
	var errs apperr.Fields
	fields := make([]string, 0, len(refs))
	for f := range refs {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	for _, f := range fields {
		r, ok := found[refs[f]]
		switch {
		case !ok && level != "":
			errs.Add(f, "no %s with code %s", level, refs[f])
		case !ok:
			errs.Add(f, "no region with code %s", refs[f])
		case level != "" && r.Level != level:
			errs.Add(f, "%s is a %s, not a %s", refs[f], r.Level, level)
		}
	}
	return errs.Err()
}

// ---- Agencies ----

// Agency returns one agency.
func (s *Service) Agency(ctx context.Context, id string) (Agency, error) {
	a, err := s.store.Agency(ctx, id)
	return a, notFound(err, "no agency with id %q", id)
}

// Agencies lists agencies.
func (s *Service) Agencies(ctx context.Context, f AgencyFilter) ([]Agency, int, error) {
	return s.store.Agencies(ctx, f)
}

// CreateAgency checks and stores a new agency; a name already taken is a
// Conflict.
func (s *Service) CreateAgency(ctx context.Context, a Agency) (Agency, error) {
	a, err := s.createAgency(ctx, s.store, a)
	if err != nil {
		return Agency{}, err
	}
	return s.store.Agency(ctx, a.ID)
}

func (s *Service) createAgency(ctx context.Context, st Store, a Agency) (Agency, error) {
	a, err := NewAgency(a)
	if err != nil {
		return Agency{}, err
	}
	if err := auth.RequireAgency(auth.FromContext(ctx), a.ProvinceCode); err != nil {
		return Agency{}, err
	}
	if a.ProvinceCode != "" {
		if err := s.checkRegions(ctx, region.LevelProvince, map[string]string{"province_code": a.ProvinceCode}); err != nil {
			return Agency{}, err
		}
	}
	a.ID = s.newID()
	if err := st.CreateAgency(ctx, a); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Agency{}, apperr.Wrap(err, apperr.Conflict, fmt.Sprintf("an agency named %q already exists", a.Name))
		}
		return Agency{}, err
	}
	return a, nil
}

// UpdateAgency applies a patch. A change of province is checked against
// every program the agency is a party of: none may lose its second province.
func (s *Service) UpdateAgency(ctx context.Context, id string, p AgencyPatch) (Agency, error) {
	err := s.store.InTx(ctx, func(tx Store) error {
		cur, err := tx.Agency(ctx, id)
		if err != nil {
			return notFound(err, "no agency with id %q", id)
		}
		oldProvince := cur.ProvinceCode
		if err := auth.RequireAgency(auth.FromContext(ctx), oldProvince); err != nil {
			return err
		}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&cur.Name, p.Name}, {&cur.Acronym, p.Acronym}, {&cur.Kind, p.Kind}, {&cur.ProvinceCode, p.ProvinceCode}, {&cur.Website, p.Website}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		a, err := NewAgency(cur)
		if err != nil {
			return err
		}
		if err := auth.RequireAgency(auth.FromContext(ctx), a.ProvinceCode); err != nil {
			return err
		}
		if a.ProvinceCode != "" {
			if err := s.checkRegions(ctx, region.LevelProvince, map[string]string{"province_code": a.ProvinceCode}); err != nil {
				return err
			}
		}
		if a.ProvinceCode != oldProvince {
			if err := s.checkAgencyPrograms(ctx, tx, a); err != nil {
				return err
			}
		}
		if err := tx.UpdateAgency(ctx, a); err != nil {
			if apperr.Is(err, apperr.Conflict) {
				return apperr.Wrap(err, apperr.Conflict, fmt.Sprintf("an agency named %q already exists", a.Name))
			}
			return err
		}
		return nil
	})
	if err != nil {
		return Agency{}, err
	}
	return s.store.Agency(ctx, id)
}

// checkAgencyPrograms checks that every program with agency a as a party
// keeps its rules when the agency lies in a's province.
func (s *Service) checkAgencyPrograms(ctx context.Context, tx Store, a Agency) error {
	ids, err := tx.ProgramsWithAgency(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, id := range ids {
		p, err := tx.Program(ctx, id)
		if err != nil {
			return err
		}
		for i := range p.Parties {
			if p.Parties[i].AgencyID == a.ID {
				p.Parties[i].AgencyProvince = a.ProvinceCode
			}
		}
		var errs apperr.Fields
		for _, v := range PartyRules(p.Scope, p.Parties) {
			errs.Add("province_code", "program %s: %s", p.Code, v.Message)
		}
		if err := errs.Err(); err != nil {
			return err
		}
	}
	return nil
}

// DeleteAgency removes an agency that is no party and pays no budget line
// (Conflict otherwise).
func (s *Service) DeleteAgency(ctx context.Context, id string) error {
	a, err := s.Agency(ctx, id)
	if err != nil {
		return err
	}
	if err := auth.RequireAgency(auth.FromContext(ctx), a.ProvinceCode); err != nil {
		return err
	}
	err = s.store.DeleteAgency(ctx, id)
	if apperr.Is(err, apperr.Conflict) {
		return apperr.Wrap(err, apperr.Conflict, fmt.Sprintf("agency %s is a party of a program; remove it from the program first", id))
	}
	return notFound(err, "no agency with id %q", id)
}

// ---- Programs ----

// Program returns one program with its agreements, parties and budget totals.
func (s *Service) Program(ctx context.Context, id string) (Program, error) {
	p, err := s.store.Program(ctx, id)
	return p, notFound(err, "no program with id %q", id)
}

// Programs lists programs.
func (s *Service) Programs(ctx context.Context, f ProgramFilter) ([]Program, int, error) {
	if f.ActiveOn != "" {
		if _, err := ParseDate(f.ActiveOn); err != nil {
			return nil, 0, apperr.BadParam("active_on", "%s", err)
		}
	}
	return s.store.Programs(ctx, f)
}

// CountPrograms counts the stored programs.
func (s *Service) CountPrograms(ctx context.Context) (int, error) { return s.store.CountPrograms(ctx) }

// CreateProgram checks a new program with its parties (given inline) and
// stores it with a server-made id.
func (s *Service) CreateProgram(ctx context.Context, p Program) (Program, error) {
	var id string
	err := s.store.InTx(ctx, func(tx Store) error {
		created, err := s.createProgram(ctx, tx, p)
		id = created.ID
		return err
	})
	if err != nil {
		return Program{}, err
	}
	return s.store.Program(ctx, id)
}

func (s *Service) createProgram(ctx context.Context, tx Store, p Program) (Program, error) {
	p, err := NewProgram(p)
	if err != nil {
		return Program{}, err
	}
	p.ID = s.newID()
	parties, err := s.checkParties(ctx, tx, p.ID, p.Scope, p.Parties)
	if err != nil {
		return Program{}, err
	}
	p.Parties = parties
	if err := tx.CreateProgram(ctx, p); err != nil {
		return Program{}, codeTaken(err, p.Code)
	}
	return p, nil
}

func codeTaken(err error, code string) error {
	if apperr.Is(err, apperr.Conflict) {
		return apperr.Wrap(err, apperr.Conflict, fmt.Sprintf("a program with code %q already exists", code))
	}
	return err
}

// checkParties checks a whole new set of parties for program id: each
// party's fields, that the provinces and agencies exist, and PartyRules.
// It returns the parties ready to store (ids, program, agency provinces).
func (s *Service) checkParties(ctx context.Context, tx Store, programID, scope string, in []Party) ([]Party, error) {
	var errs apperr.Fields
	parties := make([]Party, len(in))
	provinces := map[string]string{}
	var agencyIDs []string
	for i, p := range in {
		field := fmt.Sprintf("parties[%d].", i)
		np, err := NewParty(p, field)
		if err != nil {
			for _, fe := range err.(*apperr.Error).Fields {
				errs.Add(fe.Field, "%s", fe.Message)
			}
			continue
		}
		np.ID, np.ProgramID = s.newID(), programID
		parties[i] = np
		if np.ProvinceCode != "" {
			provinces[field+"province_code"] = np.ProvinceCode
		} else {
			agencyIDs = append(agencyIDs, np.AgencyID)
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if err := s.checkRegions(ctx, region.LevelProvince, provinces); err != nil {
		return nil, err
	}
	agencies, err := tx.AgenciesByID(ctx, agencyIDs)
	if err != nil {
		return nil, err
	}
	for i := range parties {
		if id := parties[i].AgencyID; id != "" {
			a, ok := agencies[id]
			if !ok {
				errs.Add(fmt.Sprintf("parties[%d].agency_id", i), "no agency with id %q", id)
				continue
			}
			parties[i].AgencyProvince, parties[i].Name = a.ProvinceCode, a.Name
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	if vs := PartyRules(scope, parties); len(vs) > 0 {
		return nil, violationsErr(vs, func(Violation) string { return "parties" })
	}
	if err := auth.RequireProgramAfter(auth.FromContext(ctx), provincesOf(parties)); err != nil {
		return nil, err
	}
	return parties, nil
}

// provincesOf lists the provinces the parties stand for, for the province
// restriction of API keys.
func provincesOf(parties []Party) []string {
	out := make([]string, len(parties))
	for i, p := range parties {
		out[i] = p.Province()
	}
	return out
}

// UpdateProgram applies a patch and checks the program as a whole again:
// its fields, its parties under its (perhaps new) scope, and its budget
// payers when the parties are replaced. Changing the framework or the
// baseline year of a program with targets is a Conflict: their baselines
// were recorded in the old ones.
func (s *Service) UpdateProgram(ctx context.Context, id string, patch ProgramPatch) (Program, error) {
	err := s.store.InTx(ctx, func(tx Store) error {
		if err := tx.LockProgram(ctx, id); err != nil {
			return notFound(err, "no program with id %q", id)
		}
		cur, err := tx.Program(ctx, id)
		if err != nil {
			return err
		}
		if err := auth.RequireProgram(auth.FromContext(ctx), provincesOf(cur.Parties)); err != nil {
			return err
		}
		return s.updateProgram(ctx, tx, cur, patch)
	})
	if err != nil {
		return Program{}, err
	}
	return s.store.Program(ctx, id)
}

func (s *Service) updateProgram(ctx context.Context, tx Store, cur Program, patch ProgramPatch) error {
	next := cur
	for _, f := range []struct {
		dst *string
		src *string
	}{{&next.Code, patch.Code}, {&next.Title, patch.Title}, {&next.Summary, patch.Summary},
		{&next.Objective, patch.Objective}, {&next.Scope, patch.Scope}, {&next.Status, patch.Status},
		{&next.StartDate, patch.StartDate}, {&next.EndDate, patch.EndDate}, {&next.Framework, patch.Framework}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if patch.BaselineYear != nil {
		next.BaselineYear = *patch.BaselineYear
	}
	if patch.Agreements != nil {
		next.Agreements = *patch.Agreements
	}
	next, err := NewProgram(next)
	if err != nil {
		return err
	}
	if next.Framework != cur.Framework || next.BaselineYear != cur.BaselineYear {
		n, err := tx.CountTargets(ctx, cur.ID)
		if err != nil {
			return err
		}
		if n > 0 {
			field := "baseline_year"
			if next.Framework != cur.Framework {
				field = "framework"
			}
			return apperr.Field(apperr.Conflict, field, fmt.Sprintf(
				"the program's %d target(s) have baselines recorded in %s %d; delete them before changing framework or baseline_year",
				n, cur.Framework, cur.BaselineYear))
		}
	}
	if patch.Parties != nil {
		parties, err := s.checkParties(ctx, tx, cur.ID, next.Scope, *patch.Parties)
		if err != nil {
			return err
		}
		// A party that stays keeps its id: the same province or agency in
		// the same role (PartyRules allow each at most once).
		for i := range parties {
			if j := slices.IndexFunc(cur.Parties, parties[i].Same); j >= 0 {
				parties[i].ID, parties[i].CreatedAt = cur.Parties[j].ID, cur.Parties[j].CreatedAt
			}
		}
		budgets, err := tx.AllBudgets(ctx, cur.ID)
		if err != nil {
			return err
		}
		if unpaid := Unpaid(parties, budgets); len(unpaid) > 0 {
			return apperr.Invalidf("parties", "%d budget line(s) are paid by %s, which would no longer be a party; delete or change them first",
				len(unpaid), payerOf(unpaid[0]))
		}
		if err := tx.ReplaceParties(ctx, cur.ID, parties); err != nil {
			return err
		}
	} else if vs := PartyRules(next.Scope, cur.Parties); len(vs) > 0 {
		return violationsErr(vs, func(Violation) string { return "scope" })
	}
	if err := tx.UpdateProgram(ctx, next); err != nil {
		return codeTaken(err, next.Code)
	}
	return nil
}

func payerOf(b Budget) string {
	if b.AgencyID != "" {
		return "agency " + b.AgencyID
	}
	return "province " + b.ProvinceCode
}

// DeleteProgram removes a program with its parties, agreements, budgets,
// activities and targets, in one transaction.
func (s *Service) DeleteProgram(ctx context.Context, id string) error {
	return s.inProgram(ctx, id, func(tx Store, _ Program) error {
		return tx.DeleteProgram(ctx, id)
	})
}

// inProgram runs fn in a transaction holding the program's lock, after
// checking that the program exists (NotFound otherwise) and that the
// request's API key may write it (Forbidden otherwise).
func (s *Service) inProgram(ctx context.Context, id string, fn func(tx Store, p Program) error) error {
	return s.store.InTx(ctx, func(tx Store) error {
		if err := tx.LockProgram(ctx, id); err != nil {
			return notFound(err, "no program with id %q", id)
		}
		p, err := tx.Program(ctx, id)
		if err != nil {
			return err
		}
		if err := auth.RequireProgram(auth.FromContext(ctx), provincesOf(p.Parties)); err != nil {
			return err
		}
		return fn(tx, p)
	})
}

// ---- Parties ----

// Parties lists a program's parties.
func (s *Service) Parties(ctx context.Context, programID string) ([]Party, error) {
	if _, err := s.Program(ctx, programID); err != nil {
		return nil, err
	}
	return s.store.Parties(ctx, programID)
}

// Party returns one party of a program.
func (s *Service) Party(ctx context.Context, programID, partyID string) (Party, error) {
	parties, err := s.Parties(ctx, programID)
	if err != nil {
		return Party{}, err
	}
	for _, p := range parties {
		if p.ID == partyID {
			return p, nil
		}
	}
	return Party{}, apperr.NotFoundf("program %s has no party with id %q", programID, partyID)
}

// AddParty adds a party to a program; the program's rules must still hold.
func (s *Service) AddParty(ctx context.Context, programID string, in Party) (Party, error) {
	var out Party
	err := s.inProgram(ctx, programID, func(tx Store, p Program) error {
		np, err := NewParty(in, "")
		if err != nil {
			return err
		}
		if np.ProvinceCode != "" {
			if err := s.checkRegions(ctx, region.LevelProvince, map[string]string{"province_code": np.ProvinceCode}); err != nil {
				return err
			}
		} else {
			a, err := tx.Agency(ctx, np.AgencyID)
			if apperr.Is(err, apperr.NotFound) {
				return apperr.Invalidf("agency_id", "no agency with id %q", np.AgencyID)
			} else if err != nil {
				return err
			}
			np.AgencyProvince = a.ProvinceCode
		}
		np.ID, np.ProgramID = s.newID(), programID
		if vs := PartyRules(p.Scope, append(slices.Clone(p.Parties), np)); len(vs) > 0 {
			return violationsErr(vs, func(v Violation) string {
				if v.Rule == RuleDistinct {
					if np.AgencyID != "" {
						return "agency_id"
					}
					return "province_code"
				}
				return "role"
			})
		}
		out = np
		return tx.CreateParty(ctx, np)
	})
	if err != nil {
		return Party{}, err
	}
	parties, err := s.store.Parties(ctx, programID)
	if err != nil {
		return Party{}, err
	}
	for _, p := range parties {
		if p.ID == out.ID {
			return p, nil
		}
	}
	return out, nil
}

// RemoveParty removes a party. The program's rules must still hold, and no
// budget line may be left without its payer among the parties.
func (s *Service) RemoveParty(ctx context.Context, programID, partyID string) error {
	return s.inProgram(ctx, programID, func(tx Store, p Program) error {
		i := slices.IndexFunc(p.Parties, func(q Party) bool { return q.ID == partyID })
		if i < 0 {
			return apperr.NotFoundf("program %s has no party with id %q", programID, partyID)
		}
		rest := slices.Delete(slices.Clone(p.Parties), i, i+1)
		if err := auth.RequireProgramAfter(auth.FromContext(ctx), provincesOf(rest)); err != nil {
			return err
		}
		if vs := PartyRules(p.Scope, rest); len(vs) > 0 {
			return violationsErr(vs, func(Violation) string { return "party_id" })
		}
		budgets, err := tx.AllBudgets(ctx, programID)
		if err != nil {
			return err
		}
		if unpaid := Unpaid(rest, budgets); len(unpaid) > 0 {
			return apperr.Invalidf("party_id", "%d budget line(s) are paid by this party; delete them or change their payer first", len(unpaid))
		}
		return tx.DeleteParty(ctx, programID, partyID)
	})
}

// ---- Budgets ----

// Budgets lists a program's budget lines.
func (s *Service) Budgets(ctx context.Context, programID string, f BudgetFilter) ([]Budget, int, error) {
	if _, err := s.Program(ctx, programID); err != nil {
		return nil, 0, err
	}
	return s.store.Budgets(ctx, programID, f)
}

// Budget returns one budget line of a program.
func (s *Service) Budget(ctx context.Context, programID, id string) (Budget, error) {
	b, err := s.store.Budget(ctx, programID, id)
	return b, notFound(err, "program %s has no budget line with id %q", programID, id)
}

// checkPayer checks that the budget's payer is a party of p.
func checkPayer(p Program, b Budget) error {
	if slices.ContainsFunc(p.Parties, func(q Party) bool { return q.Pays(b) }) {
		return nil
	}
	if b.AgencyID != "" {
		return apperr.Invalidf("agency_id", "agency %s is not a party of program %s; add it as a party first", b.AgencyID, p.Code)
	}
	return apperr.Invalidf("province_code", "province %s is not a party of program %s; add it as a party first", b.ProvinceCode, p.Code)
}

// AddBudget adds a budget line paid by a party of the program.
func (s *Service) AddBudget(ctx context.Context, programID string, in Budget) (Budget, error) {
	in.ProgramID = programID
	err := s.inProgram(ctx, programID, func(tx Store, p Program) error {
		others, err := tx.BudgetTotal(ctx, programID, "")
		if err != nil {
			return err
		}
		in, err = s.addBudget(ctx, tx, p, in, others)
		return err
	})
	if err != nil {
		return Budget{}, err
	}
	return s.store.Budget(ctx, programID, in.ID)
}

// addBudget checks and stores a new line of program p, whose other lines
// add up to others; the caller holds the program's lock.
func (s *Service) addBudget(ctx context.Context, tx Store, p Program, in Budget, others int64) (Budget, error) {
	b, err := NewBudget(in)
	if err != nil {
		return Budget{}, err
	}
	if err := checkPayer(p, b); err != nil {
		return Budget{}, err
	}
	if err := CheckProgramTotal(others, b.AmountIDR); err != nil {
		return Budget{}, err
	}
	b.ID, b.ProgramID = s.newID(), p.ID
	return b, tx.CreateBudget(ctx, b)
}

// UpdateBudget applies a patch to a budget line.
func (s *Service) UpdateBudget(ctx context.Context, programID, id string, patch BudgetPatch) (Budget, error) {
	err := s.inProgram(ctx, programID, func(tx Store, p Program) error {
		b, err := tx.Budget(ctx, programID, id)
		if err != nil {
			return notFound(err, "program %s has no budget line with id %q", programID, id)
		}
		if patch.Year != nil {
			b.Year = *patch.Year
		}
		if patch.ProvinceCode != nil || patch.AgencyID != nil {
			b.ProvinceCode, b.AgencyID = "", ""
			if patch.ProvinceCode != nil {
				b.ProvinceCode = *patch.ProvinceCode
			}
			if patch.AgencyID != nil {
				b.AgencyID = *patch.AgencyID
			}
		}
		if patch.Kind != nil {
			b.Kind = *patch.Kind
		}
		if patch.Source != nil {
			b.Source = *patch.Source
		}
		if patch.AmountIDR != nil {
			b.AmountIDR = *patch.AmountIDR
		}
		if b, err = NewBudget(b); err != nil {
			return err
		}
		if err := checkPayer(p, b); err != nil {
			return err
		}
		others, err := tx.BudgetTotal(ctx, programID, id)
		if err != nil {
			return err
		}
		if err := CheckProgramTotal(others, b.AmountIDR); err != nil {
			return err
		}
		return tx.UpdateBudget(ctx, b)
	})
	if err != nil {
		return Budget{}, err
	}
	return s.store.Budget(ctx, programID, id)
}

// DeleteBudget removes a budget line.
func (s *Service) DeleteBudget(ctx context.Context, programID, id string) error {
	return s.inProgram(ctx, programID, func(tx Store, _ Program) error {
		return notFound(tx.DeleteBudget(ctx, programID, id), "program %s has no budget line with id %q", programID, id)
	})
}

// ---- Activities ----

// Activities lists a program's activities.
func (s *Service) Activities(ctx context.Context, programID string, f ActivityFilter) ([]Activity, int, error) {
	if _, err := s.Program(ctx, programID); err != nil {
		return nil, 0, err
	}
	return s.store.Activities(ctx, programID, f)
}

// Activity returns one activity of a program.
func (s *Service) Activity(ctx context.Context, programID, id string) (Activity, error) {
	a, err := s.store.Activity(ctx, programID, id)
	return a, notFound(err, "program %s has no activity with id %q", programID, id)
}

func (s *Service) checkActivity(ctx context.Context, a Activity) (Activity, error) {
	a, err := NewActivity(a)
	if err != nil {
		return Activity{}, err
	}
	if a.RegionCode != "" {
		if err := s.checkRegions(ctx, "", map[string]string{"region_code": a.RegionCode}); err != nil {
			return Activity{}, err
		}
	}
	return a, nil
}

// AddActivity records an activity of a program.
func (s *Service) AddActivity(ctx context.Context, programID string, in Activity) (Activity, error) {
	err := s.inProgram(ctx, programID, func(tx Store, p Program) error {
		var err error
		in, err = s.addActivity(ctx, tx, p, in)
		return err
	})
	if err != nil {
		return Activity{}, err
	}
	return s.store.Activity(ctx, programID, in.ID)
}

func (s *Service) addActivity(ctx context.Context, tx Store, p Program, in Activity) (Activity, error) {
	a, err := s.checkActivity(ctx, in)
	if err != nil {
		return Activity{}, err
	}
	a.ID, a.ProgramID = s.newID(), p.ID
	return a, tx.CreateActivity(ctx, a)
}

// UpdateActivity applies a patch to an activity.
func (s *Service) UpdateActivity(ctx context.Context, programID, id string, patch ActivityPatch) (Activity, error) {
	err := s.inProgram(ctx, programID, func(tx Store, _ Program) error {
		a, err := tx.Activity(ctx, programID, id)
		if err != nil {
			return notFound(err, "program %s has no activity with id %q", programID, id)
		}
		for _, f := range []struct {
			dst *string
			src *string
		}{{&a.Date, patch.Date}, {&a.Kind, patch.Kind}, {&a.Title, patch.Title}, {&a.Venue, patch.Venue},
			{&a.RegionCode, patch.RegionCode}, {&a.Summary, patch.Summary}} {
			if f.src != nil {
				*f.dst = *f.src
			}
		}
		if patch.SetParticipants {
			a.Participants = patch.Participants
		}
		if a, err = s.checkActivity(ctx, a); err != nil {
			return err
		}
		return tx.UpdateActivity(ctx, a)
	})
	if err != nil {
		return Activity{}, err
	}
	return s.store.Activity(ctx, programID, id)
}

// DeleteActivity removes an activity.
func (s *Service) DeleteActivity(ctx context.Context, programID, id string) error {
	return s.inProgram(ctx, programID, func(tx Store, _ Program) error {
		return notFound(tx.DeleteActivity(ctx, programID, id), "program %s has no activity with id %q", programID, id)
	})
}
