# desa-api — the commands a newcomer needs. `make run` serves on the embedded
# SQLite default; `make test` runs every test (PostgreSQL tests need
# 127.0.0.1:5432 or TEST_DATABASE_URL).
GO ?= go

.PHONY: run test docs check-docs fmt vet bench build

run:
	$(GO) run ./cmd/desa-api

test:
	$(GO) test -race -count=1 -timeout 30m ./...

docs:
	$(GO) tool swag init --quiet -g doc.go -d internal/httpapi -o docs --outputTypes go,json,yaml
	$(GO) tool swag fmt -d internal/httpapi

fmt:
	gofmt -l -w $$(git ls-files '*.go' | grep -v '^docs/')

vet:
	$(GO) vet ./...

bench:
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./internal/store/

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/desa-api ./cmd/desa-api
