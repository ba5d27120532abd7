-- +goose Up
-- See the PostgreSQL migration of the same number (per-row triggers here).

-- +goose StatementBegin
CREATE TRIGGER agencies_data_version_ins AFTER INSERT ON agencies
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_data_version_upd AFTER UPDATE ON agencies
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_data_version_del AFTER DELETE ON agencies
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programs_data_version_ins AFTER INSERT ON programs
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programs_data_version_upd AFTER UPDATE ON programs
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programs_data_version_del AFTER DELETE ON programs
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_agreements_data_version_ins AFTER INSERT ON program_agreements
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_agreements_data_version_upd AFTER UPDATE ON program_agreements
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_agreements_data_version_del AFTER DELETE ON program_agreements
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_parties_data_version_ins AFTER INSERT ON program_parties
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_parties_data_version_upd AFTER UPDATE ON program_parties
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_parties_data_version_del AFTER DELETE ON program_parties
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_budgets_data_version_ins AFTER INSERT ON program_budgets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_budgets_data_version_upd AFTER UPDATE ON program_budgets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_budgets_data_version_del AFTER DELETE ON program_budgets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_activities_data_version_ins AFTER INSERT ON program_activities
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_activities_data_version_upd AFTER UPDATE ON program_activities
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_activities_data_version_del AFTER DELETE ON program_activities
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_targets_data_version_ins AFTER INSERT ON program_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_targets_data_version_upd AFTER UPDATE ON program_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_targets_data_version_del AFTER DELETE ON program_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER program_targets_data_version_del;
DROP TRIGGER program_targets_data_version_upd;
DROP TRIGGER program_targets_data_version_ins;
DROP TRIGGER program_activities_data_version_del;
DROP TRIGGER program_activities_data_version_upd;
DROP TRIGGER program_activities_data_version_ins;
DROP TRIGGER program_budgets_data_version_del;
DROP TRIGGER program_budgets_data_version_upd;
DROP TRIGGER program_budgets_data_version_ins;
DROP TRIGGER program_parties_data_version_del;
DROP TRIGGER program_parties_data_version_upd;
DROP TRIGGER program_parties_data_version_ins;
DROP TRIGGER program_agreements_data_version_del;
DROP TRIGGER program_agreements_data_version_upd;
DROP TRIGGER program_agreements_data_version_ins;
DROP TRIGGER programs_data_version_del;
DROP TRIGGER programs_data_version_upd;
DROP TRIGGER programs_data_version_ins;
DROP TRIGGER agencies_data_version_del;
DROP TRIGGER agencies_data_version_upd;
DROP TRIGGER agencies_data_version_ins;
