package seed

import (
	"context"

	"github.com/desa-api/desa-api/internal/indicator"
)

// IndicatorValueSet is the embedded sample of per-indicator IDM scores: the
// 50 indicator scores (0–5) of ≈2,500 villages in 2021–2024 from the
// Kemendesa IDM open API (500,300 rows, 10,006 village-years), in the API's
// shape village_code,year,dimension,number,score and with its Kepmendagri
// 2022 codes, translated on import; rows whose code has no 2025 counterpart
// are rejected and reported (partial mode).
//
// Kept as published: in every 2024 response IKS-31 (Akses Internet Warga)
// is a copy of IKS-30 (Internet Kantor Desa), while the published 2024 IKS
// was computed from the true IKS-31. So for 2024 the sum of the IKS scores
// / 175 can differ from the village's IKS by 4/175 (628 village-years); the
// IKS score is the one to trust.
var IndicatorValueSet = ScoreSet{"idm_indicator_scores_sample", indicator.ImportRequest{
	Kind: indicator.KindIndicatorValues, Mode: indicator.ModePartial, CodeEdition: 2022, Format: indicator.FormatCSV,
	Source: "Kemendes PDTT, IDM open API (sample of 2,500 villages)", MaxRows: 1_000_000}}

// EnsureIndicatorValues loads the embedded indicator values when none is
// stored, and returns the import report (nil when it loaded nothing).
func EnsureIndicatorValues(ctx context.Context, svc *indicator.Service) (*indicator.Report, error) {
	n, err := svc.CountValues(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	rep, err := LoadScores(ctx, svc, IndicatorValueSet)
	if err != nil {
		return nil, err
	}
	return &rep, nil
}
