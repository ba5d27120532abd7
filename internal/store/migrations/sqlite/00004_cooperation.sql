-- +goose Up
-- The schema of the PostgreSQL migration of the same number in SQLite's
-- dialect. Dates are ISO 8601 TEXT (YYYY-MM-DD), which compares and sorts as
-- dates; TEXT rather than DATE so that the driver hands them back as
-- written. Decimal values are REAL, as in scores.
CREATE TABLE agencies (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE, -- imports match agencies by name
    acronym       TEXT NOT NULL DEFAULT '',
    kind          TEXT NOT NULL CHECK (kind IN ('provincial_bureau', 'dinas', 'regency_government', 'ministry',
                                                'university', 'ngo', 'private')),
    province_code TEXT REFERENCES regions (code),
    website       TEXT NOT NULL DEFAULT '',
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE INDEX agencies_province ON agencies (province_code);

CREATE TABLE programs (
    id            TEXT PRIMARY KEY,
    code          TEXT NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL DEFAULT '',
    objective     TEXT NOT NULL DEFAULT '',
    scope         TEXT NOT NULL CHECK (scope IN ('inter_provincial', 'provincial')),
    status        TEXT NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),
    start_date    TEXT NOT NULL,
    end_date      TEXT CHECK (end_date >= start_date),
    framework     TEXT NOT NULL,
    baseline_year INTEGER,
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL
);

CREATE INDEX programs_dates ON programs (start_date, end_date);

CREATE TABLE program_agreements (
    program_id   TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    number       TEXT NOT NULL,
    signed_on    TEXT,
    title        TEXT NOT NULL DEFAULT '',
    document_url TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (program_id, position)
);

-- A party is a province or an agency, never both.
CREATE TABLE program_parties (
    id            TEXT PRIMARY KEY,
    program_id    TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    role          TEXT NOT NULL CHECK (role IN ('lead', 'partner', 'funder', 'implementer')),
    province_code TEXT REFERENCES regions (code),
    agency_id     TEXT REFERENCES agencies (id),
    created_at    DATETIME NOT NULL,
    CHECK ((province_code IS NULL) <> (agency_id IS NULL))
);

-- NULLs are distinct in unique indexes on both engines, so each of these
-- binds only the parties of its kind.
CREATE UNIQUE INDEX program_parties_province ON program_parties (program_id, province_code, role);
CREATE UNIQUE INDEX program_parties_agency ON program_parties (program_id, agency_id, role);
CREATE INDEX program_parties_by_province ON program_parties (province_code);
CREATE INDEX program_parties_by_agency ON program_parties (agency_id);

CREATE TABLE program_budgets (
    id            TEXT PRIMARY KEY,
    program_id    TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    year          INTEGER NOT NULL,
    province_code TEXT REFERENCES regions (code),
    agency_id     TEXT REFERENCES agencies (id),
    kind          TEXT NOT NULL CHECK (kind IN ('planned', 'revised', 'disbursed', 'spent')),
    amount_idr    INTEGER NOT NULL CHECK (amount_idr >= 0),
    source        TEXT NOT NULL CHECK (source IN ('apbd', 'apbn', 'dana_desa', 'csr', 'other')),
    created_at    DATETIME NOT NULL,
    updated_at    DATETIME NOT NULL,
    CHECK ((province_code IS NULL) <> (agency_id IS NULL))
);

CREATE INDEX program_budgets_program ON program_budgets (program_id, year);
CREATE INDEX program_budgets_agency ON program_budgets (agency_id);

CREATE TABLE program_activities (
    id           TEXT PRIMARY KEY,
    program_id   TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    date         TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('rakor', 'kunjungan_kerja', 'pelatihan', 'sosialisasi', 'monitoring', 'other')),
    title        TEXT NOT NULL,
    venue        TEXT NOT NULL DEFAULT '',
    region_code  TEXT REFERENCES regions (code),
    summary      TEXT NOT NULL DEFAULT '',
    participants INTEGER CHECK (participants >= 0),
    created_at   DATETIME NOT NULL,
    updated_at   DATETIME NOT NULL
);

CREATE INDEX program_activities_program ON program_activities (program_id, date);
CREATE INDEX program_activities_region ON program_activities (region_code);

-- A target village with its baseline as recorded when it was added.
CREATE TABLE program_targets (
    program_id      TEXT NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    village_code    TEXT NOT NULL REFERENCES regions (code),
    baseline_year   INTEGER NOT NULL,
    baseline_score  REAL,
    baseline_status TEXT,
    target_status   TEXT,
    target_year     INTEGER,
    created_at      DATETIME NOT NULL,
    PRIMARY KEY (program_id, village_code)
);

CREATE INDEX program_targets_village ON program_targets (village_code);

-- +goose Down
DROP TABLE program_targets;
DROP TABLE program_activities;
DROP TABLE program_budgets;
DROP TABLE program_parties;
DROP TABLE program_agreements;
DROP TABLE programs;
DROP TABLE agencies;
