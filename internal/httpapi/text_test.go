package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// TestTextTheDatabaseCannotHold sends a NUL byte, invalid UTF-8 and other
// control characters everywhere a string reaches the database. PostgreSQL
// refuses NUL and invalid UTF-8 where SQLite stores them; both engines must
// give the same client error naming the field, and store nothing.
func TestTextTheDatabaseCannotHold(t *testing.T) {
	type tc struct {
		name   string
		method string
		target string
		body   string
		ct     string // content type; JSON by default
		key    string // admin (default), indicators, programs
		status int
		fields []string // the problem's fields, or the import's rejected rows' fields
	}
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		agency := a.agency(t, "Biro Kesra Setda Prov. Kaltim", "provincial_bureau", "64")
		prog := a.program(t, programBody("kerja-sama-teks", ""))
		ctx := context.Background()
		before, err := a.store.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		scoreCSV := func(status string) string {
			return scoreHeader + "\n64.01.01.2009,2024,0.6,0.6,0.6,," + status + "\n"
		}
		cases := []tc{
			// Query parameters, wherever they are read.
			{name: "q NUL villages", target: "/v1/villages?q=%00", status: 400, fields: []string{"q"}},
			{name: "q invalid villages", target: "/v1/villages?q=%ff", status: 400, fields: []string{"q"}},
			{name: "q NUL villages csv", target: "/v1/villages?format=csv&q=a%00", status: 400, fields: []string{"q"}},
			{name: "q NUL indicators", target: "/v1/indicators?q=%00", status: 400, fields: []string{"q"}},
			{name: "q invalid indicators", target: "/v1/indicators?q=%ff", status: 400, fields: []string{"q"}},
			{name: "q NUL children", target: "/v1/regions/64/children?q=%00", status: 400, fields: []string{"q"}},
			{name: "q invalid children", target: "/v1/regions/64/children?q=%ff", status: 400, fields: []string{"q"}},
			{name: "q NUL agencies", target: "/v1/agencies?q=%00", status: 400, fields: []string{"q"}},
			{name: "q NUL programs", target: "/v1/programs?q=%00", status: 400, fields: []string{"q"}},
			{name: "status NUL transitions", target: "/v1/stats/transitions/villages?framework=idm&from=2021&to=2023&from_status=%00",
				status: 400, fields: []string{"from_status"}},
			{name: "two bad parameters", target: "/v1/villages?q=%ff&district=%00", status: 400, fields: []string{"district", "q"}},
			{name: "an unknown parameter", target: "/v1/frameworks?x=%00", status: 400, fields: []string{"x"}},
			// Path parameters: Echo unescapes them.
			{name: "import id NUL", target: "/v1/imports/%00", status: 400, fields: []string{"id"}},
			{name: "indicator code NUL", target: "/v1/indicators/%00", status: 400, fields: []string{"code"}},
			{name: "agency id NUL", target: "/v1/agencies/a%00", status: 400, fields: []string{"id"}},
			{name: "program id NUL", target: "/v1/programs/%00", status: 400, fields: []string{"id"}},
			{name: "delete key id NUL", method: "DELETE", target: "/v1/keys/%00", status: 400, fields: []string{"id"}},
			{name: "patch agency id NUL", method: "PATCH", target: "/v1/agencies/%00", key: "programs",
				body: `{"name":"x"}`, status: 400, fields: []string{"id"}},

			// Stored text: one line, no control characters.
			{name: "create village NUL", method: "POST", target: "/v1/villages",
				body: `{"code":"64.01.01.2099","name":"Nul\u0000byte"}`, status: 422, fields: []string{"name"}},
			{name: "create village newline", method: "POST", target: "/v1/villages",
				body: `{"code":"64.01.01.2099","name":"two\nlines"}`, status: 422, fields: []string{"name"}},
			{name: "create province C1", method: "POST", target: "/v1/provinces",
				body: `{"code":"99","name":"a\u0085b"}`, status: 422, fields: []string{"name"}},
			{name: "patch village NUL", method: "PATCH", target: "/v1/villages/64.01.01.2009",
				body: `{"name":"Nul\u0000byte"}`, status: 422, fields: []string{"name"}},
			{name: "patch village tab", method: "PATCH", target: "/v1/villages/64.01.01.2009",
				body: `{"name":"a\tb"}`, status: 422, fields: []string{"name"}},
			{name: "score source NUL", method: "PUT", target: "/v1/villages/64.01.01.2009/scores/idm/2024", key: "indicators",
				body: `{"iks":0.6,"ike":0.6,"ikl":0.6,"source":"a\u0000b"}`, status: 422, fields: []string{"source"}},
			{name: "value source NUL", method: "PUT", target: "/v1/regions/64.01.01.2009/indicators/idm_iks_01/2024", key: "indicators",
				body: `{"value":4,"source":"a\u0000b"}`, status: 422, fields: []string{"source"}},
			{name: "indicator name_id NUL", method: "POST", target: "/v1/indicators",
				body: `{"code":"bps_x","name_id":"a\u0000","name_en":"x"}`, status: 422, fields: []string{"name_id"}},
			{name: "indicator unit NUL", method: "POST", target: "/v1/indicators",
				body: `{"code":"bps_x","name_id":"x","name_en":"x","unit":"\u0000"}`, status: 422, fields: []string{"unit"}},
			{name: "patch indicator dimension NUL", method: "PATCH", target: "/v1/indicators/idm_iks_01",
				body: `{"dimension":"a\u0000"}`, status: 422, fields: []string{"dimension"}},
			{name: "agency name NUL", method: "POST", target: "/v1/agencies", key: "programs",
				body: `{"name":"a\u0000","kind":"dinas","website":"https://x.example/\u0000"}`, status: 422, fields: []string{"name", "website"}},
			{name: "patch agency name newline", method: "PATCH", target: "/v1/agencies/" + agency, key: "programs",
				body: `{"name":"a\nb"}`, status: 422, fields: []string{"name"}},
			{name: "program title and summary NUL", method: "POST", target: "/v1/programs", key: "programs",
				body: programBody("teks-nul", `"summary":"a\u0000b","objective":"a\u001bb"`), status: 422, fields: []string{"summary", "objective"}},
			{name: "patch program title tab", method: "PATCH", target: "/v1/programs/" + prog.ID, key: "programs",
				body: `{"title":"a\tb"}`, status: 422, fields: []string{"title"}},
			{name: "party agency_id NUL", method: "POST", target: "/v1/programs/" + prog.ID + "/parties", key: "programs",
				body: `{"agency_id":"\u0000","role":"partner"}`, status: 422, fields: []string{"agency_id"}},
			{name: "budget agency_id NUL", method: "POST", target: "/v1/programs/" + prog.ID + "/budgets", key: "programs",
				body: `{"year":2025,"agency_id":"a\u0000","kind":"planned","source":"apbd","amount_idr":1}`, status: 422, fields: []string{"agency_id"}},
			{name: "activity venue NUL", method: "POST", target: "/v1/programs/" + prog.ID + "/activities", key: "programs",
				body: `{"date":"2025-05-08","kind":"rakor","title":"Rakor","venue":"a\u0000"}`, status: 422, fields: []string{"venue"}},
			{name: "key name NUL", method: "POST", target: "/v1/keys",
				body: `{"name":"a\u0000","scopes":["read"]}`, status: 422, fields: []string{"name"}},

			// Imports: the source is a parameter, rows are checked row by row.
			{name: "import source NUL", method: "POST", target: "/v1/imports?kind=scores&framework=idm&source=a%00b", key: "indicators",
				body: scoreCSV(""), ct: "text/csv", status: 400, fields: []string{"source"}},
			{name: "import source invalid", method: "POST", target: "/v1/imports?kind=scores&framework=idm&source=a%ffb", key: "indicators",
				body: scoreCSV(""), ct: "text/csv", status: 400, fields: []string{"source"}},
			{name: "import status NUL", method: "POST", target: "/v1/imports?kind=scores&framework=idm", key: "indicators",
				body: scoreCSV("maju\x00"), ct: "text/csv", status: 422, fields: []string{"status"}},
			{name: "import status invalid", method: "POST", target: "/v1/imports?kind=scores&framework=idm", key: "indicators",
				body: scoreCSV("\xff"), ct: "text/csv", status: 422, fields: []string{"status"}},
			{name: "import code NUL", method: "POST", target: "/v1/imports?kind=scores&framework=idm", key: "indicators",
				body: scoreHeader + "\n64.01.01.2009\x00,2024,0.6,0.6,0.6,,\n", ct: "text/csv", status: 422, fields: []string{"village_code"}},
			{name: "import JSON status NUL", method: "POST", target: "/v1/imports?kind=scores&framework=idm", key: "indicators",
				body: `[{"village_code":"64.01.01.2009","year":2024,"score":0.6,"status":"\u0000"}]`, status: 422, fields: []string{"status"}},
			{name: "import indicator NUL", method: "POST", target: "/v1/imports?kind=indicator_values", key: "indicators",
				body: "region_code,indicator_code,year,value\n64,idm_iks_01\x00,2024,1\n", ct: "text/csv", status: 422, fields: []string{"indicator_code"}},
		}
		keys := map[string]string{"": a.admin, "indicators": a.indicators, "programs": a.programs}
		for _, c := range cases {
			if c.method == "" {
				c.method = http.MethodGet
			}
			what := c.name + ": " + c.method + " " + c.target
			res := a.do(t, request{method: c.method, target: c.target, body: c.body, contentType: c.ct, key: keys[c.key]})
			if res.status != c.status {
				t.Errorf("%s: status = %d, want %d\n%s", what, res.status, c.status, res.body)
				continue
			}
			var got []string
			if strings.HasPrefix(c.target, "/v1/imports?") && res.status == http.StatusUnprocessableEntity {
				for _, e := range decode[httpapi.ImportFailure](t, res).Errors {
					got = append(got, e.Field)
				}
			} else {
				got = fieldsOf(problemOf(t, res))
			}
			if fmt.Sprint(got) != fmt.Sprint(c.fields) {
				t.Errorf("%s: fields %v, want %v\n%s", what, got, c.fields, res.body)
			}
		}
		after, err := a.store.DataVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if after != before {
			t.Errorf("the data version moved from %d to %d: something was stored", before, after)
		}
		wantStatus(t, "the refused village", a.do(t, request{target: "/v1/villages/64.01.01.2099"}), http.StatusNotFound)
		if v := decode[httpapi.Village](t, a.do(t, request{target: "/v1/villages/64.01.01.2009"})); v.Name != "Samurangau" {
			t.Errorf("village renamed to %q", v.Name)
		}
		if got := a.scoresOf(t, "64.01.01.2009", "idm"); len(got) != 0 {
			t.Errorf("scores stored: %+v", got)
		}

		// Multi-line text keeps its line breaks and tabs.
		summary := "Baris satu\n\tBaris dua\r\nBaris tiga"
		b, _ := json.Marshal(summary)
		p := a.program(t, programBody("teks-baris", `"summary":`+string(b)))
		if p.Summary != summary {
			t.Errorf("summary = %q, want %q", p.Summary, summary)
		}
	})
}
