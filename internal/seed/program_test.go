package seed_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/paging"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/seed"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

func TestExampleProgramDocument(t *testing.T) {
	doc, err := seed.Example()
	if err != nil {
		t.Fatal(err)
	}
	p := doc.Program
	if p.Code != "kaltim-jatim-desa-berdaya" || p.Scope != "inter_provincial" || p.Status != "active" ||
		p.StartDate != "2025-05-08" || p.Framework != "idm" || p.BaselineYear != 2024 {
		t.Errorf("program: %+v", p)
	}
	var numbers []string
	for _, a := range p.Agreements {
		if a.SignedOn != "2025-05-08" {
			t.Errorf("agreement %s signed on %s", a.Number, a.SignedOn)
		}
		numbers = append(numbers, a.Number)
	}
	if diff := cmp.Diff([]string{"100.3.7.1/15/PKS/B.POD-III/2025", "100.3.7.1/243/PKS/011.3/2025"}, numbers); diff != "" {
		t.Errorf("agreement numbers mismatch (-want +got):\n%s", diff)
	}
	wantParties := []cooperation.DocumentParty{
		{Role: "lead", AgencyName: "Biro Kesra Setda Prov. Kalimantan Timur"},
		{Role: "partner", AgencyName: "Dinas PMD Prov. Jawa Timur"},
		{Role: "partner", AgencyName: "Diskominfo Prov. Kalimantan Timur"},
		{Role: "partner", ProvinceCode: "64"},
		{Role: "partner", ProvinceCode: "35"},
	}
	if diff := cmp.Diff(wantParties, doc.Parties); diff != "" {
		t.Errorf("parties mismatch (-want +got):\n%s", diff)
	}
	want := doc.Targets.Filter
	if want == nil || want.Province != "64" || want.Year != 2024 || strings.Join(want.Status, ",") != "tertinggal,sangat_tertinggal" {
		t.Errorf("targets: %+v", doc.Targets)
	}
}

func TestReadProgramRejects(t *testing.T) {
	for _, in := range []string{
		`{"program":{"code":"x","titel":"misspelt"}}`,
		`{"program":{}} {"program":{}}`,
		`{"program":`,
		`[]`,
	} {
		if _, err := seed.ReadProgram(strings.NewReader(in)); err == nil {
			t.Errorf("ReadProgram(%s) = nil error", in)
		}
	}
}

// skipSlowLoad skips loading every region and score into SQLite under the
// race detector: that load takes many minutes there on a 2-core machine.
// PostgreSQL runs it always, and both engines without -race.
func skipSlowLoad(t *testing.T, d store.Dialect) {
	t.Helper()
	if raceEnabled && d == store.SQLite {
		t.Skip("loading the embedded data into SQLite takes many minutes under -race; run without -race")
	}
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

// TestLoadExampleProgram loads the example into a database with the
// embedded regions and IDM 2024, as a first start does: the filter finds
// the Kaltim desa that were tertinggal (4) or sangat tertinggal (0) in IDM
// 2024. Loading again changes nothing; importing again updates in place.
func TestLoadExampleProgram(t *testing.T) {
	if testing.Short() {
		t.Skip("loads every region and IDM 2024")
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		skipSlowLoad(t, s.Dialect())
		ctx := context.Background()
		rs, err := seed.Regions()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := region.NewService(s).Import(ctx, rs); err != nil {
			t.Fatal(err)
		}
		if _, err := seed.LoadScores(ctx, indicator.NewService(store.IndicatorStore{Store: s}, s, nil, newID), seed.ScoreSets[0]); err != nil {
			t.Fatal(err)
		}
		svc := cooperation.NewService(store.CooperationStore{Store: s}, s, s, newID)
		res, loaded, err := seed.EnsureProgram(ctx, svc)
		if err != nil || !loaded {
			t.Fatalf("EnsureProgram: loaded %v, %v", loaded, err)
		}
		want := cooperation.ImportResult{ProgramID: res.ProgramID, Code: "kaltim-jatim-desa-berdaya", Created: true,
			AgenciesCreated: 3, Activities: 2,
			Targets: cooperation.TargetReport{Requested: 4, Added: 4, Total: 4}}
		if diff := cmp.Diff(want, res); diff != "" {
			t.Errorf("import mismatch (-want +got):\n%s", diff)
		}

		p, err := svc.Program(ctx, res.ProgramID)
		if err != nil {
			t.Fatal(err)
		}
		var parties []string
		for _, pt := range p.Parties {
			parties = append(parties, pt.Role+" "+pt.Name+" ("+pt.Province()+")")
		}
		wantParties := []string{
			"lead Biro Kesra Setda Prov. Kalimantan Timur (64)",
			"partner Dinas PMD Prov. Jawa Timur (35)",
			"partner Diskominfo Prov. Kalimantan Timur (64)",
			"partner Kalimantan Timur (64)",
			"partner Jawa Timur (35)",
		}
		if diff := cmp.Diff(wantParties, parties); diff != "" {
			t.Errorf("parties mismatch (-want +got):\n%s", diff)
		}
		acts, _, err := svc.Activities(ctx, p.ID, cooperation.ActivityFilter{Page: paging.Page{Limit: 10}})
		if err != nil {
			t.Fatal(err)
		}
		var where []string
		for _, a := range acts {
			where = append(where, a.Date+" "+a.Kind+" "+a.Venue+", "+a.RegionName)
		}
		wantWhere := []string{
			"2023-08-07 rakor Swiss-Belhotel Balikpapan, Kota Balikpapan",
			"2023-08-10 kunjungan_kerja Hotel Swiss-Belinn Tunjungan Surabaya, Kota Surabaya",
		}
		if diff := cmp.Diff(wantWhere, where); diff != "" {
			t.Errorf("activities mismatch (-want +got):\n%s", diff)
		}
		targets, total, err := svc.Targets(ctx, p.ID, cooperation.TargetFilter{Page: paging.Page{Limit: 100}})
		if err != nil || total != 4 {
			t.Fatalf("targets: %d, %v", total, err)
		}
		for _, tg := range targets {
			if tg.ProvinceCode != "64" || tg.VillageType != "desa" || tg.BaselineYear != 2024 || tg.BaselineStatus != "tertinggal" ||
				tg.TargetStatus != "berkembang" || tg.CurrentYear != 2024 || tg.BaselineScore == nil {
				t.Errorf("target %+v", tg)
			}
		}

		if _, loaded, err := seed.EnsureProgram(ctx, svc); err != nil || loaded {
			t.Errorf("second EnsureProgram: loaded %v, %v", loaded, err)
		}
		doc, err := seed.Example()
		if err != nil {
			t.Fatal(err)
		}
		again, err := svc.Import(ctx, doc)
		if err != nil {
			t.Fatal(err)
		}
		want = cooperation.ImportResult{ProgramID: res.ProgramID, Code: "kaltim-jatim-desa-berdaya", AgenciesMatched: 3,
			Activities: 2, Targets: cooperation.TargetReport{Requested: 4, AlreadyTargeted: 4, Total: 4}}
		if diff := cmp.Diff(want, again); diff != "" {
			t.Errorf("re-import mismatch (-want +got):\n%s", diff)
		}
		if _, n, _ := svc.Activities(ctx, p.ID, cooperation.ActivityFilter{Page: paging.Page{Limit: 10}}); n != 2 {
			t.Errorf("activities after re-import: %d, want 2 (replaced, not added)", n)
		}
		if agencies, n, _ := svc.Agencies(ctx, cooperation.AgencyFilter{Page: paging.Page{Limit: 10}}); n != 3 {
			t.Errorf("agencies after re-import: %d %+v", n, agencies)
		}
		o, err := svc.Outcome(ctx, p.ID, 2024)
		if err != nil {
			t.Fatal(err)
		}
		// Every Kaltim desa that was tertinggal in 2024 is a target, so no
		// other village shares a target's regency and baseline status.
		if o.Targets.N != 4 || o.Targets.Unchanged != 4 || o.Comparison.N != 0 {
			t.Errorf("outcome at the baseline year: %+v", o)
		}
	})
}
