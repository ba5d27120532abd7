package httpapi_test

// What the score and import tests share: the crosswalk the harness wires
// into the indicator service, import ids, and helpers to write and read
// scores through the API.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// crosswalk is the Kepmendagri 2022 → 2025 crosswalk the test service
// uses for code_edition=2022: the fixture's villages keep their codes, and
// two 2022 codes were renumbered (one onto a kelurahan).
var crosswalk = map[string]string{
	"35.15.01.2001": "35.15.01.2001",
	"35.15.01.2002": "35.15.01.2002",
	"64.01.01.2009": "64.01.01.2009",
	"64.01.01.2010": "64.01.01.2010",
	"91.03.01.3007": "91.03.01.3007",
	"35.78.01.1001": "35.78.01.1001",
	"64.01.02.2001": "64.01.01.2010", // a renumbered district
	"35.78.09.1001": "35.78.21.1001", // renumbered, and a kelurahan
}

// newImportID returns a random import id.
func newImportID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// scoreDesa are the fixture's villages IDM scores (desa and desa adat).
var scoreDesa = []string{"35.15.01.2001", "35.15.01.2002", "64.01.01.2009", "64.01.01.2010", "91.03.01.3007"}

// putScore writes one score with the indicators key and requires status.
func (a *api) putScore(t *testing.T, code, framework, year, body string, status int) httpapi.Score {
	t.Helper()
	target := "/v1/villages/" + code + "/scores/" + framework + "/" + year
	res := a.do(t, request{method: http.MethodPut, target: target, body: body, key: a.indicators})
	wantStatus(t, "PUT "+target, res, status)
	if status >= 300 {
		return httpapi.Score{}
	}
	return decode[httpapi.Score](t, res)
}

// scoresOf lists a village's scores through the API.
func (a *api) scoresOf(t *testing.T, code, framework string) []httpapi.Score {
	t.Helper()
	target := "/v1/villages/" + code + "/scores"
	if framework != "" {
		target += "?framework=" + framework
	}
	res := a.do(t, request{target: target})
	wantStatus(t, target, res, http.StatusOK)
	return decode[httpapi.ScoreList](t, res).Data
}

// rawJSON returns the raw JSON text of each listed field of a JSON object,
// to see numbers as the API wrote them (0.4907, not a float's rendering).
func rawJSON(t *testing.T, body []byte, fields ...string) map[string]string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode object: %v\n%s", err, body)
	}
	out := map[string]string{}
	for _, f := range fields {
		if v, ok := m[f]; ok {
			out[f] = string(v)
		}
	}
	return out
}
