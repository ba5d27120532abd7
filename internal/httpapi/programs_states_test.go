package httpapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
	"github.com/desa-api/desa-api/internal/store/storetest"
)

var (
	uuidPattern  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	stampPattern = regexp.MustCompile(`"(created_at|updated_at)":"[^"]*"`)
)

// comparable blanks what differs between two runs of the same writes: ids
// and the times of writing.
func comparable(b []byte) string {
	return stampPattern.ReplaceAllString(uuidPattern.ReplaceAllString(string(b), "ID"), `"$1":"T"`)
}

// TestStatesSameOnEngines makes the same program (dates, an agreement
// signed on a day, an activity on a day) on both engines and compares the
// stored-row JSON a consumer sees: the change feed's states and the audit
// trail's before and after, byte for byte but for ids and write times.
// Dates are YYYY-MM-DD and keys are sorted on both.
func TestStatesSameOnEngines(t *testing.T) {
	got := map[string][]string{}
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		p := a.program(t, programBody("states", `"end_date":"2027-12-31",
"agreements":[{"number":"1/PKS/2025","signed_on":"2025-05-08","title":"PKS"}]`))
		prog := "/v1/programs/" + p.ID
		a.mustWrite(t, http.MethodPost, prog+"/activities", `{"date":"2023-08-07","kind":"rakor","title":"Rakor","participants":40}`, http.StatusCreated)
		a.mustWrite(t, http.MethodPatch, prog, `{"end_date":"2028-06-30","summary":"Ringkasan <baru> & lengkap"}`, http.StatusOK)
		var out []string
		for _, c := range decode[httpapi.ChangeList](t, a.do(t, request{target: "/v1/changes?since=0&limit=1000&entity=program,program_agreement,program_activity"})).Data {
			out = append(out, c.Entity+" "+comparable(c.State))
		}
		es := a.auditEntries(t, "entity=program")
		for i := len(es) - 1; i >= 0; i-- {
			out = append(out, "audit "+es[i].Action+" "+comparable(es[i].Before)+" → "+comparable(es[i].After))
		}
		header, rows := readCSV(t, a.do(t, request{target: "/v1/audit?entity=program&format=csv&fields=action,before,after", key: a.admin}))
		out = append(out, comparable([]byte(strings.Join(header, ","))))
		for _, r := range rows {
			out = append(out, "csv "+comparable([]byte(strings.Join(r, " | "))))
		}
		for _, s := range out {
			if strings.Contains(s, "T00:00:00") {
				t.Errorf("a date shows as a time: %s", s)
			}
		}
		got[string(a.store.Dialect())] = out
	})
	if len(got) < len(storetest.Engines) {
		return // an engine skipped
	}
	if diff := cmp.Diff(got["sqlite"], got["postgres"]); diff != "" {
		t.Errorf("states differ between engines (-sqlite +postgres):\n%s", diff)
	}
}
