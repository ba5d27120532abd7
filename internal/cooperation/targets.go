package cooperation

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
)

// maxCodeErrors bounds the bad codes one answer lists.
const maxCodeErrors = 50

// maxFilterVillages bounds the villages a filter may select at once: more
// than the largest province has.
const maxFilterVillages = 20000

// AddTargets adds target villages to a program, given by code or by a
// filter, and records each one's baseline: its score and status in the
// program's framework and baseline year. A village already targeted is
// left as it was.
func (s *Service) AddTargets(ctx context.Context, programID string, req TargetRequest) (TargetReport, error) {
	var rep TargetReport
	err := s.inProgram(ctx, programID, func(tx Store, p Program) error {
		var err error
		rep, err = s.addTargets(ctx, tx, p, req)
		return err
	})
	return rep, err
}

func (s *Service) addTargets(ctx context.Context, tx Store, p Program, req TargetRequest) (TargetReport, error) {
	if p.BaselineYear == 0 {
		return TargetReport{}, apperr.Invalidf("baseline_year", "program %s has no baseline_year; set one before adding targets", p.Code)
	}
	f, err := indicator.FrameworkByCode(p.Framework)
	if err != nil {
		return TargetReport{}, err
	}
	var errs apperr.Fields
	if req.TargetStatus != "" && f.Rank(req.TargetStatus) < 0 {
		errs.Add("target_status", "unknown %s status %q (known: %s)", f.Code, req.TargetStatus, strings.Join(f.StatusSlugs(), ", "))
	}
	if req.TargetYear != 0 && (req.TargetYear <= p.BaselineYear || req.TargetYear > 2100) {
		errs.Add("target_year", "must be after the baseline year %d (and at most 2100), got %d", p.BaselineYear, req.TargetYear)
	}
	switch {
	case req.Filter != nil && len(req.Codes) > 0:
		errs.Add("codes", "give codes or filter, not both")
	case req.Filter == nil && len(req.Codes) == 0:
		errs.Add("codes", "give the villages to target: codes, or a filter")
	}
	if err := errs.Err(); err != nil {
		return TargetReport{}, err
	}
	var codes []string
	if req.Filter != nil {
		codes, err = s.villagesByFilter(ctx, f, p, *req.Filter)
	} else {
		codes, err = s.villagesByCode(ctx, f, req.Codes)
	}
	if err != nil {
		return TargetReport{}, err
	}
	base, err := s.scores.ScoresOf(ctx, f.Code, p.BaselineYear, codes)
	if err != nil {
		return TargetReport{}, err
	}
	rep := TargetReport{Requested: len(codes)}
	targets := make([]Target, len(codes))
	var below []string // villages whose baseline the target status does not rise above
	for i, code := range codes {
		b := base[code]
		if b.Status == "" {
			rep.WithoutBaseline++
		}
		goal := req.TargetStatus
		if goal == "" {
			goal = f.Next(b.Status)
		} else if !TargetAbove(f, b.Status, goal) {
			below = append(below, fmt.Sprintf("%s (%s)", code, b.Status))
		}
		targets[i] = Target{ProgramID: p.ID, VillageCode: code, BaselineYear: p.BaselineYear, BaselineScore: b.Score,
			BaselineStatus: b.Status, TargetStatus: goal, TargetYear: req.TargetYear}
	}
	if len(below) > 0 {
		return TargetReport{}, apperr.Invalidf("target_status",
			"%s is not above the baseline status (%s %d) of %d village(s): %s%s; a target is a status above the baseline, except that a village at the top (%s) may keep it",
			req.TargetStatus, f.Code, p.BaselineYear, len(below), strings.Join(below[:min(len(below), maxCodeErrors)], ", "),
			more(len(below)-maxCodeErrors), f.Statuses[len(f.Statuses)-1].Slug)
	}
	if rep.Added, err = tx.AddTargets(ctx, targets); err != nil {
		return TargetReport{}, err
	}
	rep.AlreadyTargeted = rep.Requested - rep.Added
	rep.Total, err = tx.CountTargets(ctx, p.ID)
	return rep, err
}

// TargetAbove reports whether target is a goal for a village whose
// baseline status is baseline: a status above it, or the top status for a
// village already there ("stay mandiri"). A village without a baseline
// status may have any target. A target at or below the baseline would
// count as reached even if the village moved down.
func TargetAbove(f indicator.Framework, baseline, target string) bool {
	if baseline == "" {
		return true
	}
	b, t := f.Rank(baseline), f.Rank(target)
	return t > b || (t == b && t == len(f.Statuses)-1)
}

func more(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" and %d more", n)
}

// villagesByCode checks the codes of a request: each a village code of an
// existing village that the framework scores. Every bad code is reported,
// named in its field and message.
func (s *Service) villagesByCode(ctx context.Context, f indicator.Framework, in []string) ([]string, error) {
	if len(in) > MaxTargetCodes {
		return nil, apperr.Invalidf("codes", "at most %d codes per request, got %d", MaxTargetCodes, len(in))
	}
	type codeError struct {
		index int
		msg   string
	}
	var bad []codeError
	fail := func(i int, format string, args ...any) {
		bad = append(bad, codeError{i, fmt.Sprintf(format, args...)})
	}
	codes := make([]string, 0, len(in))
	index := map[string]int{}
	for i, c := range in {
		code, err := region.ParseCodeAt(c, region.LevelVillage)
		if err != nil {
			fail(i, "%q is not a village code: %s", c, err.(*apperr.Error).Message)
			continue
		}
		if _, dup := index[code]; !dup {
			index[code] = i
			codes = append(codes, code)
		}
	}
	found, err := s.regions.RegionsByCode(ctx, codes)
	if err != nil {
		return nil, err
	}
	for _, code := range codes {
		r, ok := found[code]
		switch {
		case !ok || r.Level != region.LevelVillage:
			fail(index[code], "no village with code %s", code)
		case f.KelurahanExcluded && r.Type == region.TypeKelurahan:
			fail(index[code], "%s is a kelurahan; %s scores desa only, so a kelurahan cannot be its target", code, f.Code)
		}
	}
	slices.SortFunc(bad, func(a, b codeError) int { return a.index - b.index })
	var errs apperr.Fields
	for _, e := range bad[:min(len(bad), maxCodeErrors)] {
		errs.Add(fmt.Sprintf("codes[%d]", e.index), "%s", e.msg)
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	return codes, nil
}

// villagesByFilter selects the villages of an area, optionally those with
// one of some statuses in a framework and year (by default the program's
// framework and baseline year). Kelurahan are left out where the program's
// framework scores desa only.
func (s *Service) villagesByFilter(ctx context.Context, pf indicator.Framework, p Program, vf VillageFilter) ([]string, error) {
	var errs apperr.Fields
	q := VillageQuery{Limit: maxFilterVillages + 1}
	refs := map[string]region.Level{}
	area := map[string]string{}
	for _, a := range []struct {
		field, value string
		level        region.Level
		dst          *string
	}{
		{"filter.province", vf.Province, region.LevelProvince, &q.Province},
		{"filter.regency", vf.Regency, region.LevelRegency, &q.Regency},
		{"filter.district", vf.District, region.LevelDistrict, &q.District},
	} {
		if a.value = strings.TrimSpace(a.value); a.value == "" {
			continue
		}
		code, err := region.ParseCodeAt(a.value, a.level)
		if err != nil {
			errs.Add(a.field, "%s", err.(*apperr.Error).Message)
			continue
		}
		*a.dst = code
		refs[a.field], area[a.field] = a.level, code
	}
	if len(refs) == 0 && errs.Err() == nil {
		errs.Add("filter", "name an area: province, regency or district")
	}
	q.Framework, q.Year = vf.Framework, vf.Year
	if q.Framework == "" {
		q.Framework = pf.Code
	}
	if q.Year == 0 {
		q.Year = p.BaselineYear
	}
	f, err := indicator.FrameworkByCode(q.Framework)
	if err != nil {
		errs.Add("filter.framework", "%s", err.(*apperr.Error).Message)
	} else {
		if first, last := f.Years(); q.Year < first || q.Year > last {
			errs.Add("filter.year", "%s has scores for %d–%d, not %d", f.Code, first, last, q.Year)
		}
		for _, st := range vf.Status {
			if f.Rank(st) < 0 {
				errs.Add("filter.status", "unknown %s status %q (known: %s)", f.Code, st, strings.Join(f.StatusSlugs(), ", "))
			}
		}
	}
	if err := errs.Err(); err != nil {
		return nil, err
	}
	for field, level := range refs {
		if err := s.checkRegions(ctx, level, map[string]string{field: area[field]}); err != nil {
			return nil, err
		}
	}
	q.Status = vf.Status
	if pf.KelurahanExcluded {
		q.Types = []string{region.TypeDesa, region.TypeDesaAdat}
	}
	codes, err := s.regions.VillageCodes(ctx, q)
	if err != nil {
		return nil, err
	}
	if len(codes) > maxFilterVillages {
		return nil, apperr.Invalidf("filter", "selects more than %d villages; narrow it", maxFilterVillages)
	}
	return codes, nil
}

// Targets lists a program's target villages with their baselines and
// current scores.
func (s *Service) Targets(ctx context.Context, programID string, f TargetFilter) ([]Target, int, error) {
	p, err := s.Program(ctx, programID)
	if err != nil {
		return nil, 0, err
	}
	fw, err := indicator.FrameworkByCode(p.Framework)
	if err != nil {
		return nil, 0, err
	}
	for _, st := range f.BaselineStatus {
		if fw.Rank(st) < 0 {
			return nil, 0, apperr.BadParam("baseline_status", "unknown %s status %q (known: %s)", fw.Code, st, strings.Join(fw.StatusSlugs(), ", "))
		}
	}
	return s.store.Targets(ctx, p.ID, p.Framework, f)
}

// RemoveTarget removes a target village.
func (s *Service) RemoveTarget(ctx context.Context, programID, code string) error {
	dotted, err := region.ParseCodeAt(code, region.LevelVillage)
	if err != nil {
		return apperr.BadParam("code", "%s", err.(*apperr.Error).Message)
	}
	return s.inProgram(ctx, programID, func(tx Store, p Program) error {
		return notFound(tx.DeleteTarget(ctx, programID, dotted), "village %s is not a target of program %s", dotted, p.Code)
	})
}

// Outcome compares the program's targets with a comparison group between
// its baseline year and year; see ComputeOutcome. It reads the scores of
// the target regencies with one query per year.
func (s *Service) Outcome(ctx context.Context, programID string, year int) (Outcome, error) {
	p, err := s.Program(ctx, programID)
	if err != nil {
		return Outcome{}, err
	}
	f, err := indicator.FrameworkByCode(p.Framework)
	if err != nil {
		return Outcome{}, err
	}
	if first, last := f.Years(); year < first || year > last {
		return Outcome{}, apperr.BadParam("year", "%s has scores for %d–%d, not %d", f.Code, first, last, year)
	}
	out := Outcome{ProgramID: p.ID, Framework: f.Code, BaselineYear: p.BaselineYear, Year: year}
	refs, err := s.store.TargetRefs(ctx, p.ID)
	if err != nil {
		return Outcome{}, err
	}
	base, cur := map[string]VillageScore{}, map[string]VillageScore{}
	if len(refs) > 0 {
		var regencies []string
		for _, r := range refs {
			if !slices.Contains(regencies, r.RegencyCode) {
				regencies = append(regencies, r.RegencyCode)
			}
		}
		if base, err = s.scores.ScoresIn(ctx, f.Code, p.BaselineYear, regencies); err != nil {
			return Outcome{}, err
		}
		cur = base
		if year != p.BaselineYear {
			if cur, err = s.scores.ScoresIn(ctx, f.Code, year, regencies); err != nil {
				return Outcome{}, err
			}
		}
	}
	out.Targets, out.Comparison, out.Difference = ComputeOutcome(f, refs, base, cur)
	return out, nil
}
