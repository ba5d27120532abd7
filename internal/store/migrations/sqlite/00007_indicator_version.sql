-- +goose Up
-- See the PostgreSQL migration of the same number (per-row triggers here).

-- +goose StatementBegin
CREATE TRIGGER indicators_data_version_ins AFTER INSERT ON indicators
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicators_data_version_upd AFTER UPDATE ON indicators
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicators_data_version_del AFTER DELETE ON indicators
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_values_data_version_ins AFTER INSERT ON indicator_values
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_values_data_version_upd AFTER UPDATE ON indicator_values
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_values_data_version_del AFTER DELETE ON indicator_values
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER indicator_values_data_version_del;
DROP TRIGGER indicator_values_data_version_upd;
DROP TRIGGER indicator_values_data_version_ins;
DROP TRIGGER indicators_data_version_del;
DROP TRIGGER indicators_data_version_upd;
DROP TRIGGER indicators_data_version_ins;
