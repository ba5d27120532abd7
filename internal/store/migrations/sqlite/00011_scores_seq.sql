-- +goose Up
-- See the PostgreSQL migration of the same number: each score carries the
-- sequence number of its last change; the feed reads live scores from here
-- and tombstones from changes. SQLite has one writer at a time, so the
-- numbers follow commit order without further care.
ALTER TABLE scores ADD COLUMN seq INTEGER;
UPDATE scores SET seq = (SELECT c.seq FROM changes c WHERE c.entity = 'score' AND c.deleted = 0
    AND c.entity_id = scores.village_code || '/' || scores.framework || '/' || scores.year);
DELETE FROM changes WHERE entity = 'score' AND deleted = 0;
CREATE INDEX scores_seq ON scores (seq);

DROP TRIGGER scores_log_changes_ins;
DROP TRIGGER scores_log_changes_upd;

-- +goose StatementBegin
CREATE TRIGGER scores_seq_ins AFTER INSERT ON scores BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    UPDATE scores SET seq = (SELECT seq FROM changes_seq WHERE id = 1)
        WHERE village_code = NEW.village_code AND framework = NEW.framework AND year = NEW.year;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER scores_seq_upd AFTER UPDATE OF village_code, framework, year, province_code, regency_code, district_code,
    iks, ike, ikl, layanan_dasar, sosial, ekonomi, lingkungan, aksesibilitas, tata_kelola, score, status,
    derived_status, source, import_id, updated_at ON scores BEGIN
    UPDATE changes_seq SET seq = seq + 1 WHERE id = 1;
    UPDATE scores SET seq = (SELECT seq FROM changes_seq WHERE id = 1)
        WHERE village_code = NEW.village_code AND framework = NEW.framework AND year = NEW.year;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER scores_seq_upd;
DROP TRIGGER scores_seq_ins;
INSERT INTO changes (entity, entity_id, seq, deleted)
    SELECT 'score', village_code || '/' || framework || '/' || year, seq, 0 FROM scores WHERE true
    ON CONFLICT (entity, entity_id) DO UPDATE SET seq = excluded.seq, deleted = 0;
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
DROP INDEX scores_seq;
ALTER TABLE scores DROP COLUMN seq;
