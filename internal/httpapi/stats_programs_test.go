package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// TestStatsProfilePrograms: a profile of year Y lists the programs whose
// dates overlap Y — the rule of /v1/programs?active_on= over a whole year,
// an open end running on — whatever their status says today, and never a
// cancelled one.
func TestStatsProfilePrograms(t *testing.T) {
	programs := []struct{ code, status, start, end string }{
		{"a-before", "completed", "2020-01-01", "2023-12-31"},
		{"b-ends-on-new-year", "completed", "2022-05-01", "2024-01-01"},
		{"c-within", "completed", "2024-03-01", "2024-09-30"},
		{"d-across", "active", "2023-06-01", "2025-06-30"},
		{"e-open-since-2022", "active", "2022-01-01", ""},
		{"f-starts-new-years-eve", "planned", "2024-12-31", ""},
		{"g-after-open", "active", "2025-05-08", ""}, // the Desa Berdaya agreement
		{"h-after", "planned", "2025-01-01", "2026-12-31"},
		{"i-cancelled", "cancelled", "2024-02-01", "2024-11-30"},
	}
	eachEngine(t, func(t *testing.T, a *api) {
		for _, p := range programs {
			end := ""
			if p.end != "" {
				end = fmt.Sprintf(`,"end_date":%q`, p.end)
			}
			body := fmt.Sprintf(`{"code":%q,"title":"Program %s","scope":"inter_provincial","status":%q,"start_date":%q%s,
"parties":[{"province_code":"64","role":"lead"},{"province_code":"35","role":"partner"}]}`, p.code, p.code, p.status, p.start, end)
			res := a.do(t, request{method: http.MethodPost, target: "/v1/programs", body: body, key: a.admin})
			wantStatus(t, "create "+p.code, res, http.StatusCreated)
		}
		profile := func(target string) []string {
			t.Helper()
			res := a.do(t, request{target: target})
			wantStatus(t, target, res, http.StatusOK)
			var doc struct{ Programs []httpapi.ProgramRef }
			if err := json.Unmarshal(res.body, &doc); err != nil {
				t.Fatalf("decode %s: %v", target, err)
			}
			codes := []string{}
			for _, p := range doc.Programs {
				codes = append(codes, p.Code)
			}
			return codes
		}
		for target, want := range map[string][]string{
			"/v1/regions/64/profile?year=2024": {"b-ends-on-new-year", "c-within", "d-across", "e-open-since-2022", "f-starts-new-years-eve"},
			"/v1/regions/64/profile":           {"b-ends-on-new-year", "c-within", "d-across", "e-open-since-2022", "f-starts-new-years-eve"},
			"/v1/regions/64/profile?year=2023": {"a-before", "b-ends-on-new-year", "d-across", "e-open-since-2022"},
			"/v1/regions/64/profile?year=2021": {"a-before"},
			"/v1/regions/64/profile?year=2015": {},
			// A region of another party's province, below it.
			"/v1/regions/35.15/profile?year=2022": {"a-before", "b-ends-on-new-year", "e-open-since-2022"},
			// Not a party's province.
			"/v1/regions/91/profile?year=2024": {},
		} {
			if diff := cmp.Diff(want, profile(target)); diff != "" {
				t.Errorf("GET %s: programs mismatch (-want +got):\n%s", target, diff)
			}
		}
		// The same rule as the list's filter, on any day of the year (the
		// list does not filter out cancelled programs by itself).
		res := a.do(t, request{target: "/v1/programs?active_on=2024-06-30&province=64&status=planned,active,completed&limit=100"})
		wantStatus(t, "active_on", res, http.StatusOK)
		if diff := cmp.Diff([]string{"c-within", "d-across", "e-open-since-2022"}, codesOf(t, res)); diff != "" {
			t.Errorf("active_on=2024-06-30: mismatch (-want +got):\n%s", diff)
		}
	})
}
