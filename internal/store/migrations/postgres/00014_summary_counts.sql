-- +goose Up
-- Counts the status distributions read instead of scanning every village:
-- status_counts holds, per framework, year and status, the scores with that
-- status in each province, regency and district; village_counts the villages
-- (all, and desa: type set and not kelurahan) in each. A national
-- distribution then reads 38 regions' rows instead of two index scans of
-- 75,000 entries (about 50 ms of PostgreSQL CPU per request).
--
-- Statement-level triggers with transition tables keep them, set-based: one
-- INSERT … ON CONFLICT per written statement (bulk imports and COPY
-- included), adding each new row's count and taking away each old one's.
-- They run after the data_version triggers, whose row lock serialises
-- writers, so concurrent writers never interleave their increments. Zero
-- counts stay as rows. SQLite keeps counting from the tables themselves
-- (its migration of this number is empty).
CREATE TABLE status_counts (
    framework text NOT NULL,
    year      integer NOT NULL,
    code      text NOT NULL, -- a province, regency or district
    status    text NOT NULL,
    n         integer NOT NULL,
    PRIMARY KEY (framework, year, code, status)
);
INSERT INTO status_counts (framework, year, code, status, n)
    SELECT s.framework, s.year, g.code, s.status, count(*) FROM scores s
        CROSS JOIN LATERAL (VALUES (s.province_code), (s.regency_code), (s.district_code)) AS g (code)
        WHERE s.status IS NOT NULL GROUP BY 1, 2, 3, 4;

CREATE TABLE village_counts (
    code     text PRIMARY KEY, -- a province, regency or district
    villages integer NOT NULL,
    desa     integer NOT NULL  -- type set and not kelurahan: what IDM scores
);
INSERT INTO village_counts (code, villages, desa)
    SELECT g.code, count(*), count(*) FILTER (WHERE v.type <> 'kelurahan') FROM regions v
        CROSS JOIN LATERAL (VALUES (v.province_code), (v.regency_code), (v.district_code)) AS g (code)
        WHERE v.level = 'village' AND g.code IS NOT NULL GROUP BY 1;

-- +goose StatementBegin
-- transition_rows(TG_OP): the rows a statement-level trigger with
-- transition tables old_rows and new_rows adds (sign 1) and takes away
-- (sign -1), as SQL text for EXECUTE (an INSERT trigger has no old_rows).
CREATE FUNCTION transition_rows(op text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE op
        WHEN 'INSERT' THEN 'SELECT n.*, 1 AS sign FROM new_rows n'
        WHEN 'DELETE' THEN 'SELECT o.*, -1 AS sign FROM old_rows o'
        ELSE 'SELECT o.*, -1 AS sign FROM old_rows o UNION ALL SELECT n.*, 1 FROM new_rows n'
    END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION count_statuses() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM status_counts;
        RETURN NULL;
    END IF;
    -- Per district first (a few rows per district instead of one per
    -- score), then each district's counts to its regency and province.
    EXECUTE format('INSERT INTO status_counts AS c (framework, year, code, status, n)
        SELECT d.framework, d.year, g.code, d.status, sum(d.n) FROM (
            SELECT framework, year, province_code, regency_code, district_code, status, sum(sign) AS n
                FROM (%s) t WHERE status IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6) d
            CROSS JOIN LATERAL (VALUES (d.province_code), (d.regency_code), (d.district_code)) AS g (code)
            GROUP BY 1, 2, 3, 4 HAVING sum(d.n) <> 0
        ON CONFLICT (framework, year, code, status) DO UPDATE SET n = c.n + EXCLUDED.n', transition_rows(TG_OP));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION count_villages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM village_counts;
        RETURN NULL;
    END IF;
    EXECUTE format('INSERT INTO village_counts AS c (code, villages, desa)
        SELECT g.code, sum(d.sign), coalesce(sum(d.sign) FILTER (WHERE d.type <> ''kelurahan''), 0) FROM (%s) d
            CROSS JOIN LATERAL (VALUES (d.province_code), (d.regency_code), (d.district_code)) AS g (code)
            WHERE d.level = ''village'' AND g.code IS NOT NULL GROUP BY 1
            HAVING sum(d.sign) <> 0 OR coalesce(sum(d.sign) FILTER (WHERE d.type <> ''kelurahan''), 0) <> 0
        ON CONFLICT (code) DO UPDATE SET villages = c.villages + EXCLUDED.villages, desa = c.desa + EXCLUDED.desa',
        transition_rows(TG_OP));
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER scores_status_counts_ins AFTER INSERT ON scores REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_statuses();
CREATE TRIGGER scores_status_counts_upd AFTER UPDATE ON scores REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_statuses();
CREATE TRIGGER scores_status_counts_del AFTER DELETE ON scores REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_statuses();
CREATE TRIGGER scores_status_counts_trunc AFTER TRUNCATE ON scores
    FOR EACH STATEMENT EXECUTE FUNCTION count_statuses();
CREATE TRIGGER regions_village_counts_ins AFTER INSERT ON regions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_villages();
CREATE TRIGGER regions_village_counts_upd AFTER UPDATE ON regions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_villages();
CREATE TRIGGER regions_village_counts_del AFTER DELETE ON regions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION count_villages();
CREATE TRIGGER regions_village_counts_trunc AFTER TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION count_villages();

-- +goose Down
DROP TRIGGER regions_village_counts_trunc ON regions;
DROP TRIGGER regions_village_counts_del ON regions;
DROP TRIGGER regions_village_counts_upd ON regions;
DROP TRIGGER regions_village_counts_ins ON regions;
DROP TRIGGER scores_status_counts_trunc ON scores;
DROP TRIGGER scores_status_counts_del ON scores;
DROP TRIGGER scores_status_counts_upd ON scores;
DROP TRIGGER scores_status_counts_ins ON scores;
DROP FUNCTION count_villages();
DROP FUNCTION count_statuses();
DROP FUNCTION transition_rows(text);
DROP TABLE village_counts;
DROP TABLE status_counts;
