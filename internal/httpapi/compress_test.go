package httpapi_test

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
)

// TestGzipAnswers: a client that accepts gzip gets a long answer gzipped —
// the same bytes once decompressed, with its own ETag, its Content-Length
// and Vary — and gets it again from the cache, compressed once; its 304 is
// for its own ETag. A client that refuses gzip, a short answer and an
// error are sent as they are.
func TestGzipAnswers(t *testing.T) {
	eachStatsEngine(t, func(t *testing.T, a *statsAPI) {
		for _, tc := range []struct {
			target  string
			counted bool // the stats service answers it: its queries are counted
		}{
			{"/v1/stats/scores?level=regency", true},
			{"/v1/stats/status-distribution?level=district", true},
			{"/v1/villages?limit=1000", false},
			{"/v1/villages?limit=1000&format=csv", false},
		} {
			plain := a.get(t, tc.target, http.StatusOK)
			if len(plain.wire) < 1024 {
				t.Fatalf("GET %s: %d bytes, too short to be gzipped: pick a longer answer", tc.target, len(plain.wire))
			}
			if ce := plain.header.Get("Content-Encoding"); ce != "" {
				t.Errorf("GET %s without Accept-Encoding: Content-Encoding %q", tc.target, ce)
			}
			gz := a.get(t, tc.target, http.StatusOK, "Accept-Encoding", "br, gzip;q=0.8")
			if ce := gz.header.Get("Content-Encoding"); ce != "gzip" {
				t.Fatalf("GET %s accepting gzip: Content-Encoding %q, want gzip", tc.target, ce)
			}
			if !bytes.Equal(gz.body, plain.body) || len(gz.wire) >= len(plain.wire) {
				t.Errorf("GET %s: gzipped %d bytes that decompress to %d, the plain answer %d bytes, equal: %v",
					tc.target, len(gz.wire), len(gz.body), len(plain.wire), bytes.Equal(gz.body, plain.body))
			}
			if cl := gz.header.Get("Content-Length"); cl != strconv.Itoa(len(gz.wire)) {
				t.Errorf("GET %s gzipped: Content-Length %q for %d bytes", tc.target, cl, len(gz.wire))
			}
			if v := gz.header.Get("Vary"); v != "Origin, Accept, Accept-Encoding" {
				t.Errorf("GET %s gzipped: Vary %q", tc.target, v)
			}
			tag, plainTag := gz.header.Get("ETag"), plain.header.Get("ETag")
			if tag == "" || tag == plainTag {
				t.Errorf("GET %s: gzipped ETag %q, plain %q: want two different tags", tc.target, tag, plainTag)
			}

			queries := a.queries.Load()
			again := a.get(t, tc.target, http.StatusOK, "Accept-Encoding", "gzip")
			if !bytes.Equal(again.wire, gz.wire) || again.header.Get("Content-Encoding") != "gzip" || again.header.Get("ETag") != tag {
				t.Errorf("GET %s gzipped again: other bytes or headers than the first time", tc.target)
			}
			if tc.counted && a.queries.Load() != queries {
				t.Errorf("GET %s gzipped again: %d queries, want the cached answer", tc.target, a.queries.Load()-queries)
			}
			if res := a.get(t, tc.target, http.StatusNotModified, "Accept-Encoding", "gzip", "If-None-Match", tag); res.header.Get("ETag") != tag {
				t.Errorf("GET %s 304: ETag %q, want %q", tc.target, res.header.Get("ETag"), tag)
			}
			if res := a.get(t, tc.target, http.StatusOK, "Accept-Encoding", "gzip", "If-None-Match", plainTag); res.header.Get("ETag") != tag {
				t.Errorf("GET %s gzipped, If-None-Match the plain tag: ETag %q, want %q", tc.target, res.header.Get("ETag"), tag)
			}

			refused := a.get(t, tc.target, http.StatusOK, "Accept-Encoding", "gzip;q=0, identity")
			if ce := refused.header.Get("Content-Encoding"); ce != "" || !bytes.Equal(refused.wire, plain.wire) {
				t.Errorf("GET %s refusing gzip: Content-Encoding %q, same bytes as plain: %v", tc.target, ce, bytes.Equal(refused.wire, plain.wire))
			}
		}
		for _, target := range []string{"/v1/provinces/35", "/v1/stats/status-distribution?level=village"} {
			status := http.StatusOK
			if target != "/v1/provinces/35" {
				status = http.StatusUnprocessableEntity
			}
			res := a.get(t, target, status, "Accept-Encoding", "gzip")
			if ce := res.header.Get("Content-Encoding"); ce != "" {
				t.Errorf("GET %s (%d bytes): Content-Encoding %q, want none", target, len(res.wire), ce)
			}
		}
	})
}
