package seed

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/desa-api/desa-api/internal/region"
)

// The Kepmendagri No. 300.2.2-2138 Tahun 2025 totals.
func TestRegionsCounts(t *testing.T) {
	rs, err := Regions()
	if err != nil {
		t.Fatalf("Regions: %v", err)
	}
	levels := map[region.Level]int{}
	types := map[string]int{}
	for _, r := range rs {
		levels[r.Level]++
		if r.Type != "" {
			types[string(r.Level)+" "+r.Type]++
		}
	}
	wantLevels := map[region.Level]int{
		region.LevelProvince: 38,
		region.LevelRegency:  514,
		region.LevelDistrict: 7285,
		region.LevelVillage:  83762,
	}
	if diff := cmp.Diff(wantLevels, levels); diff != "" {
		t.Errorf("regions per level mismatch (-want +got):\n%s", diff)
	}
	wantTypes := map[string]int{
		"regency kabupaten": 416,
		"regency kota":      98,
		"village desa":      75252,
		"village kelurahan": 8496,
		"village desa_adat": 14,
	}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("regions per type mismatch (-want +got):\n%s", diff)
	}
	if len(rs) != 91599 {
		t.Errorf("len(Regions()) = %d, want 91,599", len(rs))
	}
}

// TestRegionsHierarchy checks what ImportRegions relies on: unique codes,
// and every parent present before its children.
func TestRegionsHierarchy(t *testing.T) {
	rs, err := Regions()
	if err != nil {
		t.Fatal(err)
	}
	seen := make(map[string]bool, len(rs))
	var problems []string
	for i, r := range rs {
		switch {
		case seen[r.Code]:
			problems = append(problems, fmt.Sprintf("#%d %s: duplicate code", i, r.Code))
		case r.ParentCode != "" && !seen[r.ParentCode]:
			problems = append(problems, fmt.Sprintf("#%d %s: parent %s missing or listed later", i, r.Code, r.ParentCode))
		case strings.TrimSpace(r.Name) != r.Name || r.Name == "":
			problems = append(problems, fmt.Sprintf("#%d %s: name %q", i, r.Code, r.Name))
		}
		seen[r.Code] = true
		if len(problems) >= 10 {
			break
		}
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func TestReadRegions(t *testing.T) {
	in := "name,type,code,extra\n" +
		"Jawa Timur,,35,x\n" +
		"Kota Surabaya,kota,3578,\n" +
		"\"Karang Pilang, Lama\",,35.78.01,\n" +
		"Nifalo'olauru,,35.78.01.1001,\n"
	want := []region.Region{
		{Code: "35", Level: region.LevelProvince, Name: "Jawa Timur", ProvinceCode: "35"},
		{Code: "35.78", Level: region.LevelRegency, Name: "Kota Surabaya", Type: "kota", ParentCode: "35", ProvinceCode: "35"},
		{Code: "35.78.01", Level: region.LevelDistrict, Name: "Karang Pilang, Lama", ParentCode: "35.78",
			ProvinceCode: "35", RegencyCode: "35.78"},
		{Code: "35.78.01.1001", Level: region.LevelVillage, Name: "Nifalo'olauru", Type: "kelurahan",
			ParentCode: "35.78.01", ProvinceCode: "35", RegencyCode: "35.78", DistrictCode: "35.78.01"},
	}
	got, err := ReadRegions(strings.NewReader(in))
	if err != nil {
		t.Fatalf("ReadRegions: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadRegions mismatch (-want +got):\n%s", diff)
	}

	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	if _, err := io.WriteString(zw, in); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	got, err = ReadRegions(&gz)
	if err != nil {
		t.Fatalf("ReadRegions of gzip input: %v", err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadRegions of gzip input mismatch (-want +got):\n%s", diff)
	}
}

func TestReadRegionsBadLines(t *testing.T) {
	in := "code,name,type\n" +
		"35,Jawa Timur,\n" + // line 2: fine
		"35.7,Bad Width,\n" + // line 3: bad code
		"35.78,Kota Surabaya,kota\n" + // line 4: fine
		"35.79,,\n" + // line 5: no name
		"35.78.01.1001,Warugunung,desa\n" + // line 6: type disagrees
		"35.70,Nowhere,\n" // line 7: regency 70
	_, err := ReadRegions(strings.NewReader(in))
	if err == nil {
		t.Fatal("ReadRegions accepted bad lines")
	}
	var lines []string
	for _, l := range strings.Split(err.Error(), "\n") {
		lines = append(lines, l[:strings.IndexByte(l, ':')])
	}
	if diff := cmp.Diff([]string{"line 3", "line 5", "line 6", "line 7"}, lines); diff != "" {
		t.Errorf("reported lines mismatch (-want +got):\n%s\nerror:\n%v", diff, err)
	}
	for _, part := range []string{"line 3: code: not a Kemendagri code", "line 5: name: is required",
		"line 6: type: code 35.78.01.1001 is a kelurahan, not a desa", "line 7: code: regency number"} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error does not contain %q:\n%v", part, err)
		}
	}
}

func TestReadRegionsStopsAtTwentyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("code,name\n")
	for i := 0; i < 50; i++ {
		b.WriteString("bad,Name\n")
	}
	_, err := ReadRegions(strings.NewReader(b.String()))
	if err == nil {
		t.Fatal("ReadRegions accepted bad lines")
	}
	if n := strings.Count(err.Error(), "line "); n != 20 {
		t.Errorf("ReadRegions reported %d bad lines, want 20", n)
	}
	if !strings.Contains(err.Error(), "line 21:") || strings.Contains(err.Error(), "line 22:") {
		t.Errorf("ReadRegions should report lines 2 to 21:\n%v", err)
	}
}

func TestReadRegionsHeader(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"no code column", "kode,name\n35,Jawa Timur\n", `the header must name the columns "code" and "name"`},
		{"no name column", "code,nama\n35,Jawa Timur\n", `the header must name the columns "code" and "name"`},
		{"no header", "35,Jawa Timur\n", `the header must name the columns "code" and "name"`},
		{"empty input", "", "reading the header: EOF"},
	}
	for _, tt := range tests {
		_, err := ReadRegions(strings.NewReader(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: ReadRegions error = %v, want %q", tt.name, err, tt.want)
		}
	}
	// A ragged row is a CSV error that names its line.
	_, err := ReadRegions(strings.NewReader("code,name\n35,Jawa Timur\n36,Banten,extra\n"))
	var pe *csv.ParseError
	if !errors.As(err, &pe) || pe.Line != 3 {
		t.Errorf("ragged row: ReadRegions error = %v, want a csv.ParseError on line 3", err)
	}
}

func TestOpen(t *testing.T) {
	for _, name := range RegionFiles {
		f, err := Open(name)
		if err != nil {
			t.Fatalf("Open(%s): %v", name, err)
		}
		head := make([]byte, 5)
		if _, err := io.ReadFull(f, head); err != nil || string(head) != "code," {
			t.Errorf("Open(%s) starts %q, %v; want decompressed CSV starting %q", name, head, err, "code,")
		}
		f.Close()
	}
	if _, err := Open("nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(nope) error = %v, want fs.ErrNotExist", err)
	}
}

// TestMatchesSharedData compares the embedded regions with the reference
// files they were made from, where those are present.
func TestMatchesSharedData(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "data")
	if _, err := os.Stat(filepath.Join(dir, "villages.csv")); err != nil {
		t.Skipf("reference data not found at %s (%v): skipping the comparison with shared/data", dir, err)
	}
	rs, err := Regions()
	if err != nil {
		t.Fatal(err)
	}
	embedded := map[string]map[string]string{} // level → code → "parent|name|type"
	for _, r := range rs {
		if embedded[string(r.Level)] == nil {
			embedded[string(r.Level)] = map[string]string{}
		}
		embedded[string(r.Level)][r.Code] = r.ParentCode + "|" + r.Name + "|" + r.Type
	}
	for i, name := range RegionFiles {
		level := region.Levels[i]
		t.Run(name, func(t *testing.T) {
			ref := readReference(t, filepath.Join(dir, name+".csv"))
			compareSets(t, ref, embedded[string(level)])
		})
	}
}

// readReference reads a shared/data region file as code → "parent|name|type".
func readReference(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok {
			return rec[i]
		}
		return ""
	}
	out := make(map[string]string, len(recs)-1)
	for _, rec := range recs[1:] {
		out[get(rec, "code")] = get(rec, "parent_code") + "|" + get(rec, "name") + "|" + get(rec, "type")
	}
	return out
}

// compareSets reports up to ten differences of each sort.
func compareSets(t *testing.T, want, got map[string]string) {
	t.Helper()
	var missing, extra, changed []string
	for code, w := range want {
		g, ok := got[code]
		switch {
		case !ok:
			missing = append(missing, code)
		case g != w:
			changed = append(changed, fmt.Sprintf("%s: reference %q, embedded %q", code, w, g))
		}
	}
	for code := range got {
		if _, ok := want[code]; !ok {
			extra = append(extra, code)
		}
	}
	for _, d := range []struct {
		what string
		list []string
	}{{"missing from the embedded set", missing}, {"not in the reference", extra}, {"different", changed}} {
		if len(d.list) == 0 {
			continue
		}
		sort.Strings(d.list)
		t.Errorf("%d regions %s, e.g.:\n%s", len(d.list), d.what, strings.Join(d.list[:min(10, len(d.list))], "\n"))
	}
	if len(want) == 0 {
		t.Error("the reference file is empty")
	}
}
