// Package seed ships the official reference data the service starts with —
// the Kepmendagri No. 300.2.2-2138 Tahun 2025 regions (38 provinces, 514
// regencies/cities, 7,285 districts, 83,762 villages) as gzipped CSV embedded
// in the binary — and reads it, or a user's file of the same shape, into
// domain values.
package seed

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/desa-api/desa-api/internal/region"
)

//go:embed data/*.csv.gz
var data embed.FS

// RegionFiles are the embedded region files, parents first.
var RegionFiles = []string{"provinces", "regencies", "districts", "villages"}

// Open opens an embedded data set by name (without extension), decompressed.
func Open(name string) (io.ReadCloser, error) {
	f, err := data.Open("data/" + name + ".csv.gz")
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, err
	}
	return readCloser{zr, f}, nil
}

type readCloser struct {
	io.Reader
	f io.Closer
}

func (r readCloser) Close() error { return r.f.Close() }

// Decompress returns r, transparently gunzipped when it starts with the gzip
// magic bytes, so that users may pass either form.
func Decompress(r io.Reader) (io.Reader, error) {
	br := bufio.NewReader(r)
	magic, _ := br.Peek(2)
	if bytes.Equal(magic, []byte{0x1f, 0x8b}) {
		return gzip.NewReader(br)
	}
	return br, nil
}

// Regions reads every embedded region, parents first.
func Regions() ([]region.Region, error) {
	var all []region.Region
	for _, name := range RegionFiles {
		f, err := Open(name)
		if err != nil {
			return nil, err
		}
		rs, err := ReadRegions(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("seed: %s: %w", name, err)
		}
		all = append(all, rs...)
	}
	return all, nil
}

// ReadRegions reads regions from CSV with a header row naming at least
// "code" and "name" (a "type" column, when present, must agree with the
// code; other columns are ignored). Levels may be mixed; each code is
// checked by region.New. It reports every bad line, up to 20.
func ReadRegions(r io.Reader) ([]region.Region, error) {
	r, err := Decompress(r)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheets write a byte-order mark
	}
	codeCol, nameCol, typeCol := slices.Index(header, "code"), slices.Index(header, "name"), slices.Index(header, "type")
	if codeCol < 0 || nameCol < 0 {
		return nil, errors.New(`the header must name the columns "code" and "name"`)
	}
	var (
		out  []region.Region
		errs []error
		seen = map[string]int{} // code → line
	)
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		typ := ""
		if typeCol >= 0 {
			typ = rec[typeCol]
		}
		rg, err := region.New(rec[codeCol], rec[nameCol], typ)
		if err != nil {
			if errs = append(errs, fmt.Errorf("line %d: %w", line, err)); len(errs) == 20 {
				break
			}
			continue
		}
		if first, dup := seen[rg.Code]; dup {
			if errs = append(errs, fmt.Errorf("line %d: code %s repeats line %d", line, rg.Code, first)); len(errs) == 20 {
				break
			}
			continue
		}
		seen[rg.Code] = line
		out = append(out, rg)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// EnsureRegions loads the embedded regions when the database holds none. It
// reports whether it loaded them.
func EnsureRegions(ctx context.Context, svc *region.Service) (bool, error) {
	counts, err := svc.Counts(ctx)
	if err != nil {
		return false, err
	}
	for _, n := range counts {
		if n > 0 {
			return false, nil
		}
	}
	rs, err := Regions()
	if err != nil {
		return false, err
	}
	_, err = svc.Import(ctx, rs)
	return err == nil, err
}
