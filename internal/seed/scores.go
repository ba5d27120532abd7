package seed

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"

	"github.com/desa-api/desa-api/internal/indicator"
)

// ScoreSet is an embedded set in an import format: scores
// (village_code,year,iks,ike,ikl,score,status) or, for IndicatorValueSet,
// indicator values.
type ScoreSet struct {
	Name    string // the embedded file, without extension
	Request indicator.ImportRequest
}

// ScoreSets are the embedded IDM scores:
//   - idm_2024: the official IDM 2024 (Kemendes PDTT, "hasil pemutakhiran",
//     via data.go.id), 75,255 of its 75,265 rows — the 6 whose village could
//     not be matched to a 2025 code confidently are left out, and so are the
//     4 villages that received no 2024 score (rows with no value at all: a
//     score must carry something);
//   - idm_history_2021_2023: a real sample of ≈2,500 villages from the
//     Kemendesa IDM open API, with Kepmendagri 2022 codes translated on
//     import; rows whose code has no 2025 counterpart are rejected and
//     reported (partial mode). For 2024 the official file wins, so the
//     sample's 2024 rows are not shipped.
var ScoreSets = []ScoreSet{
	{"idm_2024", indicator.ImportRequest{Kind: indicator.KindScores, Framework: "idm", Mode: indicator.ModeAtomic,
		CodeEdition: 2025, Format: indicator.FormatCSV,
		Source: "Kemendes PDTT, IDM 2024 hasil pemutakhiran (data.go.id)"}},
	{"idm_history_2021_2023", indicator.ImportRequest{Kind: indicator.KindScores, Framework: "idm",
		Mode: indicator.ModePartial, CodeEdition: 2022, Format: indicator.FormatCSV,
		Source: "Kemendes PDTT, IDM open API (sample of 2,500 villages)"}},
}

// Crosswalk maps Kepmendagri 2022 village codes, as the IDM 2024 file
// publishes them, to Kepmendagri 2025 codes.
func Crosswalk() (map[string]string, error) {
	f, err := Open("crosswalk_2022_2025")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cr := csv.NewReader(f)
	if _, err := cr.Read(); err != nil {
		return nil, err
	}
	out := make(map[string]string, 80000)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		out[rec[0]] = rec[1]
	}
}

// EnsureScores loads the embedded score sets when no IDM score is stored,
// and returns their import reports.
func EnsureScores(ctx context.Context, svc *indicator.Service) ([]indicator.Report, error) {
	n, err := svc.CountScores(ctx, "idm")
	if err != nil || n > 0 {
		return nil, err
	}
	var reps []indicator.Report
	for _, set := range ScoreSets {
		rep, err := LoadScores(ctx, svc, set)
		if err != nil {
			return reps, err
		}
		reps = append(reps, rep)
	}
	return reps, nil
}

// LoadScores imports one embedded set, of scores or indicator values.
func LoadScores(ctx context.Context, svc *indicator.Service, set ScoreSet) (indicator.Report, error) {
	f, err := Open(set.Name)
	if err != nil {
		return indicator.Report{}, err
	}
	defer f.Close()
	rep, err := svc.Import(ctx, set.Request, f)
	if err != nil {
		return rep, fmt.Errorf("seed %s: %w", set.Name, err)
	}
	return rep, nil
}
