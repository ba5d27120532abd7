-- +goose Up
-- See the PostgreSQL migration of the same number. SQLite triggers are per
-- row, so each written row bumps the version (a few microseconds each).
CREATE TABLE data_version (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL,
    updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO data_version (id, version) VALUES (1, 1);

-- +goose StatementBegin
CREATE TRIGGER regions_data_version_ins AFTER INSERT ON regions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER regions_data_version_upd AFTER UPDATE ON regions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER regions_data_version_del AFTER DELETE ON regions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER scores_data_version_ins AFTER INSERT ON scores
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER scores_data_version_upd AFTER UPDATE ON scores
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER scores_data_version_del AFTER DELETE ON scores
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER scores_data_version_del;
DROP TRIGGER scores_data_version_upd;
DROP TRIGGER scores_data_version_ins;
DROP TRIGGER regions_data_version_del;
DROP TRIGGER regions_data_version_upd;
DROP TRIGGER regions_data_version_ins;
DROP TABLE data_version;
