package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/desa-api/desa-api/internal/auth"
	"github.com/desa-api/desa-api/internal/httpapi"
)

// auditEntries reads the whole audit trail matching query with the admin
// key.
func (a *api) auditEntries(t *testing.T, query string) []httpapi.AuditEntry {
	t.Helper()
	res := a.do(t, request{target: "/v1/audit?limit=1000&" + query, key: a.admin})
	wantStatus(t, "GET /v1/audit?"+query, res, http.StatusOK)
	return decode[httpapi.AuditList](t, res).Data
}

func TestAuditTrail(t *testing.T) {
	eachProgramEngine(t, func(t *testing.T, a *progAPI) {
		start := len(a.auditEntries(t, ""))

		// A write: one entry, with the key, the request and both states.
		res := a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/64", body: `{"name":"Kaltim"}`, key: a.writer})
		wantStatus(t, "PATCH province", res, http.StatusOK)
		es := a.auditEntries(t, "entity=region&entity_id=64")
		if len(es) != 1 {
			t.Fatalf("entries of region 64 = %d, want 1: %+v", len(es), es)
		}
		e := es[0]
		if e.Action != "update" || e.KeyName != "writer" || e.KeyID == "" || e.RequestID == "" ||
			e.RequestID != res.header.Get("X-Request-ID") {
			t.Errorf("entry = %+v; want an update by writer with request id %q", e, res.header.Get("X-Request-ID"))
		}
		if !strings.Contains(string(e.Before), `"name":"Kalimantan Timur"`) || !strings.Contains(string(e.After), `"name":"Kaltim"`) {
			t.Errorf("before %s / after %s do not show the rename", e.Before, e.After)
		}

		// Failed writes leave no entry: a rule violation, and a conflict the
		// database reports inside the transaction.
		n := len(a.auditEntries(t, ""))
		wantStatus(t, "bad PATCH", a.do(t, request{method: http.MethodPatch, target: "/v1/provinces/64", body: `{"name":""}`, key: a.writer}), http.StatusUnprocessableEntity)
		wantStatus(t, "DELETE a province with children", a.do(t, request{method: http.MethodDelete, target: "/v1/provinces/35", key: a.writer}), http.StatusConflict)
		if got := len(a.auditEntries(t, "")); got != n {
			t.Errorf("failed writes added %d entries", got-n)
		}

		// Each kind of write is recorded once.
		wantStatus(t, "PUT score", a.do(t, request{method: http.MethodPut, target: "/v1/villages/6401012009/scores/idm/2024", body: `{"score":0.5}`, key: a.indicators}), http.StatusCreated)
		p := a.program(t, programBody("ks-audit", ""))
		b := decode[httpapi.Budget](t, a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/budgets",
			`{"year":2025,"province_code":"64","kind":"planned","amount_idr":5,"source":"apbd"}`, http.StatusCreated))
		a.mustWrite(t, http.MethodDelete, "/v1/programs/"+p.ID+"/budgets/"+b.ID, "", http.StatusNoContent)
		a.mustWrite(t, http.MethodPost, "/v1/programs/"+p.ID+"/villages", `{"codes":["64.01.01.2001","64.01.01.2002"]}`, http.StatusOK)
		a.mustWrite(t, http.MethodDelete, "/v1/programs/"+p.ID+"/villages/6401012002", "", http.StatusNoContent)
		for _, c := range []struct{ entity, id, actions string }{
			{"score", "64.01.01.2009/idm/2024", "create"},
			{"program", p.ID, "create"},
			{"program_budget", b.ID, "delete,create"},
			{"program_target", p.ID, "import"}, // one entry for the batch of villages
			{"program_target", p.ID + "/64.01.01.2002", "delete"},
		} {
			var actions []string
			for _, e := range a.auditEntries(t, "entity="+c.entity+"&entity_id="+url.QueryEscape(c.id)) {
				actions = append(actions, e.Action)
			}
			if strings.Join(actions, ",") != c.actions {
				t.Errorf("%s %s: actions %v, want %s", c.entity, c.id, actions, c.actions)
			}
		}

		// An import is one entry for the batch, with its counts.
		before := len(a.auditEntries(t, ""))
		res = a.importScores(t, "&code_edition=2025", "text/csv",
			"village_code,year,score\n35.15.01.2001,2024,0.61\n35.15.01.2002,2024,0.62\n64.01.01.2010,2024,0.63\n")
		wantStatus(t, "import", res, http.StatusCreated)
		rep := decode[httpapi.ImportReport](t, res)
		all := a.auditEntries(t, "")
		if len(all)-before != 1 || all[0].Entity != "import" || all[0].EntityID != rep.ID || all[0].Action != "import" ||
			!strings.Contains(string(all[0].After), `"inserted":3`) {
			t.Errorf("import added %d entries, newest %+v; want one for import %s with its counts", len(all)-before, all[0], rep.ID)
		}
		if got := len(a.auditEntries(t, "key=indicators")); got != 2 {
			t.Errorf("entries by key indicators = %d, want 2 (the score and the import)", got)
		}
		if got := len(all) - start; got < 6 {
			t.Errorf("only %d entries in all", got)
		}

		// Keys are audited too, and the trail is never answered from a
		// cache: a key made after a read shows at once.
		keys := len(a.auditEntries(t, "entity=key"))
		if _, _, err := auth.NewService(a.s).Create(context.Background(), "late", []auth.Scope{auth.ScopeRead}, nil); err != nil {
			t.Fatal(err)
		}
		if got := a.auditEntries(t, "entity=key"); len(got) != keys+1 || got[0].KeyName != "cli" ||
			!strings.Contains(string(got[0].After), `"name":"late"`) || strings.Contains(string(got[0].After), `"hash"`) {
			t.Errorf("after creating a key: %d key entries (had %d), newest %+v", len(got), keys, got[0])
		}
		// Keys made and revoked over HTTP too, by the admin key.
		res = a.do(t, request{method: http.MethodPost, target: "/v1/keys", key: a.admin,
			body: `{"name":"temp","scopes":["read"]}`})
		wantStatus(t, "POST /v1/keys", res, http.StatusCreated)
		var made struct{ ID string }
		if err := json.Unmarshal(res.body, &made); err != nil {
			t.Fatal(err)
		}
		wantStatus(t, "DELETE /v1/keys/{id}", a.do(t, request{method: http.MethodDelete, target: "/v1/keys/" + made.ID, key: a.admin}), http.StatusNoContent)
		got := a.auditEntries(t, "entity=key&entity_id="+made.ID)
		if len(got) != 2 || got[0].Action != "update" || got[0].KeyName != "admin" || got[1].Action != "create" ||
			!strings.Contains(string(got[0].After), `"revoked_at":"`) {
			t.Errorf("key made and revoked over HTTP: entries %+v", got)
		}

		// CSV has the same columns.
		res = a.do(t, request{target: "/v1/audit?format=csv&entity=region", key: a.admin})
		wantStatus(t, "audit CSV", res, http.StatusOK)
		header, rows := readCSV(t, res)
		if strings.Join(header, ",") != "id,at,key_id,key_name,action,entity,entity_id,before,after,request_id" || len(rows) == 0 {
			t.Errorf("CSV header %v, %d rows", header, len(rows))
		}
	})
}

func TestAuditDenials(t *testing.T) {
	eachEngine(t, func(t *testing.T, a *api) {
		for _, c := range []struct {
			name, target, key string
			status            int
		}{
			{"no key", "/v1/audit", "", http.StatusUnauthorized},
			{"reader", "/v1/audit", a.reader, http.StatusForbidden},
			{"writer", "/v1/audit", a.writer, http.StatusForbidden},
			{"indicators", "/v1/audit", a.indicators, http.StatusForbidden},
			{"bad since", "/v1/audit?since=yesterday", a.admin, http.StatusBadRequest},
			{"until before since", "/v1/audit?since=2025-01-02T00:00:00Z&until=2025-01-01T00:00:00Z", a.admin, http.StatusUnprocessableEntity},
			{"bad limit", "/v1/audit?limit=0", a.admin, http.StatusBadRequest},
			{"unknown entity", "/v1/audit?entity=bogus", a.admin, http.StatusBadRequest},
			{"an unknown entity among known ones", "/v1/audit?entity=key,bogus", a.admin, http.StatusBadRequest},
		} {
			wantStatus(t, c.name, a.do(t, request{target: c.target, key: c.key}), c.status)
		}
		// entity takes a list: any of them.
		keys, regions := len(a.auditEntries(t, "entity=key")), len(a.auditEntries(t, "entity=region"))
		both := a.auditEntries(t, "entity=key,region")
		if keys == 0 || len(both) != keys+regions {
			t.Errorf("entity=key,region: %d entries, want %d keys + %d regions", len(both), keys, regions)
		}
		for _, e := range both {
			if e.Entity != "key" && e.Entity != "region" {
				t.Errorf("entity=key,region gave a %s", e.Entity)
			}
		}
		// No API edits or deletes the trail.
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			wantStatus(t, m+" /v1/audit", a.do(t, request{method: m, target: "/v1/audit", key: a.admin}), http.StatusMethodNotAllowed)
		}
		// Nor can SQL: the table is append-only.
		if _, err := a.s.SQL().ExecContext(context.Background(), "DELETE FROM audit_log"); err == nil {
			t.Error("DELETE FROM audit_log succeeded")
		}
	})
}
