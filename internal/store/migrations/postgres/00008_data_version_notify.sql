-- +goose Up
-- Every bump of the data version also announces the new number on the
-- channel data_version (delivered at commit). A replica that LISTENs keeps
-- the version in memory and skips the per-request read (see
-- Store.WatchDataVersion); one that does not still reads the table.

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    UPDATE data_version SET version = version + 1, updated_at = now() WHERE id = 1
        RETURNING version INTO v;
    PERFORM pg_notify('data_version', v::text);
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1, updated_at = now() WHERE id = 1;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
