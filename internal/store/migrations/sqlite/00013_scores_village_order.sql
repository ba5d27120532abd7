-- +goose Up
-- See the PostgreSQL migration of the same number.
DROP INDEX scores_province;
DROP INDEX scores_regency;
DROP INDEX scores_district;
CREATE INDEX scores_province ON scores (framework, year, province_code, status, village_code);
CREATE INDEX scores_regency ON scores (framework, year, regency_code, status, village_code);
CREATE INDEX scores_district ON scores (framework, year, district_code, status, village_code);

-- +goose Down
DROP INDEX scores_province;
DROP INDEX scores_regency;
DROP INDEX scores_district;
CREATE INDEX scores_province ON scores (framework, year, province_code, status);
CREATE INDEX scores_regency ON scores (framework, year, regency_code, status);
CREATE INDEX scores_district ON scores (framework, year, district_code, status);
