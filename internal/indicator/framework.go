// Package indicator holds the village development frameworks (IDM, Indeks
// Desa, BPS IPD) as their regulations define them, village scores and the
// status each framework assigns, the indicator catalogue and its values, and
// bulk imports of scores and values with per-row error reports.
package indicator

import (
	"slices"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/fixed"
)

// Status is a development status a framework can assign.
type Status struct {
	Slug    string // stable machine code: sangat_tertinggal … mandiri
	LabelID string
	LabelEN string
	// Upper is the highest score with this status (inclusive), nil for the
	// top status or where the regulation's thresholds are not confirmed.
	Upper *fixed.Dec
}

// Component is a part of a composite score.
type Component struct {
	Code    string
	LabelID string
	LabelEN string
}

// Framework is a method of scoring and classifying villages, versioned by
// the regulation that defines it.
type Framework struct {
	Code        string
	Name        string
	Regulation  string
	Publisher   string
	Description string
	Min, Max    fixed.Dec // score and component scale
	Components  []Component
	// ScoreIsMean: the composite is the mean of the components, so a writer
	// may give only the components.
	ScoreIsMean bool
	// DerivesStatus: the thresholds are confirmed, so the status can be
	// derived from the score; otherwise only a published status is kept.
	DerivesStatus bool
	// KelurahanExcluded: the framework scores desa only.
	KelurahanExcluded bool
	Statuses          []Status // lowest first
	FirstYear         int
	LastYear          int // 0: open-ended (up to the current year)
}

func upper(s string) *fixed.Dec {
	d := fixed.MustParse(s)
	return &d
}

// The frameworks, as their regulations define them.
var frameworks = []Framework{
	{
		Code:       "idm",
		Name:       "Indeks Desa Membangun (IDM)",
		Regulation: "Permendesa PDTT No. 2 Tahun 2016",
		Publisher:  "Kementerian Desa dan Pembangunan Daerah Tertinggal (Kemendes PDTT)",
		Description: "Composite of the social (IKS), economic (IKE) and ecological (IKL) resilience indices, " +
			"each 0–1; IDM is their mean and the status follows from IDM by fixed thresholds.",
		Min: fixed.FromInt(0), Max: fixed.FromInt(1),
		Components: []Component{
			{"iks", "Indeks Ketahanan Sosial", "Social Resilience Index"},
			{"ike", "Indeks Ketahanan Ekonomi", "Economic Resilience Index"},
			{"ikl", "Indeks Ketahanan Lingkungan", "Ecological Resilience Index"},
		},
		ScoreIsMean: true, DerivesStatus: true, KelurahanExcluded: true,
		Statuses: []Status{
			{"sangat_tertinggal", "Sangat Tertinggal", "Very underdeveloped", upper("0.4907")},
			{"tertinggal", "Tertinggal", "Underdeveloped", upper("0.5989")},
			{"berkembang", "Berkembang", "Developing", upper("0.7072")},
			{"maju", "Maju", "Advanced", upper("0.8155")},
			{"mandiri", "Mandiri", "Self-reliant", nil},
		},
		FirstYear: 2015, LastYear: 2024,
	},
	{
		Code:       "indeks_desa",
		Name:       "Indeks Desa",
		Regulation: "Permendesa PDTT No. 9 Tahun 2024",
		Publisher:  "Kementerian Desa dan Pembangunan Daerah Tertinggal (Kemendes PDTT)",
		Description: "Six dimensions, each 0–100. The status thresholds are not confirmed, so the status " +
			"is only ever the published one and none is derived.",
		Min: fixed.FromInt(0), Max: fixed.FromInt(100),
		Components: []Component{
			{"layanan_dasar", "Layanan Dasar", "Basic services"},
			{"sosial", "Sosial", "Social"},
			{"ekonomi", "Ekonomi", "Economy"},
			{"lingkungan", "Lingkungan", "Environment"},
			{"aksesibilitas", "Aksesibilitas", "Accessibility"},
			{"tata_kelola", "Tata Kelola Pemerintahan Desa", "Village governance"},
		},
		KelurahanExcluded: true,
		Statuses: []Status{
			{"sangat_tertinggal", "Sangat Tertinggal", "Very underdeveloped", nil},
			{"tertinggal", "Tertinggal", "Underdeveloped", nil},
			{"berkembang", "Berkembang", "Developing", nil},
			{"maju", "Maju", "Advanced", nil},
			{"mandiri", "Mandiri", "Self-reliant", nil},
		},
		FirstYear: 2024,
	},
	{
		Code:        "ipd",
		Name:        "Indeks Pembangunan Desa (IPD)",
		Regulation:  "Badan Pusat Statistik (BPS), Podes",
		Publisher:   "Badan Pusat Statistik (BPS)",
		Description: "BPS village development index, 0–100, from the village potential census (Podes).",
		Min:         fixed.FromInt(0), Max: fixed.FromInt(100),
		DerivesStatus: true,
		Statuses: []Status{
			{"tertinggal", "Tertinggal", "Underdeveloped", upper("50")},
			{"berkembang", "Berkembang", "Developing", upper("75")},
			{"mandiri", "Mandiri", "Self-reliant", nil},
		},
		FirstYear: 2011,
	},
}

// Frameworks lists every framework.
func Frameworks() []Framework { return slices.Clone(frameworks) }

// FrameworkByCode returns a framework, or a NotFound error.
func FrameworkByCode(code string) (Framework, error) {
	for _, f := range frameworks {
		if f.Code == code {
			return f, nil
		}
	}
	return Framework{}, apperr.NotFoundf("no framework %q (known: idm, indeks_desa, ipd)", code)
}

// FrameworkCodes lists the framework codes.
func FrameworkCodes() []string {
	out := make([]string, len(frameworks))
	for i, f := range frameworks {
		out[i] = f.Code
	}
	return out
}

// Classify returns the status the thresholds give a score, or "" where the
// framework derives none.
func (f Framework) Classify(score fixed.Dec) string {
	if !f.DerivesStatus {
		return ""
	}
	for _, s := range f.Statuses {
		if s.Upper == nil || score <= *s.Upper {
			return s.Slug
		}
	}
	return f.Statuses[len(f.Statuses)-1].Slug
}

// Rank is the position of a status, 0 for the lowest; -1 when unknown.
func (f Framework) Rank(status string) int {
	return slices.IndexFunc(f.Statuses, func(s Status) bool { return s.Slug == status })
}

// StatusSlugs lists the framework's statuses, lowest first.
func (f Framework) StatusSlugs() []string {
	out := make([]string, len(f.Statuses))
	for i, s := range f.Statuses {
		out[i] = s.Slug
	}
	return out
}

// Next returns the status one step above status (itself at the top).
func (f Framework) Next(status string) string {
	r := f.Rank(status)
	if r < 0 {
		return ""
	}
	return f.Statuses[min(r+1, len(f.Statuses)-1)].Slug
}

// Years returns the first and last year scores may have.
func (f Framework) Years() (int, int) {
	last := f.LastYear
	if last == 0 {
		last = time.Now().Year()
	}
	return f.FirstYear, last
}

// HasComponent reports whether code is one of the framework's components.
func (f Framework) HasComponent(code string) bool {
	return slices.ContainsFunc(f.Components, func(c Component) bool { return c.Code == code })
}

// AllComponents lists every component code of every framework: the score
// columns the store keeps.
func AllComponents() []string {
	var out []string
	for _, f := range frameworks {
		for _, c := range f.Components {
			out = append(out, c.Code)
		}
	}
	return out
}
