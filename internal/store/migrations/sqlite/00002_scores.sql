-- +goose Up
-- The schema of the PostgreSQL migration of the same number. SQLite has no
-- decimal type: values are REAL and the store rounds them to 4 places on
-- read, which is exact for 4-decimal values of this magnitude.
CREATE TABLE scores (
    village_code   TEXT NOT NULL REFERENCES regions (code),
    framework      TEXT NOT NULL,
    year           INTEGER NOT NULL,
    province_code  TEXT NOT NULL,
    regency_code   TEXT NOT NULL,
    district_code  TEXT NOT NULL,
    iks            REAL,
    ike            REAL,
    ikl            REAL,
    layanan_dasar  REAL,
    sosial         REAL,
    ekonomi        REAL,
    lingkungan     REAL,
    aksesibilitas  REAL,
    tata_kelola    REAL,
    score          REAL,
    status         TEXT,
    derived_status TEXT,
    source         TEXT NOT NULL DEFAULT '',
    import_id      TEXT,
    updated_at     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (village_code, framework, year)
);

CREATE INDEX scores_province ON scores (framework, year, province_code, status);
CREATE INDEX scores_regency ON scores (framework, year, regency_code, status);
CREATE INDEX scores_district ON scores (framework, year, district_code, status);
CREATE INDEX scores_score ON scores (framework, year, score, village_code);

CREATE TABLE imports (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL,
    framework    TEXT NOT NULL DEFAULT '',
    dry_run      BOOLEAN NOT NULL,
    mode         TEXT NOT NULL,
    source       TEXT NOT NULL DEFAULT '',
    code_edition INTEGER NOT NULL,
    format       TEXT NOT NULL,
    rows_total   INTEGER NOT NULL,
    inserted     INTEGER NOT NULL,
    updated      INTEGER NOT NULL,
    unchanged    INTEGER NOT NULL,
    rejected     INTEGER NOT NULL,
    translated   INTEGER NOT NULL,
    applied      BOOLEAN NOT NULL,
    details      TEXT NOT NULL, -- JSON: errors and translations
    key_id       TEXT,
    created_at   DATETIME NOT NULL
);

-- +goose Down
DROP TABLE imports;
DROP TABLE scores;
