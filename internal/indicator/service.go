package indicator

import (
	"context"
	"strings"
	"sync"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/region"
)

// Store is what the indicator service needs from storage.
type Store interface {
	// VillageTypes maps every village code to its type, for imports.
	VillageTypes(ctx context.Context) (map[string]string, error)
	// Scores lists a village's scores in a framework, ascending by year
	// (every framework when framework is "").
	Scores(ctx context.Context, village, framework string) ([]Score, error)
	// ExistingScores returns the stored scores among keys.
	ExistingScores(ctx context.Context, framework string, keys []Key) (map[Key]Score, error)
	// UpsertScores writes scores and reports how many were inserted and how
	// many updated; the rest equalled the stored ones (SameValues) and were
	// left untouched.
	UpsertScores(ctx context.Context, scores []Score) (inserted, updated int, err error)
	// SaveImport stores an import report; ImportReport reads one back.
	SaveImport(ctx context.Context, r Report) error
	ImportReport(ctx context.Context, id string) (Report, error)
	// CountScores counts the stored scores of a framework.
	CountScores(ctx context.Context, framework string) (int, error)

	// Indicators lists catalogue entries matching f and their total;
	// Indicator returns one, or NotFound.
	Indicators(ctx context.Context, f IndicatorFilter) ([]Indicator, int, error)
	Indicator(ctx context.Context, code string) (Indicator, error)
	// CreateIndicator adds an entry (Conflict when the code is taken);
	// UpdateIndicator rewrites one (NotFound when missing).
	CreateIndicator(ctx context.Context, ind Indicator) error
	UpdateIndicator(ctx context.Context, ind Indicator) error
	// CountValuesOutside counts an indicator's stored values outside the
	// bounds (nil: unbounded on that side).
	CountValuesOutside(ctx context.Context, code string, min, max *fixed.Dec) (int, error)
	// RegionCodes lists every region code of every level, for imports.
	RegionCodes(ctx context.Context) (map[string]bool, error)
	// Values lists stored values joined to the catalogue, by dimension,
	// number, indicator code and year.
	Values(ctx context.Context, f ValueFilter) ([]RegionValue, error)
	// UpsertValues writes values and reports how many were inserted and how
	// many updated; the rest equalled the stored value and were left
	// untouched (their source and import stay).
	UpsertValues(ctx context.Context, values []Value) (inserted, updated int, err error)
	// CountValues counts the stored indicator values.
	CountValues(ctx context.Context) (int, error)

	// InTx runs fn in one transaction on a store bound to it.
	InTx(ctx context.Context, fn func(Store) error) error
}

// RegionStore is the part of the region store scores need.
type RegionStore interface {
	Region(ctx context.Context, code string) (region.Region, error)
}

// Service serves frameworks, scores, the indicator catalogue, indicator
// values and imports.
type Service struct {
	store   Store
	regions RegionStore
	// crosswalk maps Kepmendagri 2022 village codes to 2025 codes.
	crosswalk func() (map[string]string, error)
	newID     func() string
}

// NewService returns a service. crosswalk translates Kepmendagri 2022
// village codes to 2025 codes for imports with code_edition=2022.
func NewService(s Store, regions RegionStore, crosswalk map[string]string, newID func() string) *Service {
	return &Service{store: s, regions: regions, newID: newID,
		crosswalk: func() (map[string]string, error) { return crosswalk, nil }}
}

// WithCrosswalkLoader makes the service read the crosswalk with load when
// an import first needs it (code_edition=2022) rather than up front: most
// imports, and most starts of a server, never do. A failed load is retried
// by the next import that needs it.
func (s *Service) WithCrosswalkLoader(load func() (map[string]string, error)) *Service {
	var mu sync.Mutex
	var loaded map[string]string
	s.crosswalk = func() (map[string]string, error) {
		mu.Lock()
		defer mu.Unlock()
		if loaded != nil {
			return loaded, nil
		}
		m, err := load()
		if err != nil {
			return nil, err
		}
		loaded = m
		return m, nil
	}
	return s
}

// village returns the village with the given code, or NotFound.
func (s *Service) village(ctx context.Context, code string) (Village, error) {
	dotted, err := region.ParseCodeAt(code, region.LevelVillage)
	if err != nil {
		return Village{}, apperr.Field(apperr.BadRequest, "code", err.(*apperr.Error).Message)
	}
	r, err := s.regions.Region(ctx, dotted)
	if apperr.Is(err, apperr.NotFound) {
		return Village{}, apperr.NotFoundf("no village with code %s", dotted)
	}
	if err != nil {
		return Village{}, err
	}
	return Village{Code: r.Code, Type: r.Type}, nil
}

// mayWrite checks that the key ctx carries may write data of the region
// with the given code: a province-restricted key writes scores and values
// only inside its provinces (Forbidden elsewhere, whether or not the region
// exists). A malformed code is left to the lookup that follows.
func mayWrite(ctx context.Context, code string) error {
	dotted, _, err := region.ParseCode(code)
	if err != nil {
		return nil
	}
	return auth.RequireRegion(auth.FromContext(ctx), dotted)
}

// Scores lists a village's scores in a framework ("" for all), by year.
func (s *Service) Scores(ctx context.Context, villageCode, framework string) ([]Score, error) {
	if framework != "" {
		if _, err := FrameworkByCode(framework); err != nil {
			return nil, apperr.Field(apperr.BadRequest, "framework", err.(*apperr.Error).Message)
		}
	}
	v, err := s.village(ctx, villageCode)
	if err != nil {
		return nil, err
	}
	return s.store.Scores(ctx, v.Code, framework)
}

// CountScores counts the stored scores of a framework.
func (s *Service) CountScores(ctx context.Context, framework string) (int, error) {
	return s.store.CountScores(ctx, framework)
}

// PutScore creates or replaces one score and reports whether it was new.
// A province-restricted key (in ctx) writes only in its provinces.
func (s *Service) PutScore(ctx context.Context, villageCode, framework string, year int, in ScoreInput) (Score, bool, error) {
	if err := mayWrite(ctx, villageCode); err != nil {
		return Score{}, false, err
	}
	f, err := FrameworkByCode(framework)
	if err != nil {
		return Score{}, false, err
	}
	v, err := s.village(ctx, villageCode)
	if err != nil {
		return Score{}, false, err
	}
	in.Source = strings.TrimSpace(in.Source)
	sc, probs := f.NewScore(v, year, in)
	if p := checkSource(in.Source); p != nil {
		probs = append(probs, *p)
	}
	if len(probs) > 0 {
		return Score{}, false, problemsErr(probs)
	}
	inserted, _, err := s.store.UpsertScores(ctx, []Score{sc})
	if err != nil {
		return Score{}, false, err
	}
	got, err := s.stored(ctx, f, v.Code, year)
	return got, inserted == 1, err
}

// Score returns one stored score, or NotFound (for an unknown framework or
// village too).
func (s *Service) Score(ctx context.Context, villageCode, framework string, year int) (Score, error) {
	f, err := FrameworkByCode(framework)
	if err != nil {
		return Score{}, err
	}
	v, err := s.village(ctx, villageCode)
	if err != nil {
		return Score{}, err
	}
	return s.stored(ctx, f, v.Code, year)
}

// stored reads the score of a village (by its dotted code) and year.
func (s *Service) stored(ctx context.Context, f Framework, village string, year int) (Score, error) {
	got, err := s.store.ExistingScores(ctx, f.Code, []Key{{village, year}})
	if err != nil {
		return Score{}, err
	}
	sc, ok := got[Key{village, year}]
	if !ok {
		return Score{}, apperr.NotFoundf("village %s has no %s score for %d", village, f.Code, year)
	}
	return sc, nil
}

func problemsErr(probs []Problem) error {
	errs := apperr.Fields{Kind: apperr.Invalid}
	for _, p := range probs {
		errs.Add(p.Field, "%s", p.Message)
	}
	return errs.Err()
}
