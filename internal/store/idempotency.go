package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm/clause"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/idempotency"
)

// idempotencyRow is a row of idempotency_keys. Status is NULL while the
// claiming request runs; Header is the JSON of the answer's saved headers.
type idempotencyRow struct {
	APIKeyID    string `gorm:"primaryKey"`
	IdemKey     string `gorm:"primaryKey"`
	Fingerprint string
	Status      *int
	Header      string
	Body        []byte
	Withheld    bool
	Committed   bool
	CreatedAt   time.Time
	ExpiresAt   time.Time
}

func (idempotencyRow) TableName() string { return "idempotency_keys" }

func (r idempotencyRow) toRecord() (idempotency.Record, error) {
	out := idempotency.Record{APIKeyID: r.APIKeyID, Key: r.IdemKey, Fingerprint: r.Fingerprint, Body: r.Body,
		Withheld: r.Withheld, Committed: r.Committed, CreatedAt: r.CreatedAt.UTC(), ExpiresAt: r.ExpiresAt.UTC()}
	if r.Status != nil {
		out.Status = *r.Status
	}
	if r.Header != "" {
		if err := json.Unmarshal([]byte(r.Header), &out.Header); err != nil {
			return idempotency.Record{}, err
		}
	}
	return out, nil
}

// ClaimIdempotency implements idempotency.Store. The insert relies on the
// primary key: of two concurrent claims of one key, one inserts and the
// other finds its row.
func (s *Store) ClaimIdempotency(ctx context.Context, r idempotency.Record) (idempotency.Record, bool, error) {
	db := s.db.WithContext(ctx)
	where := "api_key_id = ? AND idem_key = ?"
	if err := db.Where(where+" AND expires_at <= ?", r.APIKeyID, r.Key, r.CreatedAt).Delete(&idempotencyRow{}).Error; err != nil {
		return idempotency.Record{}, false, translate(err)
	}
	// A holder may release its claim between our insert and our read; then
	// the key is free again and the next round claims it.
	for range 3 {
		row := idempotencyRow{APIKeyID: r.APIKeyID, IdemKey: r.Key, Fingerprint: r.Fingerprint,
			CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt}
		res := db.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return idempotency.Record{}, false, translate(res.Error)
		}
		if res.RowsAffected == 1 {
			return r, true, nil
		}
		var held idempotencyRow
		err := db.Where(where, r.APIKeyID, r.Key).Take(&held).Error
		if err == nil {
			rec, err := held.toRecord()
			return rec, false, err
		}
		if err = translate(err); !apperr.Is(err, apperr.NotFound) {
			return idempotency.Record{}, false, err
		}
	}
	return idempotency.Record{}, false, apperr.New(apperr.Conflict, "the Idempotency-Key is being claimed and released concurrently; retry in a moment")
}

// FinishIdempotency implements idempotency.Store.
func (s *Store) FinishIdempotency(ctx context.Context, r idempotency.Record) error {
	h, err := json.Marshal(r.Header)
	if err != nil {
		return err
	}
	var body any // NULL, not an empty blob, for no body
	if r.Body != nil {
		body = r.Body
	}
	return translate(s.db.WithContext(ctx).Model(&idempotencyRow{}).Where("api_key_id = ? AND idem_key = ?", r.APIKeyID, r.Key).
		Updates(map[string]any{"status": r.Status, "header": string(h), "body": body, "withheld": r.Withheld}).Error)
}

// ReleaseIdempotency implements idempotency.Store: a claim whose write
// committed stays.
func (s *Store) ReleaseIdempotency(ctx context.Context, apiKeyID, key string) error {
	return translate(s.db.WithContext(ctx).Where("api_key_id = ? AND idem_key = ? AND status IS NULL AND NOT committed", apiKeyID, key).
		Delete(&idempotencyRow{}).Error)
}

// markCommitted marks the claim ctx carries (if any) committed. It runs in
// the transaction of a write, by record: every write that changes anything
// records an audit entry, so the mark commits exactly when a change does.
func (s *Store) markCommitted(ctx context.Context) error {
	c, ok := idempotency.ClaimFrom(ctx)
	if !ok {
		return nil
	}
	return translate(s.with(ctx).Model(&idempotencyRow{}).Where("api_key_id = ? AND idem_key = ?", c.APIKeyID, c.Key).
		Update("committed", true).Error)
}

// PurgeIdempotency implements idempotency.Store.
func (s *Store) PurgeIdempotency(ctx context.Context, t time.Time) error {
	return translate(s.db.WithContext(ctx).Where("expires_at <= ?", t).Delete(&idempotencyRow{}).Error)
}
