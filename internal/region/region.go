// Package region holds Indonesia's administrative hierarchy as Kemendagri
// codes it: provinces, regencies (kabupaten/kota), districts (kecamatan) and
// villages (desa/kelurahan/desa adat). It owns code parsing, the rules a new
// or changed region must follow, and the service the HTTP layer calls.
package region

import (
	"context"
	"fmt"
	"strings"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/text"
)

// Region is one node of the hierarchy, at any level. ProvinceCode,
// RegencyCode and DistrictCode repeat what the code already says so that
// filters and aggregates are plain column comparisons.
type Region struct {
	Code         string
	Level        Level
	Name         string
	Type         string // see TypesOf; "" for provinces and districts
	ParentCode   string // "" for a province
	ProvinceCode string
	RegencyCode  string // "" above regency level
	DistrictCode string // "" above district level

	// Names of the ancestors, filled by reads; ignored by writes.
	ProvinceName string
	RegencyName  string
	DistrictName string

	// Score is the village's score in the framework and year a list asked
	// for (Filter.Score); nil otherwise.
	Score *Score
}

// Score is a village's score and status as a list shows it.
type Score struct {
	Framework     string
	Year          int
	Value         *fixed.Dec // nil: no score that year
	Status        string
	DerivedStatus string
}

// ScoreFilter joins villages to their scores in one framework and year,
// optionally keeping only those with one of the published statuses.
type ScoreFilter struct {
	Framework string
	Year      int
	Status    []string
}

// Ancestor is a region above another, as listed in a region's answer.
type Ancestor struct {
	Code  string
	Name  string
	Level Level
}

// Ancestors lists r's ancestors top down from the names a read filled in.
func (r Region) Ancestors() []Ancestor {
	var out []Ancestor
	if r.Level.Depth() > 1 {
		out = append(out, Ancestor{r.ProvinceCode, r.ProvinceName, LevelProvince})
	}
	if r.Level.Depth() > 2 {
		out = append(out, Ancestor{r.RegencyCode, r.RegencyName, LevelRegency})
	}
	if r.Level.Depth() > 3 {
		out = append(out, Ancestor{r.DistrictCode, r.DistrictName, LevelDistrict})
	}
	return out
}

// New builds a region from a code and a name, deriving its level, parent,
// ancestor codes and type from the code. typ may be "" (derived) or must
// agree with the code. It reports every broken rule, naming the field.
func New(code, name, typ string) (Region, error) {
	var errs apperr.Fields
	dotted, level, err := ParseCode(code)
	if err != nil {
		errs.Add("code", "%s", err.(*apperr.Error).Message)
		return Region{}, errs.Err()
	}
	r := Region{Code: dotted, Level: level, Name: strings.TrimSpace(name), ParentCode: ParentCode(dotted)}
	for _, seg := range strings.Split(dotted, ".") {
		if strings.Trim(seg, "0") == "" {
			errs.Add("code", "segment %q of %s is zero", seg, dotted)
		}
	}
	anc := AncestorCodes(dotted)
	for i, a := range anc {
		switch i {
		case 0:
			r.ProvinceCode = a
		case 1:
			r.RegencyCode = a
		case 2:
			r.DistrictCode = a
		}
	}
	if level == LevelProvince {
		r.ProvinceCode = dotted
	}
	if r.Name == "" {
		errs.Add("name", "is required")
	} else if len(r.Name) > 200 {
		errs.Add("name", "is longer than 200 bytes")
	} else if err := text.CheckLine(r.Name); err != nil {
		errs.Add("name", "%s", err)
	}
	derived, ok := TypeOf(dotted, level)
	switch {
	case !ok && level == LevelRegency:
		errs.Add("code", "regency number must be 01–69 (kabupaten) or 71–99 (kota)")
	case !ok && level == LevelVillage:
		errs.Add("code", "village number must start with 1 (kelurahan), 2 (desa) or 3 (desa_adat)")
	case typ != "" && TypesOf(level) == nil:
		errs.Add("type", "a %s has no type", level)
	case typ != "" && typ != derived:
		errs.Add("type", "code %s is a %s, not a %s", dotted, derived, typ)
	}
	r.Type = derived
	if err := errs.Err(); err != nil {
		return Region{}, err
	}
	return r, nil
}

// Filter selects regions for a list. Empty fields do not filter.
type Filter struct {
	Level    Level
	Parent   string   // direct parent code
	Province []string // any of these province codes
	Regency  []string
	District []string
	Type     []string
	Q        string // case-insensitive substring of the name
	Score    *ScoreFilter
	Sort     paging.Sort // by one of SortFields, or "score" with Score set
	Page     paging.Page
}

// SortFields are the fields a region list may be sorted by.
var SortFields = []string{"code", "name"}

// ScoreSortFields are the sort fields of a village list joined to scores.
var ScoreSortFields = []string{"code", "name", "score"}

// Store is what the service needs from storage.
type Store interface {
	// Region returns one region with its ancestors' names, or a NotFound error.
	Region(ctx context.Context, code string) (Region, error)
	// Regions returns a page of regions and the total number matching.
	Regions(ctx context.Context, f Filter) ([]Region, int, error)
	// ChildCount counts the regions directly below code.
	ChildCount(ctx context.Context, code string) (int, error)
	CreateRegion(ctx context.Context, r Region) error
	// UpdateRegion changes a region's name and type.
	UpdateRegion(ctx context.Context, r Region) error
	// DeleteRegion removes a region; a Conflict error if anything refers to it.
	DeleteRegion(ctx context.Context, code string) error
	// ImportRegions upserts many regions in one transaction.
	ImportRegions(ctx context.Context, rs []Region) (int, error)
	// RegionCounts counts regions per level.
	RegionCounts(ctx context.Context) (map[Level]int, error)
}

// Service applies the hierarchy's rules on top of a Store.
type Service struct {
	store Store
}

// NewService returns a service over s.
func NewService(s Store) *Service { return &Service{store: s} }

// Get returns the region with the given code at the given level ("" for any).
func (s *Service) Get(ctx context.Context, code string, level Level) (Region, error) {
	dotted, got, err := ParseCode(code)
	if err != nil {
		return Region{}, apperr.Field(apperr.BadRequest, "code", err.(*apperr.Error).Message)
	}
	if level != "" && got != level {
		return Region{}, apperr.NotFoundf("no %s with code %s: %s is a %s code (see /v1/regions/%s)", level, dotted, dotted, got, dotted)
	}
	r, err := s.store.Region(ctx, dotted)
	if apperr.Is(err, apperr.NotFound) {
		return Region{}, apperr.NotFoundf("no %s with code %s", got, dotted)
	}
	return r, err
}

// List returns a page of regions matching f and the total count.
func (s *Service) List(ctx context.Context, f Filter) ([]Region, int, error) {
	return s.store.Regions(ctx, f)
}

// Children returns a page of the regions directly below code.
func (s *Service) Children(ctx context.Context, code string, f Filter) ([]Region, int, error) {
	parent, err := s.Get(ctx, code, "")
	if err != nil {
		return nil, 0, err
	}
	f.Level = parent.Level.Child()
	if f.Level == "" {
		return nil, 0, nil
	}
	f.Parent = parent.Code
	return s.store.Regions(ctx, f)
}

// ChildCount counts the regions directly below code.
func (s *Service) ChildCount(ctx context.Context, code string) (int, error) {
	return s.store.ChildCount(ctx, code)
}

// Create adds a region at the given level after checking the rules: a
// well-formed code of that level, a type that agrees with the code, an
// existing parent. It returns the stored region.
func (s *Service) Create(ctx context.Context, level Level, r Region) (Region, error) {
	nr, err := New(r.Code, r.Name, r.Type)
	if err != nil {
		return Region{}, err
	}
	if nr.Level != level {
		return Region{}, apperr.Invalidf("code", "%s is a %s code, want a %s code", nr.Code, nr.Level, level)
	}
	if err := checkParents(nr, r); err != nil {
		return Region{}, err
	}
	if nr.ParentCode != "" {
		if _, err := s.store.Region(ctx, nr.ParentCode); apperr.Is(err, apperr.NotFound) {
			return Region{}, apperr.Invalidf("code", "parent %s %s does not exist", level.parent(), nr.ParentCode)
		} else if err != nil {
			return Region{}, err
		}
	}
	if err := s.store.CreateRegion(ctx, nr); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return Region{}, apperr.Wrap(err, apperr.Conflict, fmt.Sprintf("%s %s already exists", level, nr.Code))
		}
		return Region{}, err
	}
	return s.store.Region(ctx, nr.Code)
}

// checkParents rejects ancestor codes given in a body that disagree with the
// code: the code is the single source of truth for its place.
func checkParents(derived, given Region) error {
	var errs apperr.Fields
	for _, p := range []struct{ field, given, want string }{
		{"province_code", given.ProvinceCode, derived.ProvinceCode},
		{"regency_code", given.RegencyCode, derived.RegencyCode},
		{"district_code", given.DistrictCode, derived.DistrictCode},
	} {
		if p.given == "" {
			continue
		}
		if code, _, err := ParseCode(p.given); err != nil || code != p.want {
			errs.Add(p.field, "must be %q, the prefix of code %s", p.want, derived.Code)
		}
	}
	return errs.Err()
}

func (l Level) parent() Level {
	if d := l.Depth(); d > 1 {
		return Levels[d-2]
	}
	return ""
}

// Patch is a partial update; nil fields are left alone.
type Patch struct {
	Name *string
	Type *string
}

// Update applies p to the region with the given code and level.
func (s *Service) Update(ctx context.Context, level Level, code string, p Patch) (Region, error) {
	cur, err := s.Get(ctx, code, level)
	if err != nil {
		return Region{}, err
	}
	name, typ := cur.Name, ""
	if p.Name != nil {
		name = *p.Name
	}
	if p.Type != nil {
		typ = *p.Type
	}
	nr, err := New(cur.Code, name, typ)
	if err != nil {
		return Region{}, err
	}
	if err := s.store.UpdateRegion(ctx, nr); err != nil {
		return Region{}, err
	}
	return s.store.Region(ctx, nr.Code)
}

// Delete removes a region that has no children (Conflict otherwise).
func (s *Service) Delete(ctx context.Context, level Level, code string) error {
	r, err := s.Get(ctx, code, level)
	if err != nil {
		return err
	}
	n, err := s.store.ChildCount(ctx, r.Code)
	if err != nil {
		return err
	}
	if n > 0 {
		return apperr.New(apperr.Conflict, "%s %s still has %d %s(s); delete them first", level, r.Code, n, level.Child())
	}
	if err := s.store.DeleteRegion(ctx, r.Code); err != nil {
		if apperr.Is(err, apperr.Conflict) {
			return apperr.Wrap(err, apperr.Conflict, fmt.Sprintf("%s %s is still referenced by other data", level, r.Code))
		}
		return err
	}
	return nil
}

// Import upserts many regions at once (parents before children), after
// checking each with New. It reports how many were written.
func (s *Service) Import(ctx context.Context, rs []Region) (int, error) {
	checked := make([]Region, len(rs))
	for i, r := range rs {
		nr, err := New(r.Code, r.Name, r.Type)
		if err != nil {
			return 0, fmt.Errorf("region %d (%s): %w", i+1, r.Code, err)
		}
		checked[i] = nr
	}
	return s.store.ImportRegions(ctx, checked)
}

// Counts counts regions per level.
func (s *Service) Counts(ctx context.Context) (map[Level]int, error) {
	return s.store.RegionCounts(ctx)
}
