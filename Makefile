# desa-api — the commands a newcomer needs. `make run` serves on the embedded
# SQLite default; `make test` runs every test (PostgreSQL tests need
# 127.0.0.1:5432 or TEST_DATABASE_URL).
GO ?= go

.PHONY: run test docs check-docs fmt vet bench bench-load build

run:
	$(GO) run ./cmd/desa-api

test:
	$(GO) test -race -count=1 ./...

docs:
	$(GO) tool swag init --quiet -g doc.go -d internal/httpapi -o docs --outputTypes go,json,yaml
	$(GO) tool swag fmt -d internal/httpapi

fmt:
	gofmt -l -w $$(git ls-files '*.go' | grep -v '^docs/')

vet:
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./internal/store/

# Load benchmark against PostgreSQL (about 3 minutes): see README, "Load
# benchmark". Extra flags: make bench-load BENCH_ARGS='-d 20s -only a'.
bench-load:
	$(GO) run ./cmd/desa-bench $(BENCH_ARGS)

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/desa-api ./cmd/desa-api
