package seed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/desa-api/desa-api/api"
	"github.com/desa-api/desa-api/internal/cooperation"
)

// ExampleProgram is the embedded program document the service starts with:
// the Kalimantan Timur–Jawa Timur cooperation (api/examples).
const ExampleProgram = "examples/kaltim-jatim.json"

// The JSON shape of a program document. Field names are those of the API's
// bodies; parties and budget lines name an agency by name ("agency"), so
// that a document needs no ids.
type (
	programDoc struct {
		Agencies   []agencyDoc   `json:"agencies"`
		Program    programBody   `json:"program"`
		Activities []activityDoc `json:"activities"`
		Budgets    []budgetDoc   `json:"budgets"`
		Villages   *targetsDoc   `json:"villages"`
	}
	agencyDoc struct {
		Name         string `json:"name"`
		Acronym      string `json:"acronym"`
		Kind         string `json:"kind"`
		ProvinceCode string `json:"province_code"`
		Website      string `json:"website"`
	}
	programBody struct {
		Code         string         `json:"code"`
		Title        string         `json:"title"`
		Summary      string         `json:"summary"`
		Objective    string         `json:"objective"`
		Scope        string         `json:"scope"`
		Status       string         `json:"status"`
		StartDate    string         `json:"start_date"`
		EndDate      string         `json:"end_date"`
		Framework    string         `json:"framework"`
		BaselineYear int            `json:"baseline_year"`
		Agreements   []agreementDoc `json:"agreements"`
		Parties      []partyDoc     `json:"parties"`
	}
	agreementDoc struct {
		Number      string `json:"number"`
		SignedOn    string `json:"signed_on"`
		Title       string `json:"title"`
		DocumentURL string `json:"document_url"`
	}
	partyDoc struct {
		Role         string `json:"role"`
		ProvinceCode string `json:"province_code"`
		Agency       string `json:"agency"`
	}
	activityDoc struct {
		Date         string `json:"date"`
		Kind         string `json:"kind"`
		Title        string `json:"title"`
		Venue        string `json:"venue"`
		RegionCode   string `json:"region_code"`
		Summary      string `json:"summary"`
		Participants *int   `json:"participants"`
	}
	budgetDoc struct {
		Year         int    `json:"year"`
		ProvinceCode string `json:"province_code"`
		Agency       string `json:"agency"`
		Kind         string `json:"kind"`
		AmountIDR    int64  `json:"amount_idr"`
		Source       string `json:"source"`
	}
	targetsDoc struct {
		Codes  []string `json:"codes"`
		Filter *struct {
			Province  string   `json:"province"`
			Regency   string   `json:"regency"`
			District  string   `json:"district"`
			Framework string   `json:"framework"`
			Year      int      `json:"year"`
			Status    []string `json:"status"`
		} `json:"filter"`
		TargetStatus string `json:"target_status"`
		TargetYear   int    `json:"target_year"`
	}
)

// ReadProgram reads a program document (JSON; see api/examples). Unknown
// fields are an error, so that a misspelt field is not silently dropped.
func ReadProgram(r io.Reader) (cooperation.Document, error) {
	var d programDoc
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		return cooperation.Document{}, fmt.Errorf("reading the program document: %w", err)
	}
	if dec.More() {
		return cooperation.Document{}, errors.New("reading the program document: more than one JSON value")
	}
	return d.toDocument(), nil
}

func (d programDoc) toDocument() cooperation.Document {
	p := d.Program
	out := cooperation.Document{Program: cooperation.Program{Code: p.Code, Title: p.Title, Summary: p.Summary,
		Objective: p.Objective, Scope: p.Scope, Status: p.Status, StartDate: p.StartDate, EndDate: p.EndDate,
		Framework: p.Framework, BaselineYear: p.BaselineYear}}
	for _, a := range d.Agencies {
		out.Agencies = append(out.Agencies, cooperation.Agency{Name: a.Name, Acronym: a.Acronym, Kind: a.Kind,
			ProvinceCode: a.ProvinceCode, Website: a.Website})
	}
	for _, a := range p.Agreements {
		out.Program.Agreements = append(out.Program.Agreements, cooperation.Agreement{Number: a.Number,
			SignedOn: a.SignedOn, Title: a.Title, DocumentURL: a.DocumentURL})
	}
	for _, pt := range p.Parties {
		out.Parties = append(out.Parties, cooperation.DocumentParty{Role: pt.Role, ProvinceCode: pt.ProvinceCode, AgencyName: pt.Agency})
	}
	for _, a := range d.Activities {
		out.Activities = append(out.Activities, cooperation.Activity{Date: a.Date, Kind: a.Kind, Title: a.Title,
			Venue: a.Venue, RegionCode: a.RegionCode, Summary: a.Summary, Participants: a.Participants})
	}
	for _, b := range d.Budgets {
		out.Budgets = append(out.Budgets, cooperation.DocumentBudget{AgencyName: b.Agency, Budget: cooperation.Budget{
			Year: b.Year, ProvinceCode: b.ProvinceCode, Kind: b.Kind, AmountIDR: b.AmountIDR, Source: b.Source}})
	}
	if v := d.Villages; v != nil {
		out.Targets = &cooperation.TargetRequest{Codes: v.Codes, TargetStatus: v.TargetStatus, TargetYear: v.TargetYear}
		if f := v.Filter; f != nil {
			out.Targets.Filter = &cooperation.VillageFilter{Province: f.Province, Regency: f.Regency, District: f.District,
				Framework: f.Framework, Year: f.Year, Status: f.Status}
		}
	}
	return out
}

// Example reads the embedded example program document.
func Example() (cooperation.Document, error) {
	f, err := api.Examples.Open(ExampleProgram)
	if err != nil {
		return cooperation.Document{}, err
	}
	defer f.Close()
	return ReadProgram(f)
}

// EnsureProgram imports the embedded example program when no program is
// stored. It reports whether it did, and what the import did.
func EnsureProgram(ctx context.Context, svc *cooperation.Service) (cooperation.ImportResult, bool, error) {
	n, err := svc.CountPrograms(ctx)
	if err != nil || n > 0 {
		return cooperation.ImportResult{}, false, err
	}
	doc, err := Example()
	if err != nil {
		return cooperation.ImportResult{}, false, err
	}
	res, err := svc.Import(ctx, doc)
	if err != nil {
		return res, false, fmt.Errorf("seed %s: %w", strings.TrimPrefix(ExampleProgram, "examples/"), err)
	}
	return res, true, nil
}
