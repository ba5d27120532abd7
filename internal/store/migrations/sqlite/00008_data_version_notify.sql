-- +goose Up
-- PostgreSQL only (notifications of the data version); SQLite serves one
-- process, which reads the version from the table.
SELECT 1;

-- +goose Down
SELECT 1;
