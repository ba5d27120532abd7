-- +goose Up
-- The village lists filtered by status (GET /v1/villages?province=35&status=maju)
-- join these indexes to the regions in village-code order: with the code as
-- their last column they hand the join its rows already sorted (no sort of
-- every village in the status) and cover the count (index only). Measured on
-- the national data, province 35, maju: the page 1.7 ms -> 0.3 ms, its count
-- 2.5 ms -> 1.9 ms. The status counts of the distributions still read them
-- index only.
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
