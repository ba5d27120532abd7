-- +goose Up
-- Idempotency-Key claims and the answers they replay. A POST with the header
-- first inserts its row (the primary key makes a concurrent duplicate lose
-- the race), runs, then stores its answer here; a retry with the same key
-- replays it (unless withheld: an answer holding a secret is never kept).
-- Rows are per API key, and purged lazily once expired.
CREATE TABLE idempotency_keys (
    api_key_id   text        NOT NULL,
    idem_key     text        NOT NULL,
    fingerprint  text        NOT NULL,
    status       integer,
    header       text        NOT NULL DEFAULT '',
    withheld     boolean     NOT NULL DEFAULT false,
    body         bytea,
    created_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (api_key_id, idem_key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- +goose Down
DROP TABLE idempotency_keys;
