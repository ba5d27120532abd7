-- +goose Up
-- One number that changes whenever cached answers may change: every
-- statement that writes regions or scores bumps it (a statement-level
-- trigger, so bulk loads bump it once per statement). API replicas read it
-- (one primary-key lookup) to key their caches and ETags, so no replica
-- serves a stale answer after a write made through another.
CREATE TABLE data_version (
    id         integer PRIMARY KEY CHECK (id = 1),
    version    bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_version (id, version) VALUES (1, 1);

-- +goose StatementBegin
CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1, updated_at = now() WHERE id = 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER regions_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER scores_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON scores
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- +goose Down
DROP TRIGGER scores_data_version ON scores;
DROP TRIGGER regions_data_version ON regions;
DROP FUNCTION bump_data_version();
DROP TABLE data_version;
