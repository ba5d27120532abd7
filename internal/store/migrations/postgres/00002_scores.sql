-- +goose Up
-- One row per (village, framework, year). Values are numeric(10,4): exact,
-- so a score on a status boundary stays on it. The ancestor codes repeat the
-- village's so that aggregates are plain GROUP BYs without a join.
CREATE TABLE scores (
    village_code   text NOT NULL REFERENCES regions (code),
    framework      text NOT NULL,
    year           integer NOT NULL,
    province_code  text NOT NULL,
    regency_code   text NOT NULL,
    district_code  text NOT NULL,
    iks            numeric(10, 4),
    ike            numeric(10, 4),
    ikl            numeric(10, 4),
    layanan_dasar  numeric(10, 4),
    sosial         numeric(10, 4),
    ekonomi        numeric(10, 4),
    lingkungan     numeric(10, 4),
    aksesibilitas  numeric(10, 4),
    tata_kelola    numeric(10, 4),
    score          numeric(10, 4),
    status         text,
    derived_status text,
    source         text NOT NULL DEFAULT '',
    import_id      text,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (village_code, framework, year)
);

CREATE INDEX scores_province ON scores (framework, year, province_code, status);
CREATE INDEX scores_regency ON scores (framework, year, regency_code, status);
CREATE INDEX scores_district ON scores (framework, year, district_code, status);
CREATE INDEX scores_score ON scores (framework, year, score, village_code);

CREATE TABLE imports (
    id           text PRIMARY KEY,
    kind         text NOT NULL,
    framework    text NOT NULL DEFAULT '',
    dry_run      boolean NOT NULL,
    mode         text NOT NULL,
    source       text NOT NULL DEFAULT '',
    code_edition integer NOT NULL,
    format       text NOT NULL,
    rows_total   integer NOT NULL,
    inserted     integer NOT NULL,
    updated      integer NOT NULL,
    unchanged    integer NOT NULL,
    rejected     integer NOT NULL,
    translated   integer NOT NULL,
    applied      boolean NOT NULL,
    details      text NOT NULL, -- JSON: errors and translations
    key_id       text,
    created_at   timestamptz NOT NULL
);

-- +goose Down
DROP TABLE imports;
DROP TABLE scores;
