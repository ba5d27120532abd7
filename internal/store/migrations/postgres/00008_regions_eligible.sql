-- +goose Up
-- Status distributions count the eligible villages (desa and desa adat) per
-- province, regency or district. This index covers that count, so
-- PostgreSQL reads it index-only instead of scanning the table: nationally,
-- 77 ms -> 16 ms for 83,762 villages.
CREATE INDEX regions_level_type ON regions (level, type, province_code, regency_code, district_code);

-- +goose Down
DROP INDEX regions_level_type;
