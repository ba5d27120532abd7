package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/httpapi"
)

// TestKeyEndpoints: admins list, create and revoke keys; the secret is
// shown once and never listed; a revoked key is refused on the very next
// request; every denial is a problem+json saying why.
func TestKeyEndpoints(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		// Denials: no key, a malformed key, an unknown key, the wrong scope.
		for _, tc := range []struct {
			name, key, auth string
			status          int
		}{
			{"no key", "", "", http.StatusUnauthorized},
			{"malformed key", "", "Bearer nope", http.StatusUnauthorized},
			{"unknown key", "desa_" + strings.Repeat("A", 43), "", http.StatusUnauthorized},
			{"reader", a.reader, "", http.StatusForbidden},
			{"writer", a.writer, "", http.StatusForbidden},
		} {
			hdr := map[string]string{}
			if tc.auth != "" {
				hdr["Authorization"] = tc.auth
			}
			for _, r := range []request{
				{target: "/v1/keys"},
				{method: http.MethodPost, target: "/v1/keys", body: `{"name":"x","scopes":["admin"]}`},
				{method: http.MethodDelete, target: "/v1/keys/whatever"},
			} {
				r.key, r.header = tc.key, hdr
				wantStatus(t, tc.name+" "+r.method+" "+r.target, a.do(t, r), tc.status)
			}
		}

		// Create: 201, Location, the secret once.
		res := a.do(t, request{method: http.MethodPost, target: "/v1/keys", key: a.admin,
			body: `{"name":"Biro Kesra Kaltim","scopes":["write:regions","read"],"provinces":["64"]}`})
		wantStatus(t, "create", res, http.StatusCreated)
		nk := decode[httpapi.NewAPIKey](t, res)
		if res.header.Get("Location") != "/v1/keys/"+nk.ID || !strings.HasPrefix(nk.Secret, nk.Prefix) ||
			nk.Name != "Biro Kesra Kaltim" || strings.Join(nk.Scopes, ",") != "write:regions,read" ||
			strings.Join(nk.Provinces, ",") != "64" || nk.LastUsedAt != nil || nk.RevokedAt != nil {
			t.Errorf("created key: %+v, Location %q", nk, res.header.Get("Location"))
		}

		// The new key works, within its province and scopes.
		wantStatus(t, "own province", a.do(t, request{method: http.MethodPatch, target: "/v1/villages/64.01.01.2009",
			body: `{"name":"Samurangau Baru"}`, key: nk.Secret}), http.StatusOK)
		p := problemOf(t, a.do(t, request{method: http.MethodPatch, target: "/v1/villages/35.15.01.2001",
			body: `{"name":"Mliriprowo Baru"}`, key: nk.Secret}))
		if p.Status != http.StatusForbidden || !strings.Contains(p.Detail, "may write only in provinces 64") {
			t.Errorf("wrong province: %+v", p)
		}
		p = problemOf(t, a.do(t, request{method: http.MethodPost, target: "/v1/keys", key: nk.Secret,
			body: `{"name":"escalate","scopes":["admin"]}`}))
		if p.Status != http.StatusForbidden || !strings.Contains(p.Detail, `lacks scope "admin"`) {
			t.Errorf("wrong scope: %+v", p)
		}

		// The list: every key, the secret and hashes nowhere, last use
		// recorded.
		a.keys.Wait()
		res = a.do(t, request{target: "/v1/keys?limit=2&offset=4", key: a.admin})
		wantStatus(t, "list", res, http.StatusOK)
		if strings.Contains(string(res.body), nk.Secret) || strings.Contains(strings.ToLower(string(res.body)), "hash") {
			t.Errorf("the list shows a secret or a hash: %s", res.body)
		}
		if cc := res.header.Get("Cache-Control"); cc != "no-store" || res.header.Get("ETag") != "" {
			t.Errorf("the list is cacheable: Cache-Control %q, ETag %q", cc, res.header.Get("ETag"))
		}
		list := decode[httpapi.APIKeyList](t, res)
		if list.Page.Total != 5 || len(list.Data) != 1 || list.Data[0].ID != nk.ID || list.Data[0].LastUsedAt == nil {
			t.Errorf("list: %+v", list)
		}
		// The answer an admin got is not served to a reader.
		wantStatus(t, "reader after admin", a.do(t, request{target: "/v1/keys?limit=2&offset=4", key: a.reader}), http.StatusForbidden)
		_, rows := readCSV(t, a.do(t, request{target: "/v1/keys?format=csv&sort=-name&fields=name", key: a.admin}))
		// (Only the top two: where "Biro" sorts among lowercase names
		// depends on the database's collation.)
		if len(rows) != 5 || cmp.Diff([][]string{{"writer"}, {"reader"}}, rows[:2]) != "" {
			t.Errorf("CSV list by name descending: %v, want 5 rows starting writer, reader", rows)
		}
		wantProblem(t, "bad sort", a.do(t, request{target: "/v1/keys?sort=hash", key: a.admin}), http.StatusBadRequest, "sort")

		// A province-restricted admin manages only keys within its provinces.
		ra := decode[httpapi.NewAPIKey](t, a.do(t, request{method: http.MethodPost, target: "/v1/keys", key: a.admin,
			body: `{"name":"kaltim admin","scopes":["admin"],"provinces":["64"]}`}))
		p = problemOf(t, a.do(t, request{method: http.MethodPost, target: "/v1/keys", key: ra.Secret,
			body: `{"name":"anywhere","scopes":["write:regions"]}`}))
		if p.Status != http.StatusForbidden || !strings.Contains(p.Detail, "not an unrestricted key") {
			t.Errorf("restricted admin creates an unrestricted key: %+v", p)
		}
		wantStatus(t, "restricted admin, own province", a.do(t, request{method: http.MethodPost, target: "/v1/keys", key: ra.Secret,
			body: `{"name":"kaltim writer","scopes":["write:regions"],"provinces":["64"]}`}), http.StatusCreated)
		writer := decode[httpapi.APIKeyList](t, a.do(t, request{target: "/v1/keys?limit=1", key: a.admin})).Data[0]
		if writer.Name != "writer" || len(writer.Provinces) != 0 {
			t.Fatalf("first key: %+v, want the unrestricted writer", writer)
		}
		wantStatus(t, "restricted admin revokes an unrestricted key", a.do(t, request{method: http.MethodDelete,
			target: "/v1/keys/" + writer.ID, key: ra.Secret}), http.StatusForbidden)

		// An Idempotency-Key guards key creation too, but the answer holds
		// the secret, which is never stored: a retry is a 409 naming the key.
		idem := request{method: http.MethodPost, target: "/v1/keys", key: a.admin, body: `{"name":"retried","scopes":["read"]}`,
			header: map[string]string{"Idempotency-Key": "new-key-1"}}
		made := a.do(t, idem)
		wantStatus(t, "create with Idempotency-Key", made, http.StatusCreated)
		p = wantProblem(t, "retry create", a.do(t, idem), http.StatusConflict)
		if !strings.Contains(p.Detail, made.header.Get("Location")) || !strings.Contains(p.Detail, "shown only once") {
			t.Errorf("retry of a key creation: %+v", p)
		}
		var stored int
		if err := a.s.SQL().QueryRow("SELECT COUNT(*) FROM idempotency_keys WHERE idem_key = 'new-key-1' AND body IS NOT NULL").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != 0 {
			t.Errorf("the answer holding a secret is stored in idempotency_keys")
		}

		// Bad input.
		for _, tc := range []struct {
			body   string
			status int
			fields []string
		}{
			{`{"name":"","scopes":["root"],"provinces":["6401"]}`, 422, []string{"name", "scopes[0]", "provinces[0]"}},
			{`{"name":"x","scopes":[]}`, 422, []string{"scopes"}},
			{`{"name":"x","scopes":["read"],"hash":"ab"}`, 400, []string{"hash"}},
			{`{"name":"ghost","scopes":["write:programs"],"provinces":["99"]}`, 422, []string{"provinces[0]"}},
			{`{"name":"ghost","scopes":["write:programs"],"provinces":["64","00"]}`, 422, []string{"provinces[1]"}},
		} {
			wantProblem(t, tc.body, a.do(t, request{method: http.MethodPost, target: "/v1/keys", body: tc.body, key: a.admin}),
				tc.status, tc.fields...)
		}
		if p := problemOf(t, a.do(t, request{method: http.MethodPost, target: "/v1/keys", key: a.admin,
			body: `{"name":"ghost","scopes":["read"],"provinces":["99"]}`})); len(p.Errors) != 1 || p.Errors[0].Message != "no province with code 99" {
			t.Errorf("a key for province 99: %+v", p)
		}

		// Revoke: the very next request with the key is refused.
		wantStatus(t, "revoke", a.do(t, request{method: http.MethodDelete, target: "/v1/keys/" + nk.ID, key: a.admin}), http.StatusNoContent)
		p = problemOf(t, a.do(t, request{method: http.MethodPatch, target: "/v1/villages/64.01.01.2009",
			body: `{"name":"Samurangau"}`, key: nk.Secret}))
		if p.Status != http.StatusUnauthorized || !strings.Contains(p.Detail, "revoked") {
			t.Errorf("revoked key: %+v", p)
		}
		wantStatus(t, "revoked key reads", a.do(t, request{target: "/v1/provinces", key: nk.Secret}), http.StatusUnauthorized)
		wantStatus(t, "revoke again", a.do(t, request{method: http.MethodDelete, target: "/v1/keys/" + nk.ID, key: a.admin}), http.StatusNoContent)
		wantStatus(t, "revoke unknown", a.do(t, request{method: http.MethodDelete, target: "/v1/keys/nope", key: a.admin}), http.StatusNotFound)
		list = decode[httpapi.APIKeyList](t, a.do(t, request{target: "/v1/keys?offset=4&limit=1", key: a.admin}))
		if len(list.Data) != 1 || list.Data[0].RevokedAt == nil {
			t.Errorf("the revoked key is not listed as revoked: %+v", list.Data)
		}
	})
}
