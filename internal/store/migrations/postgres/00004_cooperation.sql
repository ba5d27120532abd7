-- +goose Up
-- Cooperation programs: agencies, programs with their agreements, parties,
-- budget lines, activities and target villages. Everything below a program
-- goes with it (ON DELETE CASCADE); references to regions and agencies keep
-- a region or agency from being deleted while a program uses it. Dates are
-- DATE here and ISO 8601 TEXT on SQLite; both compare and sort as dates.
CREATE TABLE agencies (
    id            text PRIMARY KEY,
    name          text COLLATE "C" NOT NULL UNIQUE, -- imports match agencies by name
    acronym       text COLLATE "C" NOT NULL DEFAULT '',
    kind          text NOT NULL CHECK (kind IN ('provincial_bureau', 'dinas', 'regency_government', 'ministry',
                                                'university', 'ngo', 'private')),
    province_code text REFERENCES regions (code),
    website       text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE INDEX agencies_province ON agencies (province_code);

CREATE TABLE programs (
    id            text PRIMARY KEY,
    code          text COLLATE "C" NOT NULL UNIQUE,
    title         text COLLATE "C" NOT NULL,
    summary       text NOT NULL DEFAULT '',
    objective     text NOT NULL DEFAULT '',
    scope         text NOT NULL CHECK (scope IN ('inter_provincial', 'provincial')),
    status        text NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'cancelled')),
    start_date    date NOT NULL,
    end_date      date CHECK (end_date >= start_date),
    framework     text NOT NULL,
    baseline_year integer,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);

CREATE INDEX programs_dates ON programs (start_date, end_date);

CREATE TABLE program_agreements (
    program_id   text NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    position     integer NOT NULL,
    number       text NOT NULL,
    signed_on    date,
    title        text NOT NULL DEFAULT '',
    document_url text NOT NULL DEFAULT '',
    PRIMARY KEY (program_id, position)
);

-- A party is a province or an agency, never both.
CREATE TABLE program_parties (
    id            text PRIMARY KEY,
    program_id    text NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    role          text NOT NULL CHECK (role IN ('lead', 'partner', 'funder', 'implementer')),
    province_code text REFERENCES regions (code),
    agency_id     text REFERENCES agencies (id),
    created_at    timestamptz NOT NULL,
    CHECK ((province_code IS NULL) <> (agency_id IS NULL))
);

-- NULLs are distinct in unique indexes on both engines, so each of these
-- binds only the parties of its kind.
CREATE UNIQUE INDEX program_parties_province ON program_parties (program_id, province_code, role);
CREATE UNIQUE INDEX program_parties_agency ON program_parties (program_id, agency_id, role);
CREATE INDEX program_parties_by_province ON program_parties (province_code);
CREATE INDEX program_parties_by_agency ON program_parties (agency_id);

CREATE TABLE program_budgets (
    id            text PRIMARY KEY,
    program_id    text NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    year          integer NOT NULL,
    province_code text REFERENCES regions (code),
    agency_id     text REFERENCES agencies (id),
    kind          text NOT NULL CHECK (kind IN ('planned', 'revised', 'disbursed', 'spent')),
    amount_idr    bigint NOT NULL CHECK (amount_idr >= 0),
    source        text NOT NULL CHECK (source IN ('apbd', 'apbn', 'dana_desa', 'csr', 'other')),
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    CHECK ((province_code IS NULL) <> (agency_id IS NULL))
);

CREATE INDEX program_budgets_program ON program_budgets (program_id, year);
CREATE INDEX program_budgets_agency ON program_budgets (agency_id);

CREATE TABLE program_activities (
    id           text PRIMARY KEY,
    program_id   text NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    date         date NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('rakor', 'kunjungan_kerja', 'pelatihan', 'sosialisasi', 'monitoring', 'other')),
    title        text NOT NULL,
    venue        text NOT NULL DEFAULT '',
    region_code  text REFERENCES regions (code),
    summary      text NOT NULL DEFAULT '',
    participants integer CHECK (participants >= 0),
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL
);

CREATE INDEX program_activities_program ON program_activities (program_id, date);
CREATE INDEX program_activities_region ON program_activities (region_code);

-- A target village with its baseline as recorded when it was added.
CREATE TABLE program_targets (
    program_id      text NOT NULL REFERENCES programs (id) ON DELETE CASCADE,
    village_code    text NOT NULL REFERENCES regions (code),
    baseline_year   integer NOT NULL,
    baseline_score  numeric(10, 4),
    baseline_status text,
    target_status   text,
    target_year     integer,
    created_at      timestamptz NOT NULL,
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
