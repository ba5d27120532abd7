package httpapi_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

func decp(s string) *fixed.Dec {
	d := fixed.MustParse(s)
	return &d
}

var ignoreUpdatedAt = cmpopts.IgnoreFields(httpapi.Score{}, "UpdatedAt")

func TestFrameworks(t *testing.T) {
	idm := httpapi.Framework{
		Code: "idm", Name: "Indeks Desa Membangun (IDM)", Regulation: "Permendesa PDTT No. 2 Tahun 2016",
		Publisher: "Kementerian Desa dan Pembangunan Daerah Tertinggal (Kemendes PDTT)",
		Min:       fixed.FromInt(0), Max: fixed.FromInt(1),
		Components: []httpapi.Component{
			{Code: "iks", LabelID: "Indeks Ketahanan Sosial", LabelEN: "Social Resilience Index"},
			{Code: "ike", LabelID: "Indeks Ketahanan Ekonomi", LabelEN: "Economic Resilience Index"},
			{Code: "ikl", LabelID: "Indeks Ketahanan Lingkungan", LabelEN: "Ecological Resilience Index"},
		},
		ScoreIsMean: true, DerivesStatus: true, KelurahanExcluded: true,
		Statuses: []httpapi.StatusLevel{
			{Slug: "sangat_tertinggal", LabelID: "Sangat Tertinggal", LabelEN: "Very underdeveloped", UpperBound: decp("0.4907")},
			{Slug: "tertinggal", LabelID: "Tertinggal", LabelEN: "Underdeveloped", UpperBound: decp("0.5989")},
			{Slug: "berkembang", LabelID: "Berkembang", LabelEN: "Developing", UpperBound: decp("0.7072")},
			{Slug: "maju", LabelID: "Maju", LabelEN: "Advanced", UpperBound: decp("0.8155")},
			{Slug: "mandiri", LabelID: "Mandiri", LabelEN: "Self-reliant"},
		},
		FirstYear: 2015, LastYear: 2024,
	}
	ipd := httpapi.Framework{
		Code: "ipd", Name: "Indeks Pembangunan Desa (IPD)", Regulation: "Badan Pusat Statistik (BPS), Podes",
		Publisher: "Badan Pusat Statistik (BPS)", Min: fixed.FromInt(0), Max: fixed.FromInt(100),
		Components: []httpapi.Component{}, DerivesStatus: true,
		Statuses: []httpapi.StatusLevel{
			{Slug: "tertinggal", LabelID: "Tertinggal", LabelEN: "Underdeveloped", UpperBound: decp("50")},
			{Slug: "berkembang", LabelID: "Berkembang", LabelEN: "Developing", UpperBound: decp("75")},
			{Slug: "mandiri", LabelID: "Mandiri", LabelEN: "Self-reliant"},
		},
		FirstYear: 2011, LastYear: time.Now().Year(),
	}
	ignoreDescription := cmpopts.IgnoreFields(httpapi.Framework{}, "Description")
	// The document does not depend on the database: one engine will do.
	a := newAPI(t, storetest.New(t, store.SQLite))

	res := a.do(t, request{target: "/v1/frameworks"})
	wantStatus(t, "/v1/frameworks", res, http.StatusOK)
	list := decode[httpapi.FrameworkList](t, res)
	var codes []string
	for _, f := range list.Data {
		codes = append(codes, f.Code)
		if f.Description == "" {
			t.Errorf("framework %s has no description", f.Code)
		}
	}
	if diff := cmp.Diff([]string{"idm", "indeks_desa", "ipd"}, codes); diff != "" {
		t.Errorf("framework codes mismatch (-want +got):\n%s", diff)
	}
	if len(list.Data) == 3 {
		if diff := cmp.Diff(idm, list.Data[0], ignoreDescription); diff != "" {
			t.Errorf("idm in the list mismatch (-want +got):\n%s", diff)
		}
		id := list.Data[1]
		for _, s := range id.Statuses {
			if s.UpperBound != nil {
				t.Errorf("indeks_desa status %s has upper bound %s; its thresholds are not confirmed", s.Slug, s.UpperBound)
			}
		}
		if id.DerivesStatus || !id.KelurahanExcluded || len(id.Components) != 6 || id.Max != fixed.FromInt(100) {
			t.Errorf("indeks_desa = %+v", id)
		}
	}

	for _, tt := range []struct {
		code string
		want httpapi.Framework
	}{{"idm", idm}, {"ipd", ipd}} {
		res := a.do(t, request{target: "/v1/frameworks/" + tt.code})
		wantStatus(t, tt.code, res, http.StatusOK)
		if diff := cmp.Diff(tt.want, decode[httpapi.Framework](t, res), ignoreDescription); diff != "" {
			t.Errorf("GET /v1/frameworks/%s mismatch (-want +got):\n%s", tt.code, diff)
		}
	}
	// Upper bounds are written with their four places.
	res = a.do(t, request{target: "/v1/frameworks/idm"})
	if !strings.Contains(string(res.body), `"upper_bound":0.4907`) || !strings.Contains(string(res.body), `"upper_bound":null`) {
		t.Errorf("idm upper bounds not written as 0.4907 … null:\n%s", res.body)
	}
	for _, code := range []string{"sdgs", "IDM", "idm%20", "indeks-desa"} {
		res := a.do(t, request{target: "/v1/frameworks/" + code})
		wantStatus(t, code, res, http.StatusNotFound)
	}
}

// boundaries are the IDM thresholds from both sides and the ends of the
// scale, each with the status it must get.
var boundaries = []struct{ score, status string }{
	{"0", "sangat_tertinggal"},
	{"0.4907", "sangat_tertinggal"},
	{"0.4908", "tertinggal"},
	{"0.5989", "tertinggal"},
	{"0.5990", "berkembang"},
	{"0.7072", "berkembang"},
	{"0.7073", "maju"},
	{"0.8155", "maju"},
	{"0.8156", "mandiri"},
	{"1", "mandiri"},
}

// TestScoreBoundaries stores a score on each side of every IDM threshold,
// as a score and as three equal components, and reads each back exactly:
// from the PUT answer, from GET …/scores, and from the database column
// itself (numeric on PostgreSQL, REAL on SQLite).
func TestScoreBoundaries(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		var wantScores, wantComponents []httpapi.Score
		for i, b := range boundaries {
			year := strconv.Itoa(2015 + i)
			want := httpapi.Score{VillageCode: "64.01.01.2009", Framework: "idm", Year: 2015 + i, Score: decp(b.score),
				Status: ptr(b.status), DerivedStatus: ptr(b.status), Source: "boundary"}
			res := a.do(t, request{method: http.MethodPut, target: "/v1/villages/6401012009/scores/idm/" + year,
				body: `{"score":` + b.score + `,"source":"boundary"}`, key: a.indicators})
			wantStatus(t, "PUT score "+b.score, res, http.StatusCreated)
			if diff := cmp.Diff(want, decode[httpapi.Score](t, res), ignoreUpdatedAt); diff != "" {
				t.Errorf("PUT score %s mismatch (-want +got):\n%s", b.score, diff)
			}
			if got, want := rawJSON(t, res.body, "score")["score"], fixed.MustParse(b.score).String(); got != want {
				t.Errorf("PUT score %s: score written as %s, want %s", b.score, got, want)
			}
			wantScores = append(wantScores, want)

			v := b.score
			wantC := httpapi.Score{VillageCode: "64.01.01.2010", Framework: "idm", Year: 2015 + i, Score: decp(v),
				Status: ptr(b.status), DerivedStatus: ptr(b.status),
				ScoreComponents: httpapi.ScoreComponents{Iks: decp(v), Ike: decp(v), Ikl: decp(v)}}
			got := a.putScore(t, "64.01.01.2010", "idm", year, fmt.Sprintf(`{"iks":%s,"ike":%s,"ikl":%s}`, v, v, v), http.StatusCreated)
			if diff := cmp.Diff(wantC, got, ignoreUpdatedAt); diff != "" {
				t.Errorf("PUT components %s mismatch (-want +got):\n%s", v, diff)
			}
			wantComponents = append(wantComponents, wantC)
		}
		if diff := cmp.Diff(wantScores, a.scoresOf(t, "64.01.01.2009", "idm"), ignoreUpdatedAt); diff != "" {
			t.Errorf("GET scores mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(wantComponents, a.scoresOf(t, "64.01.01.2010", ""), ignoreUpdatedAt); diff != "" {
			t.Errorf("GET scores of components mismatch (-want +got):\n%s", diff)
		}

		// The columns themselves hold the exact values.
		q := "SELECT year, score::text, pg_typeof(score)::text, iks::text FROM scores WHERE village_code = $1 ORDER BY year"
		if a.s.Dialect() == store.SQLite {
			q = "SELECT year, score, typeof(score), iks FROM scores WHERE village_code = ? ORDER BY year"
		}
		for _, code := range []string{"64.01.01.2009", "64.01.01.2010"} {
			rows, err := a.s.SQL().QueryContext(context.Background(), q, code)
			if err != nil {
				t.Fatal(err)
			}
			type col struct {
				Year       int
				Score, Typ string
				Iks        *string
			}
			var got []col
			for rows.Next() {
				var c col
				if err := rows.Scan(&c.Year, &c.Score, &c.Typ, &c.Iks); err != nil {
					t.Fatal(err)
				}
				got = append(got, c)
			}
			rows.Close()
			var want []col
			for i, b := range boundaries {
				c := col{Year: 2015 + i, Score: fixed.MustParse(b.score).String(), Typ: "numeric"}
				if a.s.Dialect() == store.SQLite {
					f, _ := strconv.ParseFloat(b.score, 64)
					c.Score, c.Typ = strconv.FormatFloat(f, 'g', -1, 64), "real"
				}
				if code == "64.01.01.2010" {
					c.Iks = ptr(c.Score)
				}
				want = append(want, c)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s: stored columns mismatch (-want +got):\n%s", code, diff)
			}
		}

		// Each year's village list filtered by the boundary's status finds it.
		for i, b := range boundaries {
			target := fmt.Sprintf("/v1/villages?district=64.01.01&year=%d&status=%s", 2015+i, b.status)
			res := a.do(t, request{target: target})
			wantStatus(t, target, res, http.StatusOK)
			if diff := cmp.Diff([]string{"64.01.01.2009", "64.01.01.2010"}, codesOf(t, res)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", target, diff)
			}
		}
	})
}

// TestPutScore walks one score through create, replace and change, and the
// published/derived disagreement through to the reads.
func TestPutScore(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		start := time.Now().Add(-time.Minute)
		body := `{"iks":0.8000,"ike":0.9000,"ikl":0.5333,"source":"Kepmendesa PDTT 2024"}`
		want := httpapi.Score{VillageCode: "64.01.01.2009", Framework: "idm", Year: 2024,
			ScoreComponents: httpapi.ScoreComponents{Iks: decp("0.8"), Ike: decp("0.9"), Ikl: decp("0.5333")},
			Score:           decp("0.7444"), Status: ptr("maju"), DerivedStatus: ptr("maju"), Source: "Kepmendesa PDTT 2024"}
		got := a.putScore(t, "64.01.01.2009", "idm", "2024", body, http.StatusCreated)
		if diff := cmp.Diff(want, got, ignoreUpdatedAt); diff != "" {
			t.Errorf("create mismatch (-want +got):\n%s", diff)
		}
		if got.UpdatedAt.Before(start) || got.UpdatedAt.Location() != time.UTC {
			t.Errorf("updated_at = %v, want a recent UTC time", got.UpdatedAt)
		}
		// The same body again replaces: 200.
		got = a.putScore(t, "6401012009", "idm", "2024", body, http.StatusOK)
		if diff := cmp.Diff(want, got, ignoreUpdatedAt); diff != "" {
			t.Errorf("replace mismatch (-want +got):\n%s", diff)
		}
		// A changed score, and a published status that disagrees with it.
		want = httpapi.Score{VillageCode: "64.01.01.2009", Framework: "idm", Year: 2024, Score: decp("0.7410"),
			Status: ptr("berkembang"), DerivedStatus: ptr("maju"), StatusDisagrees: true}
		got = a.putScore(t, "64.01.01.2009", "idm", "2024", `{"score":0.7410,"status":"berkembang"}`, http.StatusOK)
		if diff := cmp.Diff(want, got, ignoreUpdatedAt); diff != "" {
			t.Errorf("change mismatch (-want +got):\n%s", diff)
		}
		res := a.do(t, request{target: "/v1/villages/64.01.01.2009/scores"})
		wantStatus(t, "GET scores", res, http.StatusOK)
		if diff := cmp.Diff(httpapi.ScoreList{Data: []httpapi.Score{want}}, decode[httpapi.ScoreList](t, res), ignoreUpdatedAt); diff != "" {
			t.Errorf("GET scores mismatch (-want +got):\n%s", diff)
		}
		if !strings.Contains(string(res.body), `"status_disagrees":true`) {
			t.Errorf("GET scores does not flag the disagreement:\n%s", res.body)
		}
		// The published status is what the village list filters on.
		for status, wantCodes := range map[string][]string{"berkembang": {"64.01.01.2009"}, "maju": {}} {
			target := "/v1/villages?province=64&year=2024&status=" + status
			res := a.do(t, request{target: target})
			wantStatus(t, target, res, http.StatusOK)
			if diff := cmp.Diff(wantCodes, codesOf(t, res)); diff != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", target, diff)
			}
		}

		// Other frameworks beside it; a kelurahan may have an IPD score.
		ipd := a.putScore(t, "35.78.01.1001", "ipd", "2024", `{"score":75.0001}`, http.StatusCreated)
		if diff := cmp.Diff(httpapi.Score{VillageCode: "35.78.01.1001", Framework: "ipd", Year: 2024, Score: decp("75.0001"),
			Status: ptr("mandiri"), DerivedStatus: ptr("mandiri")}, ipd, ignoreUpdatedAt); diff != "" {
			t.Errorf("ipd mismatch (-want +got):\n%s", diff)
		}
		id := a.putScore(t, "64.01.01.2009", "indeks_desa", "2024", `{"layanan_dasar":80,"sosial":70.5,"status":"maju"}`, http.StatusCreated)
		wantID := httpapi.Score{VillageCode: "64.01.01.2009", Framework: "indeks_desa", Year: 2024,
			ScoreComponents: httpapi.ScoreComponents{LayananDasar: decp("80"), Sosial: decp("70.5")}, Status: ptr("maju")}
		if diff := cmp.Diff(wantID, id, ignoreUpdatedAt); diff != "" {
			t.Errorf("indeks_desa mismatch (-want +got):\n%s", diff)
		}
		// A body carrying nothing neither erases a published score nor
		// stores an empty one: 422 naming what is missing.
		for _, body := range []string{`{}`, `{"source":"x"}`} {
			for _, year := range []string{"2024", "2023"} {
				p := wantProblem(t, "PUT "+body+" for "+year, a.do(t, request{method: http.MethodPut,
					target: "/v1/villages/64.01.01.2009/scores/idm/" + year, body: body, key: a.indicators}),
					http.StatusUnprocessableEntity, "score")
				if !strings.Contains(p.Errors[0].Message, "iks, ike, ikl") {
					t.Errorf("PUT %s: 422 message %q does not name the components", body, p.Errors[0].Message)
				}
			}
		}
		if got := a.scoresOf(t, "64.01.01.2009", "idm"); len(got) != 1 || got[0].Status == nil || *got[0].Status != "berkembang" {
			t.Errorf("idm scores of 64.01.01.2009 after the empty PUTs: %+v", got)
		}
		all := a.scoresOf(t, "64.01.01.2009", "")
		var keys []string
		for _, s := range all {
			keys = append(keys, fmt.Sprint(s.Framework, " ", s.Year))
		}
		if diff := cmp.Diff([]string{"idm 2024", "indeks_desa 2024"}, keys); diff != "" {
			t.Errorf("all scores mismatch (-want +got):\n%s", diff)
		}
		if got := a.scoresOf(t, "64.01.01.2009", "ipd"); len(got) != 0 {
			t.Errorf("ipd scores of 64.01.01.2009 = %v, want none", got)
		}
		// Rounding at the fifth place on the way in.
		r := a.putScore(t, "35.15.01.2001", "idm", "2024", `{"score":0.49075}`, http.StatusCreated)
		if diff := cmp.Diff(decp("0.4908"), r.Score); diff != "" || *r.DerivedStatus != "tertinggal" {
			t.Errorf("0.49075 stored as %v (%v), want 0.4908 tertinggal", r.Score, *r.DerivedStatus)
		}
		r = a.putScore(t, "35.15.01.2002", "idm", "2024", `{"score":"0.5990"}`, http.StatusCreated)
		if diff := cmp.Diff(decp("0.599"), r.Score); diff != "" {
			t.Errorf("a score given as a string mismatch (-want +got):\n%s", diff)
		}
	})
}

// TestPutScoreErrors sends writes that must fail, then checks that none of
// them stored anything.
func TestPutScoreErrors(t *testing.T) {
	const (
		indicators = "indicators"
		writer     = "writer" // write:regions only
		reader     = "reader"
		noKey      = "none"
	)
	good := `{"score":0.5}`
	tests := []struct {
		name   string
		target string // after /v1/villages/
		body   string
		ct     string
		key    string
		status int
		fields []string
	}{
		{"no key", "64.01.01.2009/scores/idm/2024", good, "", noKey, 401, nil},
		{"unknown key", "64.01.01.2009/scores/idm/2024", good, "", "desa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 401, nil},
		{"read key", "64.01.01.2009/scores/idm/2024", good, "", reader, 403, nil},
		{"write:regions key", "64.01.01.2009/scores/idm/2024", good, "", writer, 403, nil},

		{"unknown framework", "64.01.01.2009/scores/sdgs/2024", good, "", indicators, 404, nil},
		{"framework in capitals", "64.01.01.2009/scores/IDM/2024", good, "", indicators, 404, nil},
		{"year not a number", "64.01.01.2009/scores/idm/20x4", good, "", indicators, 400, []string{"year"}},
		{"year with a fraction", "64.01.01.2009/scores/idm/2024.0", good, "", indicators, 400, []string{"year"}},
		{"year after IDM ended", "64.01.01.2009/scores/idm/2025", good, "", indicators, 422, []string{"year"}},
		{"year before IDM began", "64.01.01.2009/scores/idm/2014", good, "", indicators, 422, []string{"year"}},
		{"indeks_desa before 2024", "64.01.01.2009/scores/indeks_desa/2023", `{"score":50}`, "", indicators, 422, []string{"year"}},
		{"ipd next year", "64.01.01.2009/scores/ipd/" + strconv.Itoa(time.Now().Year()+1), `{"score":50}`, "", indicators, 422, []string{"year"}},

		{"kelurahan in idm", "35.78.01.1001/scores/idm/2024", good, "", indicators, 422, []string{"village_code"}},
		{"kelurahan in indeks_desa", "3578211002/scores/indeks_desa/2024", `{"score":50,"status":"maju"}`, "", indicators, 422, []string{"village_code"}},
		{"unknown village", "64.01.01.2999/scores/idm/2024", good, "", indicators, 404, nil},
		{"a district, not a village", "64.01.01/scores/idm/2024", good, "", indicators, 400, []string{"code"}},
		{"bad code", "64.01.01.20x9/scores/idm/2024", good, "", indicators, 400, []string{"code"}},

		{"score over the scale", "64.01.01.2009/scores/idm/2024", `{"score":1.0001}`, "", indicators, 422, []string{"score"}},
		{"negative score", "64.01.01.2009/scores/idm/2024", `{"score":-0.0001}`, "", indicators, 422, []string{"score"}},
		{"ipd score over 100", "64.01.01.2009/scores/ipd/2024", `{"score":100.0001}`, "", indicators, 422, []string{"score"}},
		{"component over the scale", "64.01.01.2009/scores/idm/2024", `{"iks":1.5,"ike":0.5,"ikl":0.5}`, "", indicators, 422, []string{"iks"}},
		{"two components over the scale", "64.01.01.2009/scores/idm/2024", `{"iks":0.5,"ike":-1,"ikl":2}`, "", indicators, 422, []string{"ike", "ikl"}},
		{"a component of another framework", "64.01.01.2009/scores/idm/2024", `{"score":0.5,"sosial":50}`, "", indicators, 422, []string{"sosial"}},
		{"components missing", "64.01.01.2009/scores/idm/2024", `{"iks":0.5}`, "", indicators, 422, []string{"ike", "ikl", "score"}},
		{"idm with nothing", "64.01.01.2009/scores/idm/2024", `{}`, "", indicators, 422, []string{"score"}},
		{"idm with a source alone", "64.01.01.2009/scores/idm/2023", `{"source":"x"}`, "", indicators, 422, []string{"score"}},
		{"ipd with nothing", "64.01.01.2009/scores/ipd/2024", `{"source":"x"}`, "", indicators, 422, []string{"score"}},
		{"ipd with a status alone", "64.01.01.2009/scores/ipd/2024", `{"status":"mandiri"}`, "", indicators, 422, []string{"score"}},
		{"indeks_desa with nothing", "64.01.01.2009/scores/indeks_desa/2024", `{}`, "", indicators, 422, []string{"status"}},
		{"status without a score", "64.01.01.2009/scores/idm/2024", `{"status":"maju"}`, "", indicators, 422, []string{"score"}},
		{"unknown status", "64.01.01.2009/scores/idm/2024", `{"score":0.5,"status":"hebat"}`, "", indicators, 422, []string{"status"}},
		{"status of another framework", "64.01.01.2009/scores/ipd/2024", `{"score":50,"status":"maju"}`, "", indicators, 422, []string{"status"}},

		{"unknown field", "64.01.01.2009/scores/idm/2024", `{"score":0.5,"idm":0.5}`, "", indicators, 400, []string{"idm"}},
		{"score not a number", "64.01.01.2009/scores/idm/2024", `{"score":"abc"}`, "", indicators, 400, []string{"score"}},
		{"score a boolean", "64.01.01.2009/scores/idm/2024", `{"score":true}`, "", indicators, 400, []string{"score"}},
		{"component an array", "64.01.01.2009/scores/idm/2024", `{"iks":[0.5],"ike":0.5,"ikl":0.5}`, "", indicators, 400, []string{"iks"}},
		{"score too large", "64.01.01.2009/scores/idm/2024", `{"score":1e400}`, "", indicators, 400, []string{"score"}},
		{"score in exponent notation, over the scale", "64.01.01.2009/scores/idm/2024", `{"score":1.5e0}`, "", indicators, 422, []string{"score"}},
		{"status not a string", "64.01.01.2009/scores/idm/2024", `{"score":0.5,"status":3}`, "", indicators, 400, []string{"status"}},
		{"not JSON", "64.01.01.2009/scores/idm/2024", `score=0.5`, "", indicators, 400, nil},
		{"an array", "64.01.01.2009/scores/idm/2024", `[{"score":0.5}]`, "", indicators, 400, nil},
		{"two values", "64.01.01.2009/scores/idm/2024", `{"score":0.5}{}`, "", indicators, 400, nil},
		{"no body", "64.01.01.2009/scores/idm/2024", "", "application/json", indicators, 400, nil},
		{"not JSON content", "64.01.01.2009/scores/idm/2024", good, "text/plain", indicators, 400, nil},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		keys := map[string]string{indicators: a.indicators, writer: a.writer, reader: a.reader, noKey: ""}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				target := "/v1/villages/" + tt.target
				res := a.do(t, request{method: http.MethodPut, target: target, body: tt.body, contentType: tt.ct, key: keys[tt.key]})
				wantStatus(t, target, res, tt.status)
				if diff := cmp.Diff(tt.fields, fieldsOf(problemOf(t, res))); diff != "" {
					t.Errorf("problem fields mismatch (-want +got):\n%s", diff)
				}
			})
		}
		for _, code := range append(scoreDesa, "35.78.01.1001", "35.78.21.1002") {
			if got := a.scoresOf(t, code, ""); len(got) != 0 {
				t.Errorf("%s has scores after failed writes: %+v", code, got)
			}
		}
		// The admin key may write scores.
		a.do(t, request{method: http.MethodPut, target: "/v1/villages/64.01.01.2009/scores/idm/2024", body: good, key: a.admin})
		if got := a.scoresOf(t, "64.01.01.2009", "idm"); len(got) != 1 {
			t.Errorf("admin write stored %d scores, want 1", len(got))
		}
	})
}

// TestVillageScoreReadErrors: bad reads of a village's scores.
func TestVillageScoreReadErrors(t *testing.T) {
	tests := []struct {
		target string
		status int
		fields []string
	}{
		{"/v1/villages/64.01.01.2999/scores", 404, nil},
		{"/v1/villages/64.01.01/scores", 400, []string{"code"}},
		{"/v1/villages/x/scores", 400, []string{"code"}},
		{"/v1/villages/64.01.01.2009/scores?framework=sdgs", 400, []string{"framework"}},
		{"/v1/villages/64.01.01.2999/scores?framework=sdgs", 400, []string{"framework"}},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			res := a.do(t, request{target: tt.target})
			wantStatus(t, tt.target, res, tt.status)
			if diff := cmp.Diff(tt.fields, fieldsOf(problemOf(t, res))); diff != "" {
				t.Errorf("%s: problem fields mismatch (-want +got):\n%s", tt.target, diff)
			}
		}
		// A kelurahan has an empty list, not an error.
		if got := a.scoresOf(t, "35.78.01.1001", "idm"); len(got) != 0 {
			t.Errorf("kelurahan scores = %v", got)
		}
	})
}

// TestVillageListScores filters and sorts villages by their scores.
func TestVillageListScores(t *testing.T) {
	byScore := []string{"35.15.01.2001", "35.15.01.2002", "64.01.01.2009", "64.01.01.2010", "91.03.01.3007"}
	unscored := []string{"35.78.01.1001", "35.78.01.1002", "35.78.21.1001", "35.78.21.1002"}
	tests := []struct {
		target string
		want   []string
		total  int // page.total when it differs from len(want)
	}{
		{"/v1/villages?framework=idm&year=2024", allCodes(4), 0},
		{"/v1/villages?year=2024", allCodes(4), 0}, // framework defaults to idm
		{"/v1/villages?framework=idm&year=2024&status=sangat_tertinggal", []string{"35.15.01.2001"}, 0},
		{"/v1/villages?framework=idm&year=2024&status=tertinggal", []string{"35.15.01.2002"}, 0},
		{"/v1/villages?framework=idm&year=2024&status=berkembang", []string{"64.01.01.2009", "64.01.01.2010"}, 0},
		{"/v1/villages?framework=idm&year=2024&status=maju", []string{}, 0}, // the published status, not the derived
		{"/v1/villages?framework=idm&year=2024&status=mandiri", []string{"91.03.01.3007"}, 0},
		{"/v1/villages?framework=idm&year=2024&status=mandiri,sangat_tertinggal", []string{"35.15.01.2001", "91.03.01.3007"}, 0},
		{"/v1/villages?year=2024&status=mandiri,+tertinggal,mandiri", []string{"35.15.01.2002", "91.03.01.3007"}, 0},
		{"/v1/villages?framework=idm&year=2023&status=mandiri", []string{"35.15.01.2001"}, 0},
		{"/v1/villages?framework=idm&year=2023&status=sangat_tertinggal", []string{}, 0},
		{"/v1/villages?framework=idm&year=2022&status=mandiri", []string{}, 0},
		{"/v1/villages?province=64&year=2024&status=berkembang", []string{"64.01.01.2009", "64.01.01.2010"}, 0},
		{"/v1/villages?province=35&year=2024&status=berkembang", []string{}, 0},
		{"/v1/villages?district=35.15.01&type=desa&year=2024&status=tertinggal,sangat_tertinggal", []string{"35.15.01.2001", "35.15.01.2002"}, 0},
		{"/v1/villages?framework=ipd&year=2024&status=mandiri", []string{"35.78.01.1001"}, 0},
		{"/v1/villages?framework=ipd&year=2024&status=tertinggal", []string{}, 0},
		{"/v1/villages?q=dukuh&year=2024", []string{"35.78.21.1001", "35.78.21.1002"}, 0},

		{"/v1/villages?sort=score&year=2024", append(append([]string{}, byScore...), unscored...), 0},
		// Ties (the unscored) by ascending code in both directions, as rankings.
		{"/v1/villages?sort=-score&year=2024", append(reversed(byScore), unscored...), 0},
		{"/v1/villages?sort=score&year=2024&limit=3", byScore[:3], 9},
		{"/v1/villages?sort=score&year=2024&limit=3&offset=4", []string{"91.03.01.3007", "35.78.01.1001", "35.78.01.1002"}, 9},
		{"/v1/villages?sort=-score&year=2024&limit=2&offset=4", []string{"35.15.01.2001", "35.78.01.1001"}, 9},
		{"/v1/villages?sort=score&framework=ipd&year=2024", append([]string{"35.78.01.1001"}, removeCode(allCodes(4), "35.78.01.1001")...), 0},
		{"/v1/villages?sort=-score&framework=ipd&year=2024&type=kelurahan", []string{"35.78.01.1001", "35.78.01.1002", "35.78.21.1001", "35.78.21.1002"}, 0},
		{"/v1/villages?sort=score&year=2023", append([]string{"35.15.01.2001"}, removeCode(allCodes(4), "35.15.01.2001")...), 0},
		{"/v1/villages?sort=-code&year=2024&status=berkembang", []string{"64.01.01.2010", "64.01.01.2009"}, 0},
		{"/v1/villages?sort=name&year=2024&status=berkembang", []string{"64.01.01.2010", "64.01.01.2009"}, 0}, // Busui, Samurangau
	}
	eachEngine(t, func(t *testing.T, a *api) {
		loadListScores(t, a)
		for _, tt := range tests {
			t.Run(tt.target, func(t *testing.T) {
				res := a.do(t, request{target: tt.target})
				wantStatus(t, tt.target, res, http.StatusOK)
				if diff := cmp.Diff(tt.want, codesOf(t, res)); diff != "" {
					t.Errorf("codes mismatch (-want +got):\n%s", diff)
				}
				total := tt.total
				if total == 0 {
					total = len(tt.want)
				}
				if got := pageOf(t, res).Total; got != total {
					t.Errorf("page.total = %d, want %d", got, total)
				}
			})
		}

		t.Run("whole body", func(t *testing.T) {
			res := a.do(t, request{target: "/v1/villages?framework=idm&year=2024&status=berkembang,sangat_tertinggal"})
			wantStatus(t, "whole body", res, http.StatusOK)
			scored := func(code, score, status, derived string) httpapi.Village {
				v := wantVillage(code)
				v.Framework, v.Year, v.Score, v.Status, v.DerivedStatus = ptr("idm"), ptr(2024), decp(score), ptr(status), ptr(derived)
				return v
			}
			want := httpapi.VillageList{Data: []httpapi.Village{
				scored("35.15.01.2001", "0.4907", "sangat_tertinggal", "sangat_tertinggal"),
				scored("64.01.01.2009", "0.7072", "berkembang", "berkembang"),
				scored("64.01.01.2010", "0.7410", "berkembang", "maju"),
			}, Page: httpapi.Page{Limit: 50, Total: 3}}
			if diff := cmp.Diff(want, decode[httpapi.VillageList](t, res)); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
			// A village without a score that year still names the framework
			// and year, and has a null score and status, as with fields.
			for _, target := range []string{"/v1/villages?year=2024&district=35.78.01&limit=1",
				"/v1/villages?year=2024&district=35.78.01&limit=1&fields=code,score,status,derived_status"} {
				res := a.do(t, request{target: target})
				if !bytes.Contains(res.body, []byte(`"score":null,"status":null,"derived_status":null}`)) {
					t.Errorf("%s: want a null score, status and derived status:\n%s", target, res.body)
				}
			}
			res = a.do(t, request{target: "/v1/villages?year=2024&district=35.78.01&limit=1"})
			wantStatus(t, "unscored", res, http.StatusOK)
			v := wantVillage("35.78.01.1001")
			v.Framework, v.Year = ptr("idm"), ptr(2024)
			if diff := cmp.Diff(httpapi.VillageList{Data: []httpapi.Village{v}, Page: httpapi.Page{Limit: 1, Total: 2}},
				decode[httpapi.VillageList](t, res)); diff != "" {
				t.Errorf("unscored village mismatch (-want +got):\n%s", diff)
			}
		})

		t.Run("csv", func(t *testing.T) {
			res := a.do(t, request{target: "/v1/villages?year=2024&status=berkembang&format=csv&fields=code,score,status,derived_status"})
			wantStatus(t, "csv", res, http.StatusOK)
			header, rows := readCSV(t, res)
			if diff := cmp.Diff([]string{"code", "score", "status", "derived_status"}, header); diff != "" {
				t.Errorf("CSV header mismatch (-want +got):\n%s", diff)
			}
			want := [][]string{{"64.01.01.2009", "0.7072", "berkembang", "berkembang"}, {"64.01.01.2010", "0.7410", "berkembang", "maju"}}
			if diff := cmp.Diff(want, rows); diff != "" {
				t.Errorf("CSV rows mismatch (-want +got):\n%s", diff)
			}
		})
	})
}

// loadListScores writes the scores TestVillageListScores reads: one desa
// per IDM status in 2024 (one of them published berkembang though its
// score says maju), one 2023 score, and an IPD score of a kelurahan.
func loadListScores(t *testing.T, a *api) {
	t.Helper()
	a.putScore(t, "35.15.01.2001", "idm", "2024", `{"score":0.4907}`, http.StatusCreated)
	a.putScore(t, "35.15.01.2002", "idm", "2024", `{"score":0.5989}`, http.StatusCreated)
	a.putScore(t, "64.01.01.2009", "idm", "2024", `{"score":0.7072}`, http.StatusCreated)
	a.putScore(t, "64.01.01.2010", "idm", "2024", `{"score":0.7410,"status":"berkembang"}`, http.StatusCreated)
	a.putScore(t, "91.03.01.3007", "idm", "2024", `{"score":0.8156}`, http.StatusCreated)
	a.putScore(t, "35.15.01.2001", "idm", "2023", `{"score":0.9}`, http.StatusCreated)
	a.putScore(t, "35.78.01.1001", "ipd", "2024", `{"score":80}`, http.StatusCreated)
}

func removeCode(codes []string, code string) []string {
	var out []string
	for _, c := range codes {
		if c != code {
			out = append(out, c)
		}
	}
	return out
}

// TestVillageListScoreErrors: score filters that must be refused.
func TestVillageListScoreErrors(t *testing.T) {
	tests := []struct {
		target string
		field  string
	}{
		{"/v1/villages?status=berkembang", "year"},
		{"/v1/villages?framework=idm", "year"},
		{"/v1/villages?sort=score", "year"},
		{"/v1/villages?sort=-score", "year"},
		{"/v1/villages?framework=ipd&status=mandiri", "year"},
		{"/v1/villages?year=2024&status=hebat", "status"},
		{"/v1/villages?year=2024&status=berkembang,hebat", "status"},
		{"/v1/villages?year=2024&status=Berkembang", "status"},
		{"/v1/villages?framework=ipd&year=2024&status=maju", "status"},
		{"/v1/villages?year=2025", "year"},
		{"/v1/villages?year=2014", "year"},
		{"/v1/villages?year=abc", "year"},
		{"/v1/villages?framework=indeks_desa&year=2023", "year"},
		{"/v1/villages?framework=sdgs&year=2024", "framework"},
		{"/v1/villages?framework=idm,ipd&year=2024", "framework"},
		{"/v1/villages?sort=status&year=2024", "sort"},
		{"/v1/villages?fields=score", "fields"}, // score columns only with a score join
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, tt := range tests {
			res := a.do(t, request{target: tt.target})
			wantStatus(t, tt.target, res, http.StatusBadRequest)
			if diff := cmp.Diff([]string{tt.field}, fieldsOf(problemOf(t, res))); diff != "" {
				t.Errorf("%s: problem fields mismatch (-want +got):\n%s", tt.target, diff)
			}
		}
	})
}
