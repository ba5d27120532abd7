package store

import (
	"context"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/audit"
	"github.com/desa-api/desa-api/internal/auth"
)

// keyRow is a row of api_keys. The secret itself is never stored.
type keyRow struct {
	ID         string `gorm:"primaryKey"`
	Name       string
	Prefix     string
	Hash       string
	Scopes     string // comma-separated
	Provinces  string // comma-separated; empty: unrestricted
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

func (keyRow) TableName() string { return "api_keys" }

func toKeyRow(k auth.Key, hash string) keyRow {
	scopes := make([]string, len(k.Scopes))
	for i, s := range k.Scopes {
		scopes[i] = string(s)
	}
	return keyRow{ID: k.ID, Name: k.Name, Prefix: k.Prefix, Hash: hash, Scopes: strings.Join(scopes, ","),
		Provinces: strings.Join(k.Provinces, ","), CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, RevokedAt: k.RevokedAt}
}

func (r keyRow) toKey() auth.Key {
	k := auth.Key{ID: r.ID, Name: r.Name, Prefix: r.Prefix, CreatedAt: r.CreatedAt.UTC(), LastUsedAt: utc(r.LastUsedAt), RevokedAt: utc(r.RevokedAt)}
	for _, s := range splitList(r.Scopes) {
		k.Scopes = append(k.Scopes, auth.Scope(s))
	}
	k.Provinces = splitList(r.Provinces)
	return k
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// CreateKey implements auth.Store.
func (s *Store) CreateKey(ctx context.Context, k auth.Key, hash string) error {
	return s.audited(ctx, audit.EntityKey, k.ID, func(tx *Store) error {
		row := toKeyRow(k, hash)
		return translate(tx.with(ctx).Create(&row).Error)
	})
}

// KeyByHash implements auth.Store.
func (s *Store) KeyByHash(ctx context.Context, hash string) (auth.Key, error) {
	var row keyRow
	if err := s.with(ctx).Where("hash = ?", hash).Take(&row).Error; err != nil {
		return auth.Key{}, translate(err)
	}
	return row.toKey(), nil
}

// KeyByID implements auth.Store.
func (s *Store) KeyByID(ctx context.Context, id string) (auth.Key, error) {
	var row keyRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return auth.Key{}, translate(err)
	}
	return row.toKey(), nil
}

// TouchKey implements auth.Store.
func (s *Store) TouchKey(ctx context.Context, id string, at time.Time) error {
	return translate(s.with(ctx).Model(&keyRow{}).Where("id = ?", id).Update("last_used_at", at).Error)
}

// ListKeys implements auth.Store.
func (s *Store) ListKeys(ctx context.Context, f auth.KeyFilter) ([]auth.Key, int, error) {
	var total int64
	if err := s.db.WithContext(ctx).Model(&keyRow{}).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var rows []keyRow
	order := orderBy(map[string]string{"name": "name", "created_at": "created_at"}, f.Sort, "created_at", "id")
	if err := s.db.WithContext(ctx).Clauses(order).Limit(f.Page.Limit).Offset(f.Page.Offset).Find(&rows).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]auth.Key, len(rows))
	for i, r := range rows {
		out[i] = r.toKey()
	}
	return out, int(total), nil
}

// RevokeKey implements auth.Store.
func (s *Store) RevokeKey(ctx context.Context, id string, at time.Time) error {
	return s.audited(ctx, audit.EntityKey, id, func(tx *Store) error {
		db := tx.db.WithContext(ctx)
		res := db.Model(&keyRow{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", at)
		if res.Error != nil || res.RowsAffected > 0 {
			return translate(res.Error)
		}
		var row keyRow // revoked already, or not there
		return translate(db.Select("id").Where("id = ?", id).Take(&row).Error)
	})
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
