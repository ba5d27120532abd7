-- +goose Up
-- See the PostgreSQL migration of the same number. SQLite writers are
-- serialised by the database lock, so a one-row counter hands out sequence
-- numbers in commit order; triggers are per row. They delete and insert
-- rather than replace or upsert, because a trigger's conflict clause is
-- overridden by the one of the statement that fired it (the bulk upserts
-- of scores and values).
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    at         DATETIME NOT NULL,
    key_id     TEXT NOT NULL DEFAULT '',
    key_name   TEXT NOT NULL DEFAULT '',
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    request_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_key ON audit_log (key_id, id);
CREATE INDEX audit_log_at ON audit_log (at);
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- +goose StatementEnd

CREATE TABLE changes (
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    seq       INTEGER NOT NULL,
    deleted   BOOLEAN NOT NULL,
    PRIMARY KEY (entity, entity_id)
);
CREATE UNIQUE INDEX changes_by_seq ON changes (seq);
CREATE TABLE changes_seq (id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL);
INSERT INTO changes_seq (id, seq) VALUES (1, 0);

-- +goose StatementBegin
CREATE TRIGGER regions_log_changes_ins AFTER INSERT ON regions BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'region' AND entity_id = NEW.code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'region', NEW.code, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER regions_log_changes_upd AFTER UPDATE ON regions BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.code IS NOT NEW.code;
    DELETE FROM changes WHERE entity = 'region' AND entity_id = OLD.code AND OLD.code IS NOT NEW.code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'region', OLD.code, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.code IS NOT NEW.code;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'region' AND entity_id = NEW.code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'region', NEW.code, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER regions_log_changes_del AFTER DELETE ON regions BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'region' AND entity_id = OLD.code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'region', OLD.code, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER scores_log_changes_ins AFTER INSERT ON scores BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'score' AND entity_id = NEW.village_code || '/' || NEW.framework || '/' || NEW.year;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'score', NEW.village_code || '/' || NEW.framework || '/' || NEW.year, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER scores_log_changes_upd AFTER UPDATE ON scores BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.village_code || '/' || OLD.framework || '/' || OLD.year IS NOT NEW.village_code || '/' || NEW.framework || '/' || NEW.year;
    DELETE FROM changes WHERE entity = 'score' AND entity_id = OLD.village_code || '/' || OLD.framework || '/' || OLD.year AND OLD.village_code || '/' || OLD.framework || '/' || OLD.year IS NOT NEW.village_code || '/' || NEW.framework || '/' || NEW.year;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'score', OLD.village_code || '/' || OLD.framework || '/' || OLD.year, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.village_code || '/' || OLD.framework || '/' || OLD.year IS NOT NEW.village_code || '/' || NEW.framework || '/' || NEW.year;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'score' AND entity_id = NEW.village_code || '/' || NEW.framework || '/' || NEW.year;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'score', NEW.village_code || '/' || NEW.framework || '/' || NEW.year, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER scores_log_changes_del AFTER DELETE ON scores BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'score' AND entity_id = OLD.village_code || '/' || OLD.framework || '/' || OLD.year;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'score', OLD.village_code || '/' || OLD.framework || '/' || OLD.year, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER indicator_values_log_changes_ins AFTER INSERT ON indicator_values BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'indicator_value' AND entity_id = NEW.region_code || '/' || NEW.indicator_code || '/' || NEW.year;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'indicator_value', NEW.region_code || '/' || NEW.indicator_code || '/' || NEW.year, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_values_log_changes_upd AFTER UPDATE ON indicator_values BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.region_code || '/' || OLD.indicator_code || '/' || OLD.year IS NOT NEW.region_code || '/' || NEW.indicator_code || '/' || NEW.year;
    DELETE FROM changes WHERE entity = 'indicator_value' AND entity_id = OLD.region_code || '/' || OLD.indicator_code || '/' || OLD.year AND OLD.region_code || '/' || OLD.indicator_code || '/' || OLD.year IS NOT NEW.region_code || '/' || NEW.indicator_code || '/' || NEW.year;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'indicator_value', OLD.region_code || '/' || OLD.indicator_code || '/' || OLD.year, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.region_code || '/' || OLD.indicator_code || '/' || OLD.year IS NOT NEW.region_code || '/' || NEW.indicator_code || '/' || NEW.year;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'indicator_value' AND entity_id = NEW.region_code || '/' || NEW.indicator_code || '/' || NEW.year;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'indicator_value', NEW.region_code || '/' || NEW.indicator_code || '/' || NEW.year, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicator_values_log_changes_del AFTER DELETE ON indicator_values BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'indicator_value' AND entity_id = OLD.region_code || '/' || OLD.indicator_code || '/' || OLD.year;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'indicator_value', OLD.region_code || '/' || OLD.indicator_code || '/' || OLD.year, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER indicators_log_changes_ins AFTER INSERT ON indicators BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'indicator' AND entity_id = NEW.code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'indicator', NEW.code, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicators_log_changes_upd AFTER UPDATE ON indicators BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.code IS NOT NEW.code;
    DELETE FROM changes WHERE entity = 'indicator' AND entity_id = OLD.code AND OLD.code IS NOT NEW.code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'indicator', OLD.code, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.code IS NOT NEW.code;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'indicator' AND entity_id = NEW.code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'indicator', NEW.code, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER indicators_log_changes_del AFTER DELETE ON indicators BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'indicator' AND entity_id = OLD.code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'indicator', OLD.code, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER agencies_log_changes_ins AFTER INSERT ON agencies BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'agency' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'agency', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_log_changes_upd AFTER UPDATE ON agencies BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.id IS NOT NEW.id;
    DELETE FROM changes WHERE entity = 'agency' AND entity_id = OLD.id AND OLD.id IS NOT NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'agency', OLD.id, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.id IS NOT NEW.id;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'agency' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'agency', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER agencies_log_changes_del AFTER DELETE ON agencies BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'agency' AND entity_id = OLD.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'agency', OLD.id, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER programs_log_changes_ins AFTER INSERT ON programs BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programs_log_changes_upd AFTER UPDATE ON programs BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.id IS NOT NEW.id;
    DELETE FROM changes WHERE entity = 'program' AND entity_id = OLD.id AND OLD.id IS NOT NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program', OLD.id, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.id IS NOT NEW.id;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER programs_log_changes_del AFTER DELETE ON programs BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program' AND entity_id = OLD.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program', OLD.id, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER program_agreements_log_changes_ins AFTER INSERT ON program_agreements BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_agreement' AND entity_id = NEW.program_id || '/' || NEW.position;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_agreement', NEW.program_id || '/' || NEW.position, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_agreements_log_changes_upd AFTER UPDATE ON program_agreements BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.program_id || '/' || OLD.position IS NOT NEW.program_id || '/' || NEW.position;
    DELETE FROM changes WHERE entity = 'program_agreement' AND entity_id = OLD.program_id || '/' || OLD.position AND OLD.program_id || '/' || OLD.position IS NOT NEW.program_id || '/' || NEW.position;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_agreement', OLD.program_id || '/' || OLD.position, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.program_id || '/' || OLD.position IS NOT NEW.program_id || '/' || NEW.position;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_agreement' AND entity_id = NEW.program_id || '/' || NEW.position;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_agreement', NEW.program_id || '/' || NEW.position, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_agreements_log_changes_del AFTER DELETE ON program_agreements BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_agreement' AND entity_id = OLD.program_id || '/' || OLD.position;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_agreement', OLD.program_id || '/' || OLD.position, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER program_parties_log_changes_ins AFTER INSERT ON program_parties BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_party' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_party', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_parties_log_changes_upd AFTER UPDATE ON program_parties BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.id IS NOT NEW.id;
    DELETE FROM changes WHERE entity = 'program_party' AND entity_id = OLD.id AND OLD.id IS NOT NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_party', OLD.id, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.id IS NOT NEW.id;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_party' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_party', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_parties_log_changes_del AFTER DELETE ON program_parties BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_party' AND entity_id = OLD.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_party', OLD.id, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER program_budgets_log_changes_ins AFTER INSERT ON program_budgets BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_budget' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_budget', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_budgets_log_changes_upd AFTER UPDATE ON program_budgets BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.id IS NOT NEW.id;
    DELETE FROM changes WHERE entity = 'program_budget' AND entity_id = OLD.id AND OLD.id IS NOT NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_budget', OLD.id, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.id IS NOT NEW.id;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_budget' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_budget', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_budgets_log_changes_del AFTER DELETE ON program_budgets BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_budget' AND entity_id = OLD.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_budget', OLD.id, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER program_activities_log_changes_ins AFTER INSERT ON program_activities BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_activity' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_activity', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_activities_log_changes_upd AFTER UPDATE ON program_activities BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.id IS NOT NEW.id;
    DELETE FROM changes WHERE entity = 'program_activity' AND entity_id = OLD.id AND OLD.id IS NOT NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_activity', OLD.id, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.id IS NOT NEW.id;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_activity' AND entity_id = NEW.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_activity', NEW.id, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_activities_log_changes_del AFTER DELETE ON program_activities BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_activity' AND entity_id = OLD.id;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_activity', OLD.id, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER program_targets_log_changes_ins AFTER INSERT ON program_targets BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_target' AND entity_id = NEW.program_id || '/' || NEW.village_code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_target', NEW.program_id || '/' || NEW.village_code, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_targets_log_changes_upd AFTER UPDATE ON program_targets BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1 AND OLD.program_id || '/' || OLD.village_code IS NOT NEW.program_id || '/' || NEW.village_code;
    DELETE FROM changes WHERE entity = 'program_target' AND entity_id = OLD.program_id || '/' || OLD.village_code AND OLD.program_id || '/' || OLD.village_code IS NOT NEW.program_id || '/' || NEW.village_code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_target', OLD.program_id || '/' || OLD.village_code, seq, 1 FROM changes_seq WHERE id = 1 AND OLD.program_id || '/' || OLD.village_code IS NOT NEW.program_id || '/' || NEW.village_code;
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_target' AND entity_id = NEW.program_id || '/' || NEW.village_code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_target', NEW.program_id || '/' || NEW.village_code, seq, 0 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER program_targets_log_changes_del AFTER DELETE ON program_targets BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    DELETE FROM changes WHERE entity = 'program_target' AND entity_id = OLD.program_id || '/' || OLD.village_code;
    INSERT INTO changes (entity, entity_id, seq, deleted) SELECT 'program_target', OLD.program_id || '/' || OLD.village_code, seq, 1 FROM changes_seq WHERE id = 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER program_targets_log_changes_ins;
DROP TRIGGER program_targets_log_changes_upd;
DROP TRIGGER program_targets_log_changes_del;
DROP TRIGGER program_activities_log_changes_ins;
DROP TRIGGER program_activities_log_changes_upd;
DROP TRIGGER program_activities_log_changes_del;
DROP TRIGGER program_budgets_log_changes_ins;
DROP TRIGGER program_budgets_log_changes_upd;
DROP TRIGGER program_budgets_log_changes_del;
DROP TRIGGER program_parties_log_changes_ins;
DROP TRIGGER program_parties_log_changes_upd;
DROP TRIGGER program_parties_log_changes_del;
DROP TRIGGER program_agreements_log_changes_ins;
DROP TRIGGER program_agreements_log_changes_upd;
DROP TRIGGER program_agreements_log_changes_del;
DROP TRIGGER programs_log_changes_ins;
DROP TRIGGER programs_log_changes_upd;
DROP TRIGGER programs_log_changes_del;
DROP TRIGGER agencies_log_changes_ins;
DROP TRIGGER agencies_log_changes_upd;
DROP TRIGGER agencies_log_changes_del;
DROP TRIGGER indicators_log_changes_ins;
DROP TRIGGER indicators_log_changes_upd;
DROP TRIGGER indicators_log_changes_del;
DROP TRIGGER indicator_values_log_changes_ins;
DROP TRIGGER indicator_values_log_changes_upd;
DROP TRIGGER indicator_values_log_changes_del;
DROP TRIGGER scores_log_changes_ins;
DROP TRIGGER scores_log_changes_upd;
DROP TRIGGER scores_log_changes_del;
DROP TRIGGER regions_log_changes_ins;
DROP TRIGGER regions_log_changes_upd;
DROP TRIGGER regions_log_changes_del;
DROP TABLE changes_seq;
DROP TABLE changes;
DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP TABLE audit_log;
