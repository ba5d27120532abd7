-- +goose Up
-- See the PostgreSQL migration of the same number for the reasoning; this
-- is the same schema in SQLite's dialect. Substring search (q) is a scan
-- here: SQLite is the embedded, single-user default.
CREATE TABLE regions (
    code          TEXT PRIMARY KEY,
    level         TEXT NOT NULL CHECK (level IN ('province', 'regency', 'district', 'village')),
    parent_code   TEXT REFERENCES regions (code),
    name          TEXT NOT NULL,
    type          TEXT CHECK (type IN ('kabupaten', 'kota', 'desa', 'kelurahan', 'desa_adat')),
    province_code TEXT NOT NULL,
    regency_code  TEXT,
    district_code TEXT,
    created_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at    DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE INDEX regions_parent ON regions (parent_code, code);
CREATE INDEX regions_level_province ON regions (level, province_code, code);
CREATE INDEX regions_level_regency ON regions (level, regency_code, code);
CREATE INDEX regions_level_district ON regions (level, district_code, code);
CREATE INDEX regions_level_name ON regions (level, name, code);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    provinces    TEXT NOT NULL DEFAULT '',
    created_at   DATETIME NOT NULL,
    last_used_at DATETIME,
    revoked_at   DATETIME
);

-- +goose Down
DROP TABLE api_keys;
DROP TABLE regions;
