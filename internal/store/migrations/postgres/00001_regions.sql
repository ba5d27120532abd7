-- +goose Up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- One table for all four levels: the code is the natural key, and the
-- ancestor codes are plain columns so that filters and aggregates are
-- plain comparisons and GROUP BYs.
CREATE TABLE regions (
    code          text PRIMARY KEY,
    level         text NOT NULL CHECK (level IN ('province', 'regency', 'district', 'village')),
    parent_code   text REFERENCES regions (code),
    name          text COLLATE "C" NOT NULL, -- byte order, as in SQLite: both engines sort alike
    type          text CHECK (type IN ('kabupaten', 'kota', 'desa', 'kelurahan', 'desa_adat')),
    province_code text NOT NULL,
    regency_code  text,
    district_code text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX regions_parent ON regions (parent_code, code);
CREATE INDEX regions_level_province ON regions (level, province_code, code);
CREATE INDEX regions_level_regency ON regions (level, regency_code, code);
CREATE INDEX regions_level_district ON regions (level, district_code, code);
CREATE INDEX regions_level_name ON regions (level, name, code);
CREATE INDEX regions_name_trgm ON regions USING gin (name gin_trgm_ops);

CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    name         text NOT NULL,
    prefix       text NOT NULL,
    hash         text NOT NULL UNIQUE,
    scopes       text NOT NULL,
    provinces    text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);

-- +goose Down
DROP TABLE api_keys;
DROP TABLE regions;
