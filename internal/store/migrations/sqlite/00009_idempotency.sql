-- +goose Up
-- Idempotency-Key claims and the answers they replay. A POST with the header
-- first inserts its row (the primary key makes a concurrent duplicate lose
-- the race), runs, then stores its answer here; a retry with the same key
-- replays it (unless withheld: an answer holding a secret is never kept).
-- Rows are per API key, and purged lazily once expired.
CREATE TABLE idempotency_keys (
    api_key_id   TEXT        NOT NULL,
    idem_key     TEXT        NOT NULL,
    fingerprint  TEXT        NOT NULL,
    status       INTEGER,
    header       TEXT        NOT NULL DEFAULT '',
    withheld     BOOLEAN     NOT NULL DEFAULT 0,
    body         BLOB,
    created_at   DATETIME    NOT NULL,
    expires_at   DATETIME    NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- +goose Down
DROP TABLE idempotency_keys;
