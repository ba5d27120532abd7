# desa-api — the commands a newcomer needs. `make run` serves on the embedded
# SQLite default; `make test` runs every test (PostgreSQL tests need
# 127.0.0.1:5432 or TEST_DATABASE_URL).
GO ?= go

.PHONY: run test docs fmt vet lint bench bench-load bench-import soak build fuzz

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

# staticcheck, pinned in go.mod's tool block.
lint:
	$(GO) tool staticcheck ./...

bench:
	$(GO) test -run '^$$' -bench . -benchtime 2000x ./internal/store/

# Load benchmark against PostgreSQL (about 3 minutes): see README, "Load
# benchmark". Extra flags: make bench-load BENCH_ARGS='-d 20s -only a'.
bench-load:
	$(GO) run ./cmd/desa-bench $(BENCH_ARGS)

# Load and soak against PostgreSQL (about 90 s): the real binary, a mixed
# workload; see README, "Load and soak". make soak SOAK_ARGS='-d 5m -c 16'.
soak: build
	$(GO) run ./cmd/desa-bench soak -server bin/desa-api $(SOAK_ARGS)

# Import vs. COPY on PostgreSQL (about 1 minute): see README, "Import
# benchmark". BENCH_RUNS=9 make bench-import for more runs.
bench-import:
	BENCH_IMPORT=1 $(GO) test -count=1 -timeout 30m -run '^TestImportVsCopy$$' -v ./cmd/desa-api/

build:
	CGO_ENABLED=0 $(GO) build -trimpath -o bin/desa-api ./cmd/desa-api

# Each fuzz target briefly (CI runs this); FUZZTIME=5m for a longer hunt.
# CI gives a count, not a duration: a time-boxed run on a loaded machine can
# end in "context deadline exceeded" while a worker is still starting.
FUZZTIME ?= 3000x
# A new input is minimized for at most this long (go test's default is 60 s
# per input, which a target whose executions touch a database can use up).
FUZZMINIMIZETIME ?= 10s
FUZZ_TARGETS = ./internal/region:FuzzParseCode ./internal/auth:FuzzParseBearer ./internal/httpapi:FuzzListQuery ./internal/fixed:FuzzParse \
	./internal/indicator:FuzzImport ./internal/httpapi:FuzzImportBody
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) -fuzzminimizetime $(FUZZMINIMIZETIME) $$pkg || exit 1; \
	done
