package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/audit"
)

// entitySpec says where an audited entity lives: its table, the columns of
// its id (joined by "/" in the entity id) and the columns never shown.
type entitySpec struct {
	table   string
	key     []string
	intKey  map[string]bool
	private []string
	// parts are rows of other tables that belong to the entity's state
	// (a program's agreements and parties): its audit entries show them
	// and its ETag changes with them.
	parts []part
	// cascade are rows of other tables that are entities of their own but
	// go with the entity when it is deleted (a program's budget lines,
	// activities and targets): the delete's entry shows them in before, so
	// that the one entry of the delete records everything it removed.
	cascade []part
}

// part is a table of rows belonging to an entity, by a column holding the
// entity's (single-column) key.
type part struct{ name, table, fk, order string }

var entities = map[string]entitySpec{
	audit.EntityRegion: {table: "regions", key: []string{"code"}},
	// A score's seq is the feed's bookkeeping (migration 00011), not its state.
	audit.EntityScore: {table: "scores", key: []string{"village_code", "framework", "year"}, intKey: map[string]bool{"year": true},
		private: []string{"seq"}},
	audit.EntityIndicatorValue: {table: "indicator_values", key: []string{"region_code", "indicator_code", "year"}, intKey: map[string]bool{"year": true}},
	audit.EntityIndicator:      {table: "indicators", key: []string{"code"}},
	audit.EntityAgency:         {table: "agencies", key: []string{"id"}},
	audit.EntityProgram: {table: "programs", key: []string{"id"}, parts: []part{
		{"agreements", "program_agreements", "program_id", "position"},
		{"parties", "program_parties", "program_id", "id"},
	}, cascade: []part{
		{"budgets", "program_budgets", "program_id", "id"},
		{"activities", "program_activities", "program_id", "id"},
		{"targets", "program_targets", "program_id", "village_code"},
	}},
	audit.EntityAgreement: {table: "program_agreements", key: []string{"program_id", "position"}, intKey: map[string]bool{"position": true}},
	audit.EntityParty:     {table: "program_parties", key: []string{"id"}},
	audit.EntityBudget:    {table: "program_budgets", key: []string{"id"}},
	audit.EntityActivity:  {table: "program_activities", key: []string{"id"}},
	audit.EntityTarget:    {table: "program_targets", key: []string{"program_id", "village_code"}},
	audit.EntityKey:       {table: "api_keys", key: []string{"id"}, private: []string{"hash"}},
	audit.EntityImport:    {table: "imports", key: []string{"id"}, private: []string{"details"}},
}

// keyArgs splits an entity id into the values of the key columns, or
// reports false when it has the wrong shape.
func (e entitySpec) keyArgs(id string) ([]any, bool) {
	parts := strings.SplitN(id, "/", len(e.key))
	if len(parts) != len(e.key) {
		return nil, false
	}
	args := make([]any, len(parts))
	for i, p := range parts {
		if e.intKey[e.key[i]] {
			n, err := strconv.Atoi(p)
			if err != nil {
				return nil, false
			}
			args[i] = n
			continue
		}
		args[i] = p
	}
	return args, true
}

// where is the condition that selects one entity by its key columns.
func (e entitySpec) where() string {
	conds := make([]string, len(e.key))
	for i, c := range e.key {
		conds[i] = c + " = ?"
	}
	return strings.Join(conds, " AND ")
}

// dateColumns are each table's calendar dates: DATE on PostgreSQL, which
// reads them as times, and ISO 8601 text on SQLite. States show them as
// YYYY-MM-DD, as the API does, on both engines.
var dateColumns = map[string][]string{
	"programs":           {"start_date", "end_date"},
	"program_agreements": {"signed_on"},
	"program_activities": {"date"},
}

// state turns a row of the entity's table read into a map into its JSON
// state (see rowState), private columns dropped.
func (e entitySpec) state(m map[string]any) (json.RawMessage, error) {
	for _, c := range e.private {
		delete(m, c)
	}
	return rowState(e.table, m)
}

// rowState turns a row of table read into a map into its JSON state, the
// same on both engines: times in UTC as RFC 3339, dates as YYYY-MM-DD,
// bytes as text. encoding/json sorts the keys, so equal rows give equal
// bytes (and equal ETags).
func rowState(table string, m map[string]any) (json.RawMessage, error) {
	dates := dateColumns[table]
	for k, v := range m {
		if v != nil && slices.Contains(dates, k) {
			var d day // read as the store reads dates, from either engine's form
			if err := d.Scan(v); err != nil {
				return nil, err
			}
			m[k] = string(d)
			continue
		}
		switch v := v.(type) {
		case []byte:
			m[k] = string(v)
		case time.Time:
			m[k] = v.UTC().Format(time.RFC3339Nano)
		}
	}
	return json.Marshal(m)
}

// snapshot returns the current state of an entity, or nil when it does not
// exist. With lock, on PostgreSQL, the row stays locked until the
// transaction ends (SQLite write transactions are exclusive already).
// extra parts are shown beside the entity's own.
func (s *Store) snapshot(ctx context.Context, entity, id string, lock bool, extra ...part) (json.RawMessage, error) {
	spec, ok := entities[entity]
	if !ok {
		return nil, fmt.Errorf("store: %q is not an audited entity", entity)
	}
	args, ok := spec.keyArgs(id)
	if !ok {
		return nil, nil
	}
	q := s.with(ctx).Table(spec.table).Where(spec.where(), args...)
	if lock && s.dialect == Postgres {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var rows []map[string]any
	if err := q.Limit(1).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	for _, p := range append(slices.Clip(spec.parts), extra...) {
		var parts []map[string]any
		err := s.with(ctx).Table(p.table).Where(p.fk+" = ?", args[0]).Order(p.order).Find(&parts).Error
		if err != nil {
			return nil, translate(err)
		}
		states := make([]json.RawMessage, len(parts))
		for i, m := range parts {
			if states[i], err = rowState(p.table, m); err != nil {
				return nil, err
			}
		}
		rows[0][p.name] = states
	}
	return spec.state(rows[0])
}

// etagOfState is the ETag of a state: a strong validator of the stored
// row, so any change to it changes the ETag. "" for no state.
func etagOfState(state json.RawMessage) string {
	if state == nil {
		return ""
	}
	sum := sha256.Sum256(state)
	return `"` + hex.EncodeToString(sum[:12]) + `"`
}

// ETag implements audit.Store.
func (s *Store) ETag(ctx context.Context, entity, id string) (string, error) {
	st, err := s.snapshot(ctx, entity, id, false)
	if err != nil {
		return "", err
	}
	if st == nil {
		return "", apperr.New(apperr.NotFound, "%s %s not found", entity, id)
	}
	return etagOfState(st), nil
}

// audited runs write, a change of one entity, in a transaction that also
// appends its audit entry: the entity's state before (read with its row
// locked) and after, the actor and request from ctx. It is also where a
// request's If-Match is checked — against the locked row, so that of two
// writers holding the same ETag only the first passes. A write that fails
// leaves no entry. A write that changes nothing (its state is the same but
// for the updated_at the write itself set) is undone to a savepoint: it
// leaves no entry, no change-feed entry, no new data version and the same
// ETag, as if it had not run.
//
// Every write method of the store goes through audited (or, for bulk
// writes, records one entry for the batch with record); code in another
// branch adding writes (keys, say) calls it the same way.
func (s *Store) audited(ctx context.Context, entity, id string, write func(tx *Store) error) error {
	return s.auditWrite(ctx, entity, id, false, write)
}

// auditedDelete is audited for the delete of an entity with cascade parts:
// the entry's before shows them beside the entity's own state.
func (s *Store) auditedDelete(ctx context.Context, entity, id string, write func(tx *Store) error) error {
	return s.auditWrite(ctx, entity, id, true, write)
}

func (s *Store) auditWrite(ctx context.Context, entity, id string, cascade bool, write func(tx *Store) error) error {
	return s.InTx(ctx, func(tx *Store) error {
		before, err := tx.snapshot(ctx, entity, id, true)
		if err != nil {
			return err
		}
		// Checked once, by the first write of the entity: its row stays
		// locked until the commit, so later writes in the same transaction
		// (a program's parties, then the program) need no second check.
		if p := audit.PreconditionFor(ctx, entity, id); p != nil && !p.Checked {
			if err := p.Check(etagOfState(before)); err != nil {
				return err
			}
		}
		if cascade && before != nil {
			if before, err = tx.snapshot(ctx, entity, id, false, entities[entity].cascade...); err != nil {
				return err
			}
		}
		if err := tx.exec(ctx, "SAVEPOINT audited"); err != nil {
			return err
		}
		if err := write(tx); err != nil {
			return err
		}
		after, err := tx.snapshot(ctx, entity, id, false)
		if err != nil {
			return err
		}
		action := audit.ActionUpdate
		switch {
		case before == nil && after == nil, before != nil && after != nil && sameState(before, after):
			if err := tx.exec(ctx, "ROLLBACK TO SAVEPOINT audited"); err != nil {
				return err
			}
			return tx.exec(ctx, "RELEASE SAVEPOINT audited")
		case before == nil:
			action = audit.ActionCreate
		case after == nil:
			action = audit.ActionDelete
		}
		if err := tx.exec(ctx, "RELEASE SAVEPOINT audited"); err != nil {
			return err
		}
		return tx.record(ctx, action, entity, id, before, after)
	})
}

// exec runs one statement without arguments.
func (s *Store) exec(ctx context.Context, sql string) error {
	return translate(s.with(ctx).Exec(sql).Error)
}

// sameState reports whether two states of an entity are equal but for
// updated_at, which a write sets whether or not it changes anything.
func sameState(a, b json.RawMessage) bool {
	if string(a) == string(b) {
		return true
	}
	var ma, mb map[string]json.RawMessage
	if json.Unmarshal(a, &ma) != nil || json.Unmarshal(b, &mb) != nil {
		return false
	}
	delete(ma, "updated_at")
	delete(mb, "updated_at")
	if len(ma) != len(mb) {
		return false
	}
	for k, v := range ma {
		if w, ok := mb[k]; !ok || string(v) != string(w) {
			return false
		}
	}
	return true
}

// auditRow is a row of audit_log.
type auditRow struct {
	ID        int64 `gorm:"primaryKey"`
	At        time.Time
	KeyID     string
	KeyName   string
	Action    string
	Entity    string
	EntityID  string
	Before    *string
	After     *string
	RequestID string
}

func (auditRow) TableName() string { return "audit_log" }

func jsonText(m json.RawMessage) *string {
	if m == nil {
		return nil
	}
	s := string(m)
	return &s
}

// record appends one audit entry with the actor ctx carries, and marks the
// request's Idempotency-Key claim committed. It must run in the transaction
// of the write it records.
func (s *Store) record(ctx context.Context, action, entity, id string, before, after json.RawMessage) error {
	a := audit.ActorFrom(ctx)
	row := auditRow{At: time.Now().UTC(), KeyID: a.KeyID, KeyName: a.KeyName, Action: action, Entity: entity,
		EntityID: id, Before: jsonText(before), After: jsonText(after), RequestID: a.RequestID}
	if err := s.with(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	return s.markCommitted(ctx)
}

// AuditEntries implements audit.Store: newest first.
func (s *Store) AuditEntries(ctx context.Context, f audit.Filter) ([]audit.Entry, int, error) {
	q := s.with(ctx).Model(&auditRow{})
	if len(f.Entities) > 0 {
		q = q.Where("entity IN ?", f.Entities)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.Key != "" {
		q = q.Where("key_id = ? OR key_name = ?", f.Key, f.Key)
	}
	if f.Since != nil {
		q = q.Where("at >= ?", f.Since.UTC())
	}
	if f.Until != nil {
		q = q.Where("at < ?", f.Until.UTC())
	}
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []auditRow
	if err := q.Order("id DESC").Limit(f.Limit).Offset(f.Offset).Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]audit.Entry, len(rows))
	for i, r := range rows {
		out[i] = audit.Entry{ID: r.ID, At: r.At.UTC(), KeyID: r.KeyID, KeyName: r.KeyName, Action: r.Action,
			Entity: r.Entity, EntityID: r.EntityID, RequestID: r.RequestID}
		var err error
		if out[i].Before, err = s.storedJSON(r.Before); err != nil {
			return nil, 0, err
		}
		if out[i].After, err = s.storedJSON(r.After); err != nil {
			return nil, 0, err
		}
	}
	return out, int(total), nil
}

// storedJSON returns a state read back from audit_log as the store wrote
// it. SQLite keeps the text; PostgreSQL's jsonb orders object keys its own
// way (shorter keys first) and spaces them, so there the value is encoded
// again as encoding/json writes it: keys sorted, no spaces, numbers as
// they were. Both engines then answer the same bytes.
func (s *Store) storedJSON(text *string) (json.RawMessage, error) {
	if text == nil {
		return nil, nil
	}
	if s.dialect != Postgres {
		return json.RawMessage(*text), nil
	}
	dec := json.NewDecoder(strings.NewReader(*text))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("store: audit state: %w", err)
	}
	return json.Marshal(v)
}

// changeRow is a row of changes, kept by the triggers of migration 00010.
type changeRow struct {
	Entity   string
	EntityID string
	Seq      int64
	Deleted  bool
}

// Changes implements audit.Store: the changes after the cursor, oldest
// first, with each live entity's current state read now (so an entity
// changed twice appears once, at its latest change).
func (s *Store) Changes(ctx context.Context, f audit.ChangeFilter) ([]audit.Change, error) {
	// Live scores carry their own sequence numbers (migration 00011); the
	// changes table holds every other entity and the scores' tombstones.
	logged := s.with(ctx).Table("changes").Select("entity, entity_id, seq, deleted").Where("seq > ?", f.Since)
	if len(f.Entities) > 0 {
		logged = logged.Where("entity IN ?", f.Entities)
	}
	var q *gorm.DB
	if len(f.Entities) == 0 || slices.Contains(f.Entities, audit.EntityScore) {
		scores := s.with(ctx).Table("scores").Where("seq > ?", f.Since).Select("? AS entity, "+
			"village_code || '/' || framework || '/' || year AS entity_id, seq, ? AS deleted", audit.EntityScore, false)
		q = s.with(ctx).Table("(? UNION ALL ?) AS feed", logged, scores)
	} else {
		q = s.with(ctx).Table("(?) AS feed", logged)
	}
	var rows []changeRow
	if err := q.Order("seq").Limit(f.Limit).Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]audit.Change, len(rows))
	// The states of one page are read by entity, one query each.
	byEntity := map[string][]int{}
	for i, r := range rows {
		out[i] = audit.Change{Seq: r.Seq, Entity: r.Entity, EntityID: r.EntityID, Deleted: r.Deleted}
		if !r.Deleted {
			byEntity[r.Entity] = append(byEntity[r.Entity], i)
		}
	}
	for entity, idx := range byEntity {
		states, err := s.states(ctx, entity, out, idx)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			out[i].State = states[out[i].EntityID]
			if out[i].State == nil { // deleted after the page was read
				out[i].Deleted = true
			}
		}
	}
	return out, nil
}

// states reads the current states of the changes at idx, all of entity,
// keyed by entity id.
func (s *Store) states(ctx context.Context, entity string, cs []audit.Change, idx []int) (map[string]json.RawMessage, error) {
	spec, ok := entities[entity]
	if !ok {
		return nil, fmt.Errorf("store: %q is not a feed entity", entity)
	}
	var keys [][]any
	for _, i := range idx {
		if args, ok := spec.keyArgs(cs[i].EntityID); ok {
			keys = append(keys, args)
		}
	}
	out := make(map[string]json.RawMessage, len(keys))
	err := inChunks(keys, func(chunk [][]any) error {
		var q *gorm.DB
		if len(spec.key) == 1 {
			flat := make([]any, len(chunk))
			for i, k := range chunk {
				flat[i] = k[0]
			}
			q = s.with(ctx).Table(spec.table).Where(spec.key[0]+" IN ?", flat)
		} else {
			q = s.with(ctx).Table(spec.table).Where("("+strings.Join(spec.key, ", ")+") IN ?", chunk)
		}
		var rows []map[string]any
		if err := q.Find(&rows).Error; err != nil {
			return translate(err)
		}
		for _, m := range rows {
			parts := make([]string, len(spec.key))
			for i, c := range spec.key {
				parts[i] = fmt.Sprint(m[c])
			}
			st, err := spec.state(m)
			if err != nil {
				return err
			}
			out[strings.Join(parts, "/")] = st
		}
		return nil
	})
	return out, err
}

// deleteParts deletes every row of a program's part table (a program
// document replacing its budgets, say) with one audit entry for the batch:
// entity the part's type, id the program, before the rows deleted.
func (s *Store) deleteParts(ctx context.Context, entity, table, programID string) error {
	return s.InTx(ctx, func(tx *Store) error {
		var rows []map[string]any
		if err := tx.with(ctx).Table(table).Where("program_id = ?", programID).Order("id").Find(&rows).Error; err != nil {
			return translate(err)
		}
		if len(rows) == 0 {
			return nil
		}
		states := make([]json.RawMessage, len(rows))
		for i, m := range rows {
			var err error
			if states[i], err = rowState(table, m); err != nil {
				return err
			}
		}
		if err := tx.with(ctx).Exec("DELETE FROM "+table+" WHERE program_id = ?", programID).Error; err != nil {
			return translate(err)
		}
		before, err := json.Marshal(states)
		if err != nil {
			return err
		}
		return tx.record(ctx, audit.ActionDelete, entity, programID, before, nil)
	})
}
