package httpapi_test

// The program tests' harness: the shared one (newAPI: fixture, keys,
// OpenAPI validation of every response) rewired with the cooperation and
// indicator services, a few more regions, a key with write:programs, and
// the hand-made IDM scores of the outcome fixture (see outcomeScores).

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/cooperation"
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/idempotency"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

// programRegions are added to the shared fixture: a kota for activities,
// and the villages of the outcome fixture.
var programRegions = []struct{ code, name, typ string }{
	{"64.71", "Kota Balikpapan", "kota"},
	{"64.01.01.2001", "Desa T1", "desa"},
	{"64.01.01.2002", "Desa T2", "desa"},
	{"64.01.01.2003", "Desa T3", "desa"},
	{"64.01.01.2004", "Desa T4", "desa"},
	{"64.01.01.2005", "Desa T5", "desa"},
	{"64.01.02.2001", "Desa C1", "desa"},
	{"64.01.02.2002", "Desa C2", "desa"},
	{"64.01.02.2003", "Desa C3", "desa"},
	{"64.01.02.2004", "Desa C4", "desa"},
	{"64.01.02.2005", "Desa C5", "desa"},
	{"35.15.01.2003", "Desa C7", "desa"},
}

// outcomeScores are IDM scores in 2021 (the baseline) and 2023; "" for
// none. The expected outcome is worked out by hand in TestProgramOutcome
// (and in cooperation's TestComputeOutcome, over the same numbers).
var outcomeScores = []struct{ code, y2021, y2023 string }{
	{"64.01.01.2001", "0.5500", "0.6200"}, // T1 tertinggal → berkembang
	{"64.01.01.2002", "0.5600", "0.5800"}, // T2 tertinggal → tertinggal
	{"64.01.01.2003", "0.4500", "0.5200"}, // T3 sangat_tertinggal → tertinggal
	{"64.01.01.2004", "0.5700", ""},       // T4 tertinggal → none
	{"64.01.01.2005", "", "0.6500"},       // T5 none → berkembang
	{"64.01.02.2001", "0.5000", "0.5100"}, // C1 tertinggal → tertinggal
	{"64.01.02.2002", "0.5900", "0.4800"}, // C2 tertinggal → sangat_tertinggal
	{"64.01.02.2003", "0.4000", "0.6100"}, // C3 sangat_tertinggal → berkembang
	{"64.01.02.2004", "0.6500", "0.7500"}, // C4 berkembang → maju
	{"64.01.02.2005", "0.5200", ""},       // C5 tertinggal → none
	{"35.15.01.2001", "0.6600", "0.7200"}, // T6 berkembang → maju
	{"35.15.01.2002", "0.6800", "0.7000"}, // C6 berkembang → berkembang
	{"35.15.01.2003", "0.5500", "0.6200"}, // C7 tertinggal → berkembang
	{"91.03.01.3007", "0.5500", "0.6200"}, // D  tertinggal → berkembang
}

// progAPI is the API with programs.
type progAPI struct {
	*api
	programs string // secret of a key with write:programs
	store    *store.Store
}

// eachProgramEngine runs fn on every engine with the program fixture.
func eachProgramEngine(t *testing.T, fn func(t *testing.T, a *progAPI)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		fn(t, newProgramAPI(t, s))
	})
}

func dec(s string) *fixed.Dec {
	d := fixed.MustParse(s)
	return &d
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func newProgramAPI(t *testing.T, s *store.Store) *progAPI {
	t.Helper()
	return newProgramAPIWith(t, s, httpapi.Config{})
}

// newProgramAPIWith is newProgramAPI with a configuration of the HTTP layer.
func newProgramAPIWith(t *testing.T, s *store.Store, cfg httpapi.Config) *progAPI {
	t.Helper()
	ctx := context.Background()
	a := newAPI(t, s)
	regions := region.NewService(s)
	var rs []region.Region
	for _, f := range programRegions {
		r, err := region.New(f.code, f.name, f.typ)
		if err != nil {
			t.Fatalf("program fixture %s: %v", f.code, err)
		}
		rs = append(rs, r)
	}
	if _, err := regions.Import(ctx, rs); err != nil {
		t.Fatalf("import program fixture: %v", err)
	}
	indicators := indicator.NewService(store.IndicatorStore{Store: s}, s, nil, newID)
	var csv strings.Builder
	csv.WriteString("village_code,year,iks,ike,ikl,score,status\n")
	for _, sc := range outcomeScores {
		for _, y := range []struct {
			year  int
			score string
		}{{2021, sc.y2021}, {2023, sc.y2023}} {
			if y.score != "" {
				fmt.Fprintf(&csv, "%s,%d,,,,%s,\n", sc.code, y.year, y.score)
			}
		}
	}
	rep, err := indicators.Import(ctx, indicator.ImportRequest{Kind: indicator.KindScores, Framework: "idm",
		Mode: indicator.ModeAtomic, CodeEdition: 2025, Format: indicator.FormatCSV}, strings.NewReader(csv.String()))
	if err != nil {
		t.Fatalf("import scores: %v (%+v)", err, rep.Errors)
	}
	keys := auth.NewService(s)
	t.Cleanup(keys.Wait) // last-use writes run in the background
	_, secret, err := keys.Create(ctx, "programs", []auth.Scope{auth.ScopeWritePrograms}, nil)
	if err != nil {
		t.Fatal(err)
	}
	e, err := httpapi.New(httpapi.Services{Regions: regions, Indicators: indicators, Keys: keys,
		Programs: cooperation.NewService(store.CooperationStore{Store: s}, s, s, newID), Ping: s.Ping,
		DataVersion: s.DataVersion, Audit: audit.NewService(s), Idempotency: idempotency.NewService(s, 0)}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a.e = e
	return &progAPI{api: a, programs: secret, store: s}
}

// write sends a write with the programs key.
func (a *progAPI) write(t *testing.T, method, target, body string) response {
	t.Helper()
	return a.do(t, request{method: method, target: target, body: body, key: a.programs})
}

// mustWrite sends a write and fails the test unless it answers status.
func (a *progAPI) mustWrite(t *testing.T, method, target, body string, status int) response {
	t.Helper()
	res := a.write(t, method, target, body)
	wantStatus(t, method+" "+target, res, status)
	return res
}

// agency creates an agency and returns its id.
func (a *progAPI) agency(t *testing.T, name, kind, province string) string {
	t.Helper()
	body := map[string]string{"name": name, "kind": kind}
	if province != "" {
		body["province_code"] = province
	}
	b, _ := json.Marshal(body)
	return decode[httpapi.Agency](t, a.mustWrite(t, http.MethodPost, "/v1/agencies", string(b), http.StatusCreated)).ID
}

// program creates a program from a JSON body and returns it.
func (a *progAPI) program(t *testing.T, body string) httpapi.Program {
	t.Helper()
	return decode[httpapi.Program](t, a.mustWrite(t, http.MethodPost, "/v1/programs", body, http.StatusCreated))
}

// programBody is a valid inter-provincial program with two province
// parties, 64 leading; extra is spliced into the object.
func programBody(code, extra string) string {
	if extra != "" {
		extra = "," + extra
	}
	return fmt.Sprintf(`{"code":%q,"title":"Kerja sama %s","scope":"inter_provincial","status":"active",
"start_date":"2025-05-08","baseline_year":2021,
"parties":[{"province_code":"64","role":"lead"},{"province_code":"35","role":"partner"}]%s}`, code, code, extra)
}

// wantProblem fails the test unless res is a problem of the status naming
// exactly the fields.
func wantProblem(t *testing.T, what string, res response, status int, fields ...string) problem {
	t.Helper()
	wantStatus(t, what, res, status)
	p := problemOf(t, res)
	got := fieldsOf(p)
	if len(fields) == 0 {
		fields = nil
	}
	if fmt.Sprint(got) != fmt.Sprint(fields) {
		t.Errorf("%s: problem names fields %v, want %v\n%s", what, got, fields, res.body)
	}
	return p
}

// partyID returns the id of the program's party that is the province or
// agency who.
func partyID(t *testing.T, p httpapi.Program, who string) string {
	t.Helper()
	for _, pt := range p.Parties {
		if pt.AgencyID != nil && *pt.AgencyID == who || pt.AgencyID == nil && pt.ProvinceCode != nil && *pt.ProvinceCode == who {
			return pt.ID
		}
	}
	t.Fatalf("program %s has no party %s: %+v", p.Code, who, p.Parties)
	return ""
}
