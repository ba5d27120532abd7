-- +goose Up
-- PostgreSQL keeps status_counts and village_counts (see its migration of
-- this number); SQLite, the small embedded default, counts from the tables
-- themselves. This migration keeps the two folders' numbers in step.
SELECT 1;

-- +goose Down
SELECT 1;
