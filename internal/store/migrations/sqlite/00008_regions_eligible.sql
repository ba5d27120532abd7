-- +goose Up
-- See the PostgreSQL migration of the same number.
CREATE INDEX regions_level_type ON regions (level, type, province_code, regency_code, district_code);

-- +goose Down
DROP INDEX regions_level_type;
