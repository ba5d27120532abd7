# syntax=docker/dockerfile:1
# Multi-stage build: a static, CGO-free binary on a distroless base, run as
# an unprivileged user. Without DATABASE_URL it serves the embedded SQLite
# default from /data (mount a volume there to keep it).
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/desa-api ./cmd/desa-api \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/desa-api /usr/local/bin/desa-api
COPY --from=build --chown=65532:65532 /out/data /data
WORKDIR /data
USER 65532:65532
ENV ADDR=:8080
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/desa-api"]
CMD ["serve"]
