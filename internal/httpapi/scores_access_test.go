package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/auth"
)

// TestScoreAndValueProvinceRestriction: a write:indicators key restricted to
// province 64 writes scores and indicator values there (at any level) and
// gets 403 elsewhere, with nothing stored — for a region that does not exist
// either.
func TestScoreAndValueProvinceRestriction(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		_, kaltim, err := a.keys.Create(t.Context(), "kaltim", []auth.Scope{auth.ScopeWriteIndicators}, []string{"64"})
		if err != nil {
			t.Fatal(err)
		}
		put := func(target, body string) response {
			t.Helper()
			return a.do(t, request{method: http.MethodPut, target: target, body: body, key: kaltim})
		}
		for _, target := range []string{
			"/v1/regions/35.78.01.1001/indicators/idm_iks_01/2024",
			"/v1/regions/3578011001/indicators/idm_iks_01/2024",
			"/v1/regions/35/indicators/idm_iks_01/2024",
			"/v1/regions/35.99.99.2999/indicators/idm_iks_01/2024", // no such village
		} {
			p := wantProblem(t, "PUT "+target, put(target, `{"value":3}`), http.StatusForbidden)
			if !strings.Contains(p.Detail, "may write only in provinces 64") {
				t.Errorf("PUT %s: 403 detail %q does not say why", target, p.Detail)
			}
		}
		for _, target := range []string{"/v1/villages/35.15.01.2001/scores/idm/2024", "/v1/villages/35.99.99.2999/scores/idm/2024"} {
			p := wantProblem(t, "PUT "+target, put(target, `{"score":0.5}`), http.StatusForbidden)
			if !strings.Contains(p.Detail, "may write only in provinces 64") {
				t.Errorf("PUT %s: 403 detail %q does not say why", target, p.Detail)
			}
		}
		for _, code := range []string{"35.78.01.1001", "35"} {
			if got := a.do(t, request{target: "/v1/regions/" + code + "/indicators"}); strings.TrimSpace(string(got.body)) != `{"data":[]}` {
				t.Errorf("values of %s after the 403: %s", code, got.body)
			}
		}
		if got := a.scoresOf(t, "35.15.01.2001", ""); len(got) != 0 {
			t.Errorf("scores of 35.15.01.2001 after the 403: %+v", got)
		}
		// Inside its province the key writes as before.
		wantStatus(t, "PUT value in 64", put("/v1/regions/64.01.01.2009/indicators/idm_iks_01/2024", `{"value":3}`), http.StatusCreated)
		wantStatus(t, "PUT value of province 64", put("/v1/regions/64/indicators/idm_iks_01/2024", `{"value":3}`), http.StatusCreated)
		wantStatus(t, "PUT score in 64", put("/v1/villages/64.01.01.2009/scores/idm/2024", `{"score":0.5}`), http.StatusCreated)
		// An unrestricted key writes anywhere.
		wantStatus(t, "PUT value in 35, unrestricted", a.do(t, request{method: http.MethodPut,
			target: "/v1/regions/35.78.01.1001/indicators/idm_iks_01/2024", body: `{"value":3}`, key: a.indicators}), http.StatusCreated)
	})
}
