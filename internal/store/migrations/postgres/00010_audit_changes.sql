-- +goose Up
-- The audit trail: one entry per write, appended in the transaction of the
-- write by the store (internal/store/audit.go), never updated or deleted.
CREATE TABLE audit_log (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL,
    key_id     text NOT NULL DEFAULT '',
    key_name   text NOT NULL DEFAULT '',
    action     text NOT NULL,
    entity     text NOT NULL,
    entity_id  text NOT NULL,
    before     jsonb,
    after      jsonb,
    request_id text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_key ON audit_log (key_id, id);
CREATE INDEX audit_log_at ON audit_log (at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- The change feed: one row per entity that ever existed, carrying the
-- sequence number of its last change and whether that change deleted it.
-- Statement-level triggers keep it, set-based (one INSERT … SELECT per
-- written statement, bulk imports included). They are named so that they
-- fire after the data_version triggers of 00005-00007, whose row lock
-- serialises writers: sequence numbers are therefore handed out in commit
-- order, and a reader never sees a smaller one appear behind its cursor.
CREATE SEQUENCE changes_seq;
CREATE TABLE changes (
    entity    text NOT NULL,
    entity_id text NOT NULL,
    seq       bigint NOT NULL,
    deleted   boolean NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE UNIQUE INDEX changes_by_seq ON changes (seq);

-- +goose StatementBegin
-- log_changes(entity, id_expression): TG_ARGV[1] is the SQL expression of
-- the entity id over a row of the table.
CREATE FUNCTION log_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        -- a changed key: the old id is gone
        EXECUTE format('INSERT INTO changes (entity, entity_id, seq, deleted)
            SELECT %L, k, nextval(''changes_seq''), true FROM (SELECT %s AS k FROM old_rows EXCEPT SELECT %s FROM new_rows) o
            ON CONFLICT (entity, entity_id) DO UPDATE SET seq = EXCLUDED.seq, deleted = true',
            TG_ARGV[0], TG_ARGV[1], TG_ARGV[1]);
    END IF;
    IF TG_OP = 'DELETE' THEN
        EXECUTE format('INSERT INTO changes (entity, entity_id, seq, deleted)
            SELECT %L, %s, nextval(''changes_seq''), true FROM old_rows
            ON CONFLICT (entity, entity_id) DO UPDATE SET seq = EXCLUDED.seq, deleted = true',
            TG_ARGV[0], TG_ARGV[1]);
    ELSE
        EXECUTE format('INSERT INTO changes (entity, entity_id, seq, deleted)
            SELECT %L, %s, nextval(''changes_seq''), false FROM new_rows
            ON CONFLICT (entity, entity_id) DO UPDATE SET seq = EXCLUDED.seq, deleted = false',
            TG_ARGV[0], TG_ARGV[1]);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER regions_log_changes_ins AFTER INSERT ON regions REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('region', 'code');
CREATE TRIGGER regions_log_changes_upd AFTER UPDATE ON regions REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('region', 'code');
CREATE TRIGGER regions_log_changes_del AFTER DELETE ON regions REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('region', 'code');

CREATE TRIGGER scores_log_changes_ins AFTER INSERT ON scores REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('score', 'village_code || ''/'' || framework || ''/'' || year');
CREATE TRIGGER scores_log_changes_upd AFTER UPDATE ON scores REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('score', 'village_code || ''/'' || framework || ''/'' || year');
CREATE TRIGGER scores_log_changes_del AFTER DELETE ON scores REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('score', 'village_code || ''/'' || framework || ''/'' || year');

CREATE TRIGGER indicator_values_log_changes_ins AFTER INSERT ON indicator_values REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('indicator_value', 'region_code || ''/'' || indicator_code || ''/'' || year');
CREATE TRIGGER indicator_values_log_changes_upd AFTER UPDATE ON indicator_values REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('indicator_value', 'region_code || ''/'' || indicator_code || ''/'' || year');
CREATE TRIGGER indicator_values_log_changes_del AFTER DELETE ON indicator_values REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('indicator_value', 'region_code || ''/'' || indicator_code || ''/'' || year');

CREATE TRIGGER indicators_log_changes_ins AFTER INSERT ON indicators REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('indicator', 'code');
CREATE TRIGGER indicators_log_changes_upd AFTER UPDATE ON indicators REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('indicator', 'code');
CREATE TRIGGER indicators_log_changes_del AFTER DELETE ON indicators REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('indicator', 'code');

CREATE TRIGGER agencies_log_changes_ins AFTER INSERT ON agencies REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('agency', 'id');
CREATE TRIGGER agencies_log_changes_upd AFTER UPDATE ON agencies REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('agency', 'id');
CREATE TRIGGER agencies_log_changes_del AFTER DELETE ON agencies REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('agency', 'id');

CREATE TRIGGER programs_log_changes_ins AFTER INSERT ON programs REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program', 'id');
CREATE TRIGGER programs_log_changes_upd AFTER UPDATE ON programs REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program', 'id');
CREATE TRIGGER programs_log_changes_del AFTER DELETE ON programs REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program', 'id');

CREATE TRIGGER program_agreements_log_changes_ins AFTER INSERT ON program_agreements REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_agreement', 'program_id || ''/'' || position');
CREATE TRIGGER program_agreements_log_changes_upd AFTER UPDATE ON program_agreements REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_agreement', 'program_id || ''/'' || position');
CREATE TRIGGER program_agreements_log_changes_del AFTER DELETE ON program_agreements REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_agreement', 'program_id || ''/'' || position');

CREATE TRIGGER program_parties_log_changes_ins AFTER INSERT ON program_parties REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_party', 'id');
CREATE TRIGGER program_parties_log_changes_upd AFTER UPDATE ON program_parties REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_party', 'id');
CREATE TRIGGER program_parties_log_changes_del AFTER DELETE ON program_parties REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_party', 'id');

CREATE TRIGGER program_budgets_log_changes_ins AFTER INSERT ON program_budgets REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_budget', 'id');
CREATE TRIGGER program_budgets_log_changes_upd AFTER UPDATE ON program_budgets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_budget', 'id');
CREATE TRIGGER program_budgets_log_changes_del AFTER DELETE ON program_budgets REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_budget', 'id');

CREATE TRIGGER program_activities_log_changes_ins AFTER INSERT ON program_activities REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_activity', 'id');
CREATE TRIGGER program_activities_log_changes_upd AFTER UPDATE ON program_activities REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_activity', 'id');
CREATE TRIGGER program_activities_log_changes_del AFTER DELETE ON program_activities REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_activity', 'id');

CREATE TRIGGER program_targets_log_changes_ins AFTER INSERT ON program_targets REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_target', 'program_id || ''/'' || village_code');
CREATE TRIGGER program_targets_log_changes_upd AFTER UPDATE ON program_targets REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_target', 'program_id || ''/'' || village_code');
CREATE TRIGGER program_targets_log_changes_del AFTER DELETE ON program_targets REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION log_changes('program_target', 'program_id || ''/'' || village_code');

-- +goose Down
DROP TRIGGER program_targets_log_changes_ins ON program_targets;
DROP TRIGGER program_targets_log_changes_upd ON program_targets;
DROP TRIGGER program_targets_log_changes_del ON program_targets;
DROP TRIGGER program_activities_log_changes_ins ON program_activities;
DROP TRIGGER program_activities_log_changes_upd ON program_activities;
DROP TRIGGER program_activities_log_changes_del ON program_activities;
DROP TRIGGER program_budgets_log_changes_ins ON program_budgets;
DROP TRIGGER program_budgets_log_changes_upd ON program_budgets;
DROP TRIGGER program_budgets_log_changes_del ON program_budgets;
DROP TRIGGER program_parties_log_changes_ins ON program_parties;
DROP TRIGGER program_parties_log_changes_upd ON program_parties;
DROP TRIGGER program_parties_log_changes_del ON program_parties;
DROP TRIGGER program_agreements_log_changes_ins ON program_agreements;
DROP TRIGGER program_agreements_log_changes_upd ON program_agreements;
DROP TRIGGER program_agreements_log_changes_del ON program_agreements;
DROP TRIGGER programs_log_changes_ins ON programs;
DROP TRIGGER programs_log_changes_upd ON programs;
DROP TRIGGER programs_log_changes_del ON programs;
DROP TRIGGER agencies_log_changes_ins ON agencies;
DROP TRIGGER agencies_log_changes_upd ON agencies;
DROP TRIGGER agencies_log_changes_del ON agencies;
DROP TRIGGER indicators_log_changes_ins ON indicators;
DROP TRIGGER indicators_log_changes_upd ON indicators;
DROP TRIGGER indicators_log_changes_del ON indicators;
DROP TRIGGER indicator_values_log_changes_ins ON indicator_values;
DROP TRIGGER indicator_values_log_changes_upd ON indicator_values;
DROP TRIGGER indicator_values_log_changes_del ON indicator_values;
DROP TRIGGER scores_log_changes_ins ON scores;
DROP TRIGGER scores_log_changes_upd ON scores;
DROP TRIGGER scores_log_changes_del ON scores;
DROP TRIGGER regions_log_changes_ins ON regions;
DROP TRIGGER regions_log_changes_upd ON regions;
DROP TRIGGER regions_log_changes_del ON regions;
DROP FUNCTION log_changes();
DROP TABLE changes;
DROP SEQUENCE changes_seq;
DROP TRIGGER audit_log_append_only ON audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE audit_log;
