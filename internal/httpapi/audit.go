package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/audit"
)

// AuditEntry is one write as the audit trail keeps it.
type AuditEntry struct {
	ID        int64           `json:"id" validate:"required" example:"42"`
	At        time.Time       `json:"at" validate:"required"`
	KeyID     string          `json:"key_id" validate:"required" example:"0196b1f0-6c1e-7c3a-9d2b-3f4e5a6b7c8d"`
	KeyName   string          `json:"key_name" validate:"required" example:"dpmd-jatim"`
	Action    string          `json:"action" validate:"required" enums:"create,update,delete,import" example:"update"`
	Entity    string          `json:"entity" validate:"required" example:"region"`
	EntityID  string          `json:"entity_id" validate:"required" example:"35.78.01.1001"`
	Before    json.RawMessage `json:"before" validate:"required" swaggertype:"object" extensions:"x-nullable"`
	After     json.RawMessage `json:"after" validate:"required" swaggertype:"object" extensions:"x-nullable"`
	RequestID string          `json:"request_id" validate:"required" example:"f3b1c2d4e5"`
} //	@name	AuditEntry

// AuditList is a page of audit entries, newest first.
type AuditList struct {
	Data []AuditEntry `json:"data" validate:"required"`
	Page Page         `json:"page" validate:"required"`
} //	@name	AuditList

func toAuditEntry(e audit.Entry) AuditEntry {
	return AuditEntry{ID: e.ID, At: e.At, KeyID: e.KeyID, KeyName: e.KeyName, Action: e.Action, Entity: e.Entity,
		EntityID: e.EntityID, Before: e.Before, After: e.After, RequestID: e.RequestID}
}

// timeParam parses an RFC 3339 time parameter; absent is nil.
func (q *query) timeParam(name string) *time.Time {
	s := q.c.QueryParam(name)
	if s == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		q.fail(apperr.BadParam(name, "must be an RFC 3339 time such as 2025-05-08T00:00:00Z, got %q", s))
		return nil
	}
	return &t
}

// listAudit godoc
//
//	@Summary		List the audit trail
//	@Description	Every write — regions, scores, indicator values, indicators, imports (one entry per batch, with its counts), agencies, programs and their parts, keys — appends one entry in the transaction of the write, with the key and request that made it and the stored state before and after. The trail is append-only: no API changes or deletes it. Admin keys only.
//	@Tags			audit
//	@Produce		json,text/csv
//	@Security		BearerKey
//	@Param			entity		query		string	false	"entity type(s), comma = any of: region, score, indicator_value, indicator, agency, program, program_agreement, program_party, program_budget, program_activity, program_target, key, import"
//	@Param			entity_id	query		string	false	"entity id, e.g. 35.78.01.1001 or 35.78.01.1001/idm/2024"
//	@Param			key			query		string	false	"key id or key name"
//	@Param			since		query		string	false	"entries at or after this RFC 3339 time"	example(2025-05-08T00:00:00Z)
//	@Param			until		query		string	false	"entries before this RFC 3339 time"
//	@Param			format		query		string	false	"json or csv (or send Accept: text/csv)"	Enums(json, csv)
//	@Param			fields		query		string	false	"comma-separated fields to return"
//	@Param			limit		query		int		false	"page size, 1–1000"	default(50)
//	@Param			offset		query		int		false	"rows to skip"		default(0)
//	@Success		200			{object}	AuditList
//	@Header			200			{string}	Link	"RFC 8288 links to the first, prev, next and last pages"
//	@Failure		400			{object}	Problem
//	@Failure		401			{object}	Problem
//	@Failure		403			{object}	Problem
//	@Failure		422			{object}	Problem
//	@Router			/v1/audit [get]
func (h *handlers) listAudit(c echo.Context) error {
	q := &query{c: c}
	f := audit.Filter{Entities: q.enum("entity", audit.AuditEntities), EntityID: q.text("entity_id", 200), Key: q.text("key", 200),
		Since: q.timeParam("since"), Until: q.timeParam("until")}
	page := q.page()
	f.Limit, f.Offset = page.Limit, page.Offset
	out := newListOut[AuditEntry](q)
	if q.err != nil {
		return q.err
	}
	es, total, err := h.svc.Audit.Entries(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return out.write(c, convert(es, toAuditEntry), page, total)
}

// Change is one entry of the change feed: an entity's current state, or a
// tombstone for a deleted one.
type Change struct {
	Seq      int64           `json:"seq" validate:"required" example:"1234"`
	Entity   string          `json:"entity" validate:"required" enums:"region,score,indicator_value,indicator,agency,program,program_agreement,program_party,program_budget,program_activity,program_target" example:"score"`
	EntityID string          `json:"entity_id" validate:"required" example:"35.78.01.1001/idm/2024"`
	Deleted  bool            `json:"deleted" validate:"required" example:"false"`
	State    json.RawMessage `json:"state" validate:"required" swaggertype:"object" extensions:"x-nullable"`
} //	@name	Change

// ChangeList is a page of the change feed.
type ChangeList struct {
	Data []Change `json:"data" validate:"required"`
	// NextCursor is the since of the next page (the same cursor when there
	// is nothing new yet).
	NextCursor string `json:"next_cursor" validate:"required" example:"1234"`
	// HasMore tells whether more changes follow right now.
	HasMore bool `json:"has_more" validate:"required" example:"true"`
} //	@name	ChangeList

// listChanges godoc
//
//	@Summary		Read the change feed
//	@Description	The entities changed after a cursor, oldest change first, each once with its current stored state, or as a tombstone (deleted: true, state: null) when it no longer exists. Start with since=0 and pass next_cursor back until has_more is false; replaying every page onto an empty copy (upsert states, delete tombstones) gives exactly the current data, bulk imports and deletions included. Entities: region (id: code), score (village/framework/year), indicator_value (region/indicator/year), indicator, agency, program, program_agreement (program_id/position), program_party, program_budget, program_activity, program_target (program_id/village_code). The state is the stored row: its keys are the database columns.
//	@Tags			audit
//	@Produce		json
//	@Param			since	query		string	false	"cursor: 0 (the start) or a next_cursor"	default(0)
//	@Param			entity	query		string	false	"entity type(s), comma = any of"
//	@Param			limit	query		int		false	"page size, 1–1000"	default(100)
//	@Success		200		{object}	ChangeList
//	@Failure		400		{object}	Problem
//	@Failure		401		{object}	Problem
//	@Router			/v1/changes [get]
func (h *handlers) listChanges(c echo.Context) error {
	q := &query{c: c}
	f := audit.ChangeFilter{Entities: q.enum("entity", audit.FeedEntities), Limit: q.int("limit", 100, 1, maxLimit)}
	if s := c.QueryParam("since"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			q.fail(apperr.BadParam("since", "must be 0 or a next_cursor, got %q", s))
		}
		f.Since = n
	}
	if q.err != nil {
		return q.err
	}
	cs, more, err := h.svc.Audit.Changes(c.Request().Context(), f)
	if err != nil {
		return err
	}
	out := ChangeList{Data: make([]Change, len(cs)), NextCursor: strconv.FormatInt(f.Since, 10), HasMore: more}
	for i, ch := range cs {
		out.Data[i] = Change{Seq: ch.Seq, Entity: ch.Entity, EntityID: ch.EntityID, Deleted: ch.Deleted, State: ch.State}
		out.NextCursor = strconv.FormatInt(ch.Seq, 10)
	}
	return c.JSON(http.StatusOK, out)
}
