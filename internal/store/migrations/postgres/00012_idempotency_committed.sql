-- +goose Up
-- Set in the transaction of the write a claimed Idempotency-Key's request
-- made (with its audit entry): a claim whose write committed is never
-- released, even when the answer then fails, so a retry cannot run twice.
ALTER TABLE idempotency_keys ADD COLUMN committed boolean NOT NULL DEFAULT false;

-- +goose Down
ALTER TABLE idempotency_keys DROP COLUMN committed;
