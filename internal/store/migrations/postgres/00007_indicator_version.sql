-- +goose Up
-- Cached answers depend on the indicator catalogue and values too: every
-- statement that writes them bumps the data version (see 00005).

CREATE TRIGGER indicators_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicators
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER indicator_values_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON indicator_values
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();

-- +goose Down
DROP TRIGGER indicator_values_data_version ON indicator_values;
DROP TRIGGER indicators_data_version ON indicators;
