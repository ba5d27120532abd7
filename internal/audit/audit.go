// Package audit holds the audit trail and the change feed: who changed
// what (an append-only log with before and after states), and the ordered
// list of changed entities a partner replays to keep a copy in sync. It also
// carries, through a context.Context, what the store needs to record a
// write: the actor (key and request) and the request's If-Match
// precondition, so that handlers and services need not pass them along.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
)

// Actions of audit entries.
const (
	ActionCreate = "create"
	ActionUpdate = "update"
	ActionDelete = "delete"
	ActionImport = "import" // one entry for a whole batch, with its counts
)

// Entity types. Those in FeedEntities appear in the change feed; key and
// import entries appear only in the audit trail.
const (
	EntityRegion          = "region"
	EntityScore           = "score"
	EntityIndicatorValue  = "indicator_value"
	EntityIndicator       = "indicator"
	EntityAgency          = "agency"
	EntityProgram         = "program"
	EntityAgreement       = "program_agreement"
	EntityParty           = "program_party"
	EntityBudget          = "program_budget"
	EntityActivity        = "program_activity"
	EntityTarget          = "program_target"
	EntityKey             = "key"
	EntityImport          = "import"
	EntityRegionsImport   = "regions_import"
	EntityProgramDocument = "program_document"
)

// FeedEntities are the entity types of the change feed, in no particular
// order. Their ids: region code; score "village/framework/year"; indicator
// value "region/indicator/year"; agreement "program_id/position"; target
// "program_id/village_code"; the others their id or code.
var FeedEntities = []string{EntityRegion, EntityScore, EntityIndicatorValue, EntityIndicator, EntityAgency,
	EntityProgram, EntityAgreement, EntityParty, EntityBudget, EntityActivity, EntityTarget}

// AuditEntities are the entity types of the audit trail: the feed's, keys
// and imports.
var AuditEntities = slices.Concat(FeedEntities, []string{EntityKey, EntityImport})

// Actor is who makes a write: the API key (empty for the command line) and
// the request it came with.
type Actor struct {
	KeyID     string
	KeyName   string
	RequestID string
}

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor ctx carries; without one, the command line.
func ActorFrom(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return Actor{KeyName: "cli"}
}

type batchKey struct{}

// Batch marks ctx as a bulk import: the rows it writes are not audited one
// by one; the import records one entry for the batch.
func Batch(ctx context.Context) context.Context { return context.WithValue(ctx, batchKey{}, true) }

// IsBatch reports whether ctx is marked by Batch.
func IsBatch(ctx context.Context) bool { b, _ := ctx.Value(batchKey{}).(bool); return b }

// Precondition is a request's If-Match: the write of the entity it names
// must find that entity's current ETag among ETags ("*": any current
// state). The store checks it in the transaction of the write, with the row
// locked, so two writers holding the same ETag cannot both pass.
//
// An empty IfMatch means the server requires one and none was sent: the
// write fails with PreconditionRequired — in the store too, so that
// authentication, scopes and validation answer first.
//
// With NoneMatch (If-None-Match: *, for a PUT that creates), the write
// passes only if the entity does not exist yet.
type Precondition struct {
	Entity, ID string
	IfMatch    string
	NoneMatch  bool
	// Checked is set by the store once the check ran.
	Checked bool
}

type precondKey struct{}

// WithPrecondition returns ctx carrying p.
func WithPrecondition(ctx context.Context, p *Precondition) context.Context {
	return context.WithValue(ctx, precondKey{}, p)
}

// PreconditionFor returns the precondition ctx carries for the entity, or
// nil.
func PreconditionFor(ctx context.Context, entity, id string) *Precondition {
	p, _ := ctx.Value(precondKey{}).(*Precondition)
	if p == nil || p.Entity != entity || p.ID != id {
		return nil
	}
	return p
}

// Check compares the entity's current ETag ("" when it does not exist) with
// the If-Match list and marks p checked.
func (p *Precondition) Check(current string) error {
	p.Checked = true
	if p.NoneMatch {
		if current != "" {
			return apperr.New(apperr.Precondition, "If-None-Match: *: the %s %s exists already (its ETag is %s)", p.Entity, p.ID, current)
		}
		return nil
	}
	if strings.TrimSpace(p.IfMatch) == "" {
		return apperr.New(apperr.PreconditionRequired,
			"this server requires If-Match on writes: send the ETag of the %s as you read it", p.Entity)
	}
	// If-Match uses the strong comparison (RFC 9110 §13.1.1): a weak tag
	// never matches, and no tag matches a resource that does not exist.
	weak := false
	for _, t := range strings.Split(p.IfMatch, ",") {
		t = strings.TrimSpace(t)
		if strings.HasPrefix(t, "W/") {
			weak = true
			continue
		}
		if current != "" && (t == "*" || StateOf(t) == StateOf(current)) {
			return nil
		}
	}
	switch {
	case current == "":
		return apperr.New(apperr.Precondition, "If-Match: the %s %s does not exist", p.Entity, p.ID)
	case weak:
		return apperr.New(apperr.Precondition, "If-Match: a weak ETag (W/...) never matches, If-Match compares strongly; send the %s's ETag %s", p.Entity, current)
	}
	return apperr.New(apperr.Precondition, "If-Match: the %s %s has changed since (its ETag is now %s)", p.Entity, p.ID, current)
}

// StateOf returns the part of a (strong) ETag that names the stored state
// of a resource. A single resource's GET answers "<state>.<view>", where
// view changes with whatever else the answer shows; writes answer "<state>".
func StateOf(etag string) string {
	t := strings.Trim(strings.TrimSpace(etag), `"`)
	state, _, _ := strings.Cut(t, ".")
	return state
}

// Entry is one audit trail entry.
type Entry struct {
	ID        int64
	At        time.Time
	KeyID     string
	KeyName   string
	Action    string
	Entity    string
	EntityID  string
	Before    json.RawMessage // null for a create or an import
	After     json.RawMessage // null for a delete
	RequestID string
}

// Filter selects audit entries; zero fields do not filter.
type Filter struct {
	Entities      []string // any of these, of AuditEntities
	EntityID, Key string   // Key: key id or name
	Since, Until  *time.Time
	Limit, Offset int
}

// Change is one entry of the change feed: the entity's current state, or a
// tombstone when it was deleted.
type Change struct {
	Seq      int64
	Entity   string
	EntityID string
	Deleted  bool
	State    json.RawMessage // nil for a tombstone
}

// ChangeFilter selects changes after a cursor.
type ChangeFilter struct {
	Since    int64
	Entities []string // any of these, of FeedEntities
	Limit    int
}

// Store is what the audit service needs from storage.
type Store interface {
	AuditEntries(ctx context.Context, f Filter) ([]Entry, int, error)
	Changes(ctx context.Context, f ChangeFilter) ([]Change, error)
	// ETag returns the entity's current ETag, or NotFound.
	ETag(ctx context.Context, entity, id string) (string, error)
}

// Service reads the trail and the feed.
type Service struct{ store Store }

// NewService returns a service over s.
func NewService(s Store) *Service { return &Service{store: s} }

// Entries lists audit entries, newest first.
func (s *Service) Entries(ctx context.Context, f Filter) ([]Entry, int, error) {
	if err := checkEntities(f.Entities, AuditEntities); err != nil {
		return nil, 0, err
	}
	if f.Since != nil && f.Until != nil && f.Until.Before(*f.Since) {
		return nil, 0, apperr.Invalidf("until", "is before since")
	}
	return s.store.AuditEntries(ctx, f)
}

// Changes lists up to f.Limit changes after a cursor, oldest first, and
// whether more follow.
func (s *Service) Changes(ctx context.Context, f ChangeFilter) ([]Change, bool, error) {
	if f.Since < 0 {
		return nil, false, apperr.Field(apperr.BadRequest, "since", "must be a cursor from next_cursor (or 0)")
	}
	if f.Limit < 1 {
		return nil, false, apperr.Field(apperr.BadRequest, "limit", "must be 1 or more")
	}
	if err := checkEntities(f.Entities, FeedEntities); err != nil {
		return nil, false, err
	}
	// One more than asked tells whether more follow: a full page alone
	// does not (the next page may be empty).
	more := f
	more.Limit++
	cs, err := s.store.Changes(ctx, more)
	if err != nil || len(cs) <= f.Limit {
		return cs, false, err
	}
	return cs[:f.Limit], true, nil
}

// checkEntities checks an entity filter against the types allowed.
func checkEntities(entities, allowed []string) error {
	for _, e := range entities {
		if !slices.Contains(allowed, e) {
			return apperr.Field(apperr.BadRequest, "entity", fmt.Sprintf("unknown entity type %q (allowed: %s)", e, strings.Join(allowed, ", ")))
		}
	}
	return nil
}

// ETag returns the current ETag of an entity, or NotFound.
func (s *Service) ETag(ctx context.Context, entity, id string) (string, error) {
	return s.store.ETag(ctx, entity, id)
}
