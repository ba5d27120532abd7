package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestDecimalFields: a decimal field given as something else names the
// field and says what is wanted; exponent notation, a valid JSON number, is
// read exactly; a value past the storage's limit names that limit.
func TestDecimalFields(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		message := func(p problem) string {
			if len(p.Errors) == 0 {
				return ""
			}
			return p.Errors[0].Message
		}
		put := func(target, body string) response {
			t.Helper()
			return a.do(t, request{method: http.MethodPut, target: target, body: body, key: a.indicators})
		}
		score := "/v1/villages/64.01.01.2009/scores/idm/2024"
		for _, tc := range []struct{ body, field, message string }{
			{`{"iks":"abc","ike":0.5,"ikl":0.5}`, "iks", "must be a decimal number such as 0.5, not a JSON string"},
			{`{"iks":true,"ike":0.5,"ikl":0.5}`, "iks", "must be a decimal number such as 0.5, not a JSON boolean"},
			{`{"score":{"v":1}}`, "score", "must be a decimal number such as 0.5, not a JSON object"},
			{`{"score":1e400}`, "score", "must be a decimal number such as 0.5; 1e400 is out of range"},
		} {
			p := wantProblem(t, tc.body, put(score, tc.body), http.StatusBadRequest, tc.field)
			if message(p) != tc.message || !strings.Contains(p.Detail, tc.field+": ") {
				t.Errorf("%s: detail %q, message %q; want %q", tc.body, p.Detail, message(p), tc.message)
			}
		}
		res := put(score, `{"iks":5e-1,"ike":0.5,"ikl":7.5E-1,"score":"6e-1"}`)
		wantStatus(t, "exponent notation", res, http.StatusCreated)
		if got := rawJSON(t, res.body, "iks", "ikl", "score"); got["iks"] != "0.5000" || got["ikl"] != "0.7500" || got["score"] != "0.6000" {
			t.Errorf("exponent notation stored as %v", got)
		}

		wantStatus(t, "create an indicator with min 0 and no max", a.do(t, request{method: http.MethodPost, target: "/v1/indicators",
			key: a.admin, body: `{"code":"bps_penduduk","name_id":"Jumlah Penduduk","name_en":"Population","min":0}`}), http.StatusCreated)
		value := "/v1/regions/64/indicators/bps_penduduk/2024"
		p := wantProblem(t, "a value past the storage's limit", put(value, `{"value":99999999999}`), http.StatusUnprocessableEntity, "value")
		if want := "bps_penduduk takes values between 0.0000 and 9999999999.9999, got 99999999999.0000"; message(p) != want {
			t.Errorf("message %q, want %q", message(p), want)
		}
		p = wantProblem(t, "a negative value", put(value, `{"value":-1}`), http.StatusUnprocessableEntity, "value")
		if !strings.Contains(message(p), "between 0.0000 and 9999999999.9999") {
			t.Errorf("message %q", message(p))
		}
		wantStatus(t, "the largest value", put(value, `{"value":9.9999999999999e9}`), http.StatusCreated)
		wantProblem(t, "a value as a boolean", put(value, `{"value":false}`), http.StatusBadRequest, "value")
		wantProblem(t, "a bound as a word", a.do(t, request{method: http.MethodPatch, target: "/v1/indicators/bps_penduduk",
			key: a.admin, body: `{"max":"lots"}`}), http.StatusBadRequest, "max")
	})
}
