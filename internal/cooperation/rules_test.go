package cooperation

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/indicator"
)

// fieldsOf lists the fields an error names; nil for no error.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	e, ok := err.(*apperr.Error)
	if !ok || e.Kind != apperr.Invalid {
		t.Fatalf("got %T %v, want an Invalid *apperr.Error", err, err)
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2025-05-08", true},
		{"2024-02-29", true}, // leap day
		{"2023-02-29", false},
		{"2025-13-01", false},
		{"2025-5-8", false},
		{"08-05-2025", false},
		{"2025-05-08T00:00:00Z", false},
		{"", false},
		{" 2025-05-08", false},
	} {
		_, err := ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) = %v, want ok=%v", tc.in, err, tc.ok)
		}
	}
}

func TestNewAgency(t *testing.T) {
	good := Agency{Name: " Dinas PMD Prov. Jawa Timur ", Acronym: "DPMD Jatim", Kind: KindDinas, ProvinceCode: "35",
		Website: "https://jatimprov.go.id"}
	tests := []struct {
		name   string
		edit   func(*Agency)
		fields []string
	}{
		{"good", func(*Agency) {}, nil},
		{"national agency without province", func(a *Agency) { a.ProvinceCode, a.Kind = "", KindMinistry }, nil},
		{"no name", func(a *Agency) { a.Name = "  " }, []string{"name"}},
		{"no kind", func(a *Agency) { a.Kind = "" }, []string{"kind"}},
		{"unknown kind", func(a *Agency) { a.Kind = "bureau" }, []string{"kind"}},
		{"province code of a regency", func(a *Agency) { a.ProvinceCode = "35.78" }, []string{"province_code"}},
		{"malformed province", func(a *Agency) { a.ProvinceCode = "3x" }, []string{"province_code"}},
		{"website without scheme", func(a *Agency) { a.Website = "jatimprov.go.id" }, []string{"website"}},
		{"website ftp", func(a *Agency) { a.Website = "ftp://jatimprov.go.id" }, []string{"website"}},
		{"long acronym", func(a *Agency) { a.Acronym = string(make([]byte, 51)) }, []string{"acronym"}},
		{"everything wrong", func(a *Agency) { *a = Agency{Kind: "x", ProvinceCode: "x", Website: "x"} },
			[]string{"name", "kind", "province_code", "website"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := good
			tc.edit(&a)
			got, err := NewAgency(a)
			if diff := cmp.Diff(tc.fields, fieldsOf(t, err)); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
			if err == nil && got.Name != "Dinas PMD Prov. Jawa Timur" {
				t.Errorf("name not trimmed: %q", got.Name)
			}
		})
	}
}

func goodProgram() Program {
	return Program{Code: "kaltim-jatim", Title: "Kerja sama", Scope: ScopeInterProvincial, Status: "active",
		StartDate: "2025-05-08", EndDate: "2027-12-31", BaselineYear: 2024,
		Agreements: []Agreement{{Number: "100.3.7.1/15/PKS/B.POD-III/2025", SignedOn: "2025-05-08"}}}
}

func TestNewProgram(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Program)
		fields []string
	}{
		{"good", func(*Program) {}, nil},
		{"open-ended", func(p *Program) { p.EndDate = "" }, nil},
		{"ends the day it starts", func(p *Program) { p.EndDate = p.StartDate }, nil},
		{"end before start", func(p *Program) { p.EndDate = "2025-05-07" }, []string{"end_date"}},
		{"no start", func(p *Program) { p.StartDate = "" }, []string{"start_date"}},
		{"impossible start", func(p *Program) { p.StartDate = "2025-02-30" }, []string{"start_date"}},
		{"end not a date", func(p *Program) { p.EndDate = "soon" }, []string{"end_date"}},
		{"code not a slug", func(p *Program) { p.Code = "Kaltim Jatim" }, []string{"code"}},
		{"code with double hyphen", func(p *Program) { p.Code = "kaltim--jatim" }, []string{"code"}},
		{"no code", func(p *Program) { p.Code = "" }, []string{"code"}},
		{"no title", func(p *Program) { p.Title = "" }, []string{"title"}},
		{"unknown scope", func(p *Program) { p.Scope = "national" }, []string{"scope"}},
		{"unknown status", func(p *Program) { p.Status = "done" }, []string{"status"}},
		{"unknown framework", func(p *Program) { p.Framework = "sdgs" }, []string{"framework"}},
		{"baseline year outside the framework's", func(p *Program) { p.BaselineYear = 2014 }, []string{"baseline_year"}},
		{"agreement without number", func(p *Program) { p.Agreements[0].Number = "" }, []string{"agreements[0].number"}},
		{"agreement with a bad date", func(p *Program) { p.Agreements[0].SignedOn = "8 Mei 2025" }, []string{"agreements[0].signed_on"}},
		{"agreement with a bad URL", func(p *Program) { p.Agreements[0].DocumentURL = "PKS.pdf" }, []string{"agreements[0].document_url"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := goodProgram()
			p.Agreements = slices.Clone(p.Agreements)
			tc.edit(&p)
			got, err := NewProgram(p)
			if diff := cmp.Diff(tc.fields, fieldsOf(t, err)); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
			if err == nil && got.Framework != "idm" {
				t.Errorf("framework = %q, want the default idm", got.Framework)
			}
		})
	}
}

func TestNewParty(t *testing.T) {
	tests := []struct {
		name   string
		in     Party
		fields []string
		want   Party
	}{
		{"province, undotted", Party{Role: RoleLead, ProvinceCode: "64"}, nil, Party{Role: RoleLead, ProvinceCode: "64"}},
		{"agency", Party{Role: RoleFunder, AgencyID: "a1"}, nil, Party{Role: RoleFunder, AgencyID: "a1"}},
		{"neither", Party{Role: RoleLead}, []string{"p.province_code"}, Party{}},
		{"both", Party{Role: RoleLead, ProvinceCode: "64", AgencyID: "a1"}, []string{"p.agency_id"}, Party{}},
		{"unknown role", Party{Role: "sponsor", ProvinceCode: "64"}, []string{"p.role"}, Party{}},
		{"no role", Party{ProvinceCode: "64"}, []string{"p.role"}, Party{}},
		{"regency code", Party{Role: RolePartner, ProvinceCode: "64.01"}, []string{"p.province_code"}, Party{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := NewParty(tc.in, "p.")
			if diff := cmp.Diff(tc.fields, fieldsOf(t, err)); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
			if err == nil && !cmp.Equal(tc.want, got) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestPartyRules(t *testing.T) {
	prov := func(code, role string) Party { return Party{ProvinceCode: code, Role: role} }
	agency := func(id, province, role string) Party {
		return Party{AgencyID: id, AgencyProvince: province, Role: role}
	}
	tests := []struct {
		name    string
		scope   string
		parties []Party
		rules   []string
	}{
		{"two provinces, one lead", ScopeInterProvincial, []Party{prov("64", RoleLead), prov("35", RolePartner)}, nil},
		{"an agency counts with its province", ScopeInterProvincial,
			[]Party{agency("kesra", "64", RoleLead), agency("dpmd", "35", RolePartner)}, nil},
		{"a province and an agency elsewhere", ScopeInterProvincial,
			[]Party{prov("64", RoleLead), agency("dpmd", "35", RoleImplementer)}, nil},
		{"one province twice is one province", ScopeInterProvincial,
			[]Party{prov("64", RoleLead), agency("kesra", "64", RolePartner)}, []string{RuleTwoProvinces}},
		{"a national agency counts no province", ScopeInterProvincial,
			[]Party{prov("64", RoleLead), agency("kemendes", "", RoleFunder)}, []string{RuleTwoProvinces}},
		{"no parties", ScopeInterProvincial, nil, []string{RuleOneLead, RuleTwoProvinces}},
		{"provincial with one province", ScopeProvincial, []Party{prov("64", RoleLead)}, nil},
		{"no lead", ScopeProvincial, []Party{prov("64", RolePartner)}, []string{RuleOneLead}},
		{"two leads", ScopeInterProvincial, []Party{prov("64", RoleLead), prov("35", RoleLead)}, []string{RuleOneLead}},
		{"a province twice in one role", ScopeInterProvincial,
			[]Party{prov("64", RoleLead), prov("35", RolePartner), prov("35", RolePartner)}, []string{RuleDistinct}},
		{"a province in two roles", ScopeInterProvincial,
			[]Party{prov("64", RoleLead), prov("35", RolePartner), prov("35", RoleFunder)}, nil},
		{"an agency twice in one role", ScopeProvincial,
			[]Party{prov("64", RoleLead), agency("a", "64", RoleFunder), agency("a", "64", RoleFunder)}, []string{RuleDistinct}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, v := range PartyRules(tc.scope, tc.parties) {
				got = append(got, v.Rule)
			}
			if diff := cmp.Diff(tc.rules, got); diff != "" {
				t.Errorf("rules mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnpaid(t *testing.T) {
	parties := []Party{{ProvinceCode: "64", Role: RoleLead}, {AgencyID: "dpmd", AgencyProvince: "35", Role: RolePartner}}
	budgets := []Budget{
		{ID: "b1", ProvinceCode: "64"},
		{ID: "b2", AgencyID: "dpmd"},
		{ID: "b3", ProvinceCode: "35"}, // province 35 is no party: its agency is
		{ID: "b4", AgencyID: "kesra"},
	}
	var got []string
	for _, b := range Unpaid(parties, budgets) {
		got = append(got, b.ID)
	}
	if diff := cmp.Diff([]string{"b3", "b4"}, got); diff != "" {
		t.Errorf("unpaid mismatch (-want +got):\n%s", diff)
	}
}

func TestNewBudget(t *testing.T) {
	good := Budget{Year: 2025, ProvinceCode: "64", Kind: "planned", AmountIDR: 1_500_000_000, Source: "apbd"}
	tests := []struct {
		name   string
		edit   func(*Budget)
		fields []string
	}{
		{"good", func(*Budget) {}, nil},
		{"zero amount", func(b *Budget) { b.AmountIDR = 0 }, nil},
		{"largest amount", func(b *Budget) { b.AmountIDR = MaxAmountIDR }, nil},
		{"negative amount", func(b *Budget) { b.AmountIDR = -1 }, []string{"amount_idr"}},
		{"too large", func(b *Budget) { b.AmountIDR = MaxAmountIDR + 1 }, []string{"amount_idr"}},
		{"no year", func(b *Budget) { b.Year = 0 }, []string{"year"}},
		{"no payer", func(b *Budget) { b.ProvinceCode = "" }, []string{"province_code"}},
		{"two payers", func(b *Budget) { b.AgencyID = "a1" }, []string{"agency_id"}},
		{"unknown kind", func(b *Budget) { b.Kind = "committed" }, []string{"kind"}},
		{"unknown source", func(b *Budget) { b.Source = "hibah" }, []string{"source"}},
		{"bad province", func(b *Budget) { b.ProvinceCode = "640" }, []string{"province_code"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := good
			tc.edit(&b)
			_, err := NewBudget(b)
			if diff := cmp.Diff(tc.fields, fieldsOf(t, err)); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNewActivity(t *testing.T) {
	n := func(v int) *int { return &v }
	good := Activity{Date: "2023-08-07", Kind: "rakor", Title: "Rapat koordinasi", Venue: "Swiss-Belhotel Balikpapan",
		RegionCode: "6471", Participants: n(40)}
	tests := []struct {
		name   string
		edit   func(*Activity)
		fields []string
	}{
		{"good", func(*Activity) {}, nil},
		{"no region, no count", func(a *Activity) { a.RegionCode, a.Participants = "", nil }, nil},
		{"zero participants", func(a *Activity) { a.Participants = n(0) }, nil},
		{"negative participants", func(a *Activity) { a.Participants = n(-1) }, []string{"participants"}},
		{"most participants", func(a *Activity) { a.Participants = n(MaxParticipants) }, nil},
		{"too many participants", func(a *Activity) { a.Participants = n(MaxParticipants + 1) }, []string{"participants"}},
		{"participants beyond int4", func(a *Activity) { a.Participants = n(1 << 31) }, []string{"participants"}},
		{"bad date", func(a *Activity) { a.Date = "2023-08-32" }, []string{"date"}},
		{"no date", func(a *Activity) { a.Date = "" }, []string{"date"}},
		{"unknown kind", func(a *Activity) { a.Kind = "rapat" }, []string{"kind"}},
		{"no title", func(a *Activity) { a.Title = "" }, []string{"title"}},
		{"malformed region", func(a *Activity) { a.RegionCode = "64.7" }, []string{"region_code"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := good
			tc.edit(&a)
			got, err := NewActivity(a)
			if diff := cmp.Diff(tc.fields, fieldsOf(t, err)); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
			if tc.name == "good" && got.RegionCode != "64.71" {
				t.Errorf("region code = %q, want it dotted: 64.71", got.RegionCode)
			}
		})
	}
}

func TestCheckProgramTotal(t *testing.T) {
	for _, tc := range []struct {
		others, amount int64
		ok             bool
	}{
		{0, MaxAmountIDR, true},
		{MaxProgramTotalIDR - MaxAmountIDR, MaxAmountIDR, true}, // exactly the bound
		{MaxProgramTotalIDR, 0, true},
		{MaxProgramTotalIDR, 1, false},
		{MaxProgramTotalIDR - MaxAmountIDR + 1, MaxAmountIDR, false},
		{1<<63 - 1, MaxAmountIDR, false}, // stored before the bound existed: no overflow here
	} {
		err := CheckProgramTotal(tc.others, tc.amount)
		if got := fieldsOf(t, err); (err == nil) != tc.ok || (!tc.ok && !slices.Equal(got, []string{"amount_idr"})) {
			t.Errorf("CheckProgramTotal(%d, %d) = %v, want ok %v", tc.others, tc.amount, err, tc.ok)
		}
	}
	// The bound leaves every sum of a program's lines inside int64.
	if MaxProgramTotalIDR > 1<<63-1-MaxAmountIDR {
		t.Errorf("MaxProgramTotalIDR %d leaves no room in int64", MaxProgramTotalIDR)
	}
}

func TestTargetAbove(t *testing.T) {
	idm, err := indicator.FrameworkByCode("idm")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		baseline, target string
		want             bool
	}{
		{"tertinggal", "berkembang", true},
		{"tertinggal", "mandiri", true},
		{"tertinggal", "tertinggal", false},
		{"tertinggal", "sangat_tertinggal", false},
		{"maju", "berkembang", false},
		{"mandiri", "mandiri", true},    // a village at the top keeps it
		{"", "sangat_tertinggal", true}, // no baseline: nothing to compare
	} {
		if got := TargetAbove(idm, tc.baseline, tc.target); got != tc.want {
			t.Errorf("TargetAbove(%q, %q) = %v, want %v", tc.baseline, tc.target, got, tc.want)
		}
	}
}
