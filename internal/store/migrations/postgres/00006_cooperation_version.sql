-- +goose Up
-- Cached answers depend on the cooperation tables too: every statement that
-- writes them bumps the data version (see 00005).

CREATE TRIGGER agencies_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON agencies
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER programs_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON programs
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER program_agreements_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON program_agreements
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER program_parties_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON program_parties
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER program_budgets_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON program_budgets
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER program_activities_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON program_activities
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER program_targets_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON program_targets
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- +goose Down
DROP TRIGGER program_targets_data_version ON program_targets;
DROP TRIGGER program_activities_data_version ON program_activities;
DROP TRIGGER program_budgets_data_version ON program_budgets;
DROP TRIGGER program_parties_data_version ON program_parties;
DROP TRIGGER program_agreements_data_version ON program_agreements;
DROP TRIGGER programs_data_version ON programs;
DROP TRIGGER agencies_data_version ON agencies;
