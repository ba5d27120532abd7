package cooperation

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/desa-api/desa-api/internal/apperr"
	"github.com/desa-api/desa-api/internal/indicator"
	"github.com/desa-api/desa-api/internal/region"
	"github.com/desa-api/desa-api/internal/text"
)

// The rules here are pure: they see only their arguments. Existence checks
// (does the province, agency or region exist?) are the Service's, since
// they need the database.

// DateLayout is the one date format of the API: an ISO 8601 calendar date.
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date, rejecting impossible days (2025-02-30).
func ParseDate(s string) (time.Time, error) {
	if len(s) != len(DateLayout) {
		return time.Time{}, fmt.Errorf("must be a date as YYYY-MM-DD, got %q", s)
	}
	t, err := time.Parse(DateLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("must be a real date as YYYY-MM-DD, got %q", s)
	}
	return t, nil
}

func checkDate(errs *apperr.Fields, field, s string, required bool) {
	if s == "" {
		if required {
			errs.Add(field, "is required (YYYY-MM-DD)")
		}
		return
	}
	if _, err := ParseDate(s); err != nil {
		errs.Add(field, "%s", err)
	}
}

func checkEnum(errs *apperr.Fields, field, v string, allowed []string) {
	if v == "" {
		errs.Add(field, "is required (one of %s)", strings.Join(allowed, ", "))
	} else if !slices.Contains(allowed, v) {
		errs.Add(field, "unknown value %q (allowed: %s)", v, strings.Join(allowed, ", "))
	}
}

// checkText checks one line of text: a name, a title, a number.
func checkText(errs *apperr.Fields, field, v string, required bool, max int) {
	checkTextWith(errs, field, v, required, max, text.CheckLine)
}

// checkProse checks text that may run over several lines: a summary, an
// objective.
func checkProse(errs *apperr.Fields, field, v string, required bool, max int) {
	checkTextWith(errs, field, v, required, max, text.CheckLines)
}

func checkTextWith(errs *apperr.Fields, field, v string, required bool, max int, check func(string) error) {
	switch {
	case v == "" && required:
		errs.Add(field, "is required")
	case len(v) > max:
		errs.Add(field, "is longer than %d bytes", max)
	default:
		if err := check(v); err != nil {
			errs.Add(field, "%s", err)
		}
	}
}

// checkID checks an id given to refer to a stored thing (an agency): the
// lookup would fail on text the database cannot hold.
func checkID(errs *apperr.Fields, field, v string) {
	if err := text.CheckLine(v); err != nil {
		errs.Add(field, "%s", err)
	}
}

func checkURL(errs *apperr.Fields, field, v string) {
	if v == "" {
		return
	}
	if err := text.CheckLine(v); err != nil {
		errs.Add(field, "%s", err)
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs.Add(field, "must be an absolute http or https URL, got %q", v)
	} else if len(v) > 500 {
		errs.Add(field, "is longer than 500 bytes")
	}
}

// provinceCode normalises an optional province code; "" stays "".
func provinceCode(errs *apperr.Fields, field, v string) string {
	if v == "" {
		return ""
	}
	code, err := region.ParseCodeAt(v, region.LevelProvince)
	if err != nil {
		errs.Add(field, "%s", err.(*apperr.Error).Message)
		return v
	}
	return code
}

// NewAgency normalises an agency and checks its fields: a name, a known
// kind, a well-formed province code and website when given.
func NewAgency(a Agency) (Agency, error) {
	var errs apperr.Fields
	a.Name, a.Acronym, a.Website = strings.TrimSpace(a.Name), strings.TrimSpace(a.Acronym), strings.TrimSpace(a.Website)
	checkText(&errs, "name", a.Name, true, 200)
	checkText(&errs, "acronym", a.Acronym, false, 50)
	checkEnum(&errs, "kind", a.Kind, AgencyKinds)
	a.ProvinceCode = provinceCode(&errs, "province_code", strings.TrimSpace(a.ProvinceCode))
	checkURL(&errs, "website", a.Website)
	return a, errs.Err()
}

var slug = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// NewProgram normalises a program and checks its own fields and
// agreements: a slug code, a title, known scope, status and framework, real
// dates with the end not before the start, and a baseline year the
// framework has scores for. The parties are checked by PartyRules.
func NewProgram(p Program) (Program, error) {
	var errs apperr.Fields
	p.Code, p.Title = strings.TrimSpace(p.Code), strings.TrimSpace(p.Title)
	p.Summary, p.Objective = strings.TrimSpace(p.Summary), strings.TrimSpace(p.Objective)
	switch {
	case p.Code == "":
		errs.Add("code", "is required: a slug such as kaltim-jatim-desa-berdaya")
	case len(p.Code) > 100:
		errs.Add("code", "is longer than 100 bytes")
	case !slug.MatchString(p.Code):
		errs.Add("code", "must be a slug: lowercase letters and digits in words joined by single hyphens, got %q", p.Code)
	}
	checkText(&errs, "title", p.Title, true, 300)
	checkProse(&errs, "summary", p.Summary, false, 5000)
	checkProse(&errs, "objective", p.Objective, false, 5000)
	checkEnum(&errs, "scope", p.Scope, Scopes)
	checkEnum(&errs, "status", p.Status, ProgramStatuses)
	checkDate(&errs, "start_date", p.StartDate, true)
	checkDate(&errs, "end_date", p.EndDate, false)
	if _, err := ParseDate(p.StartDate); err == nil && p.EndDate != "" && p.EndDate < p.StartDate {
		if _, err := ParseDate(p.EndDate); err == nil {
			errs.Add("end_date", "%s is before start_date %s", p.EndDate, p.StartDate)
		}
	}
	if p.Framework == "" {
		p.Framework = "idm"
	}
	if f, err := indicator.FrameworkByCode(p.Framework); err != nil {
		errs.Add("framework", "%s", err.(*apperr.Error).Message)
	} else if p.BaselineYear != 0 {
		if first, last := f.Years(); p.BaselineYear < first || p.BaselineYear > last {
			errs.Add("baseline_year", "%s has scores for %d–%d, not %d", f.Code, first, last, p.BaselineYear)
		}
	}
	for i := range p.Agreements {
		a := &p.Agreements[i]
		field := fmt.Sprintf("agreements[%d].", i)
		a.Number, a.Title, a.DocumentURL = strings.TrimSpace(a.Number), strings.TrimSpace(a.Title), strings.TrimSpace(a.DocumentURL)
		checkText(&errs, field+"number", a.Number, true, 200)
		checkText(&errs, field+"title", a.Title, false, 300)
		checkDate(&errs, field+"signed_on", a.SignedOn, false)
		checkURL(&errs, field+"document_url", a.DocumentURL)
	}
	if len(p.Agreements) > 100 {
		errs.Add("agreements", "has more than 100 entries")
	}
	return p, errs.Err()
}

// NewParty normalises one party and checks its own fields; field prefixes
// the names it reports ("parties[2]." or "").
func NewParty(p Party, field string) (Party, error) {
	var errs apperr.Fields
	checkEnum(&errs, field+"role", p.Role, Roles)
	p.ProvinceCode, p.AgencyID = strings.TrimSpace(p.ProvinceCode), strings.TrimSpace(p.AgencyID)
	switch {
	case p.ProvinceCode == "" && p.AgencyID == "":
		errs.Add(field+"province_code", "a party is a province (province_code) or an agency (agency_id): give one")
	case p.ProvinceCode != "" && p.AgencyID != "":
		errs.Add(field+"agency_id", "a party is a province or an agency, not both: give province_code or agency_id")
	default:
		p.ProvinceCode = provinceCode(&errs, field+"province_code", p.ProvinceCode)
		checkID(&errs, field+"agency_id", p.AgencyID)
	}
	return p, errs.Err()
}

// Rule names, for callers that name a field after the rule broken.
const (
	RuleOneLead      = "one_lead"
	RuleTwoProvinces = "two_provinces"
	RuleDistinct     = "distinct"
)

// Violation is a broken rule of a program's set of parties.
type Violation struct {
	Rule    string
	Message string
}

// PartyRules checks a program's parties as a whole: exactly one lead; no
// province or agency twice in the same role; and an inter-provincial
// program has at least two distinct provinces among its parties, where an
// agency counts with its province. Parties must carry AgencyProvince.
func PartyRules(scope string, parties []Party) []Violation {
	var out []Violation
	leads := 0
	provinces := map[string]bool{}
	type key struct{ who, role string }
	seen := map[key]bool{}
	for _, p := range parties {
		if p.Role == RoleLead {
			leads++
		}
		if prov := p.Province(); prov != "" {
			provinces[prov] = true
		}
		k := key{"province " + p.ProvinceCode, p.Role}
		if p.AgencyID != "" {
			k.who = "agency " + p.AgencyID
		}
		if seen[k] {
			out = append(out, Violation{RuleDistinct, fmt.Sprintf("%s is a %s twice", k.who, k.role)})
		}
		seen[k] = true
	}
	if leads != 1 {
		out = append(out, Violation{RuleOneLead, fmt.Sprintf("a program has exactly one lead party, this one would have %d", leads)})
	}
	if scope == ScopeInterProvincial && len(provinces) < 2 {
		list := make([]string, 0, len(provinces))
		for p := range provinces {
			list = append(list, p)
		}
		slices.Sort(list)
		out = append(out, Violation{RuleTwoProvinces, fmt.Sprintf(
			"an inter_provincial program has parties in at least two distinct provinces (an agency counts with its province_code), this one would have %d%s",
			len(list), listSuffix(list))})
	}
	return out
}

func listSuffix(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return " (" + strings.Join(list, ", ") + ")"
}

// violationsErr turns violations into one Invalid error, naming for each
// the field fieldOf chooses.
func violationsErr(vs []Violation, fieldOf func(Violation) string) error {
	var errs apperr.Fields
	for _, v := range vs {
		errs.Add(fieldOf(v), "%s", v.Message)
	}
	return errs.Err()
}

// Unpaid returns the budget lines whose payer is none of the parties.
func Unpaid(parties []Party, budgets []Budget) []Budget {
	var out []Budget
	for _, b := range budgets {
		if !slices.ContainsFunc(parties, func(p Party) bool { return p.Pays(b) }) {
			out = append(out, b)
		}
	}
	return out
}

// NewBudget normalises a budget line and checks its own fields: a year, one
// payer, a known kind and source, and an amount from 0 to MaxAmountIDR.
func NewBudget(b Budget) (Budget, error) {
	var errs apperr.Fields
	if b.Year < 2000 || b.Year > 2100 {
		errs.Add("year", "must be between 2000 and 2100, got %d", b.Year)
	}
	b.ProvinceCode, b.AgencyID = strings.TrimSpace(b.ProvinceCode), strings.TrimSpace(b.AgencyID)
	switch {
	case b.ProvinceCode == "" && b.AgencyID == "":
		errs.Add("province_code", "name the paying party: province_code or agency_id")
	case b.ProvinceCode != "" && b.AgencyID != "":
		errs.Add("agency_id", "name one paying party: province_code or agency_id, not both")
	default:
		b.ProvinceCode = provinceCode(&errs, "province_code", b.ProvinceCode)
		checkID(&errs, "agency_id", b.AgencyID)
	}
	checkEnum(&errs, "kind", b.Kind, BudgetKinds)
	checkEnum(&errs, "source", b.Source, BudgetSources)
	if b.AmountIDR < 0 {
		errs.Add("amount_idr", "must be 0 or more rupiah, got %d", b.AmountIDR)
	} else if b.AmountIDR > MaxAmountIDR {
		errs.Add("amount_idr", "must be at most %d rupiah per line, got %d", MaxAmountIDR, b.AmountIDR)
	}
	return b, errs.Err()
}

// CheckProgramTotal checks that a budget line of amount rupiah, with the
// program's other lines summing to others, keeps the program's lines
// within MaxProgramTotalIDR in all. amount is a checked line (0 to
// MaxAmountIDR), so nothing here overflows.
func CheckProgramTotal(others, amount int64) error {
	if others > MaxProgramTotalIDR-amount {
		return apperr.Invalidf("amount_idr",
			"the program's other budget lines add up to %d rupiah: with %d more they would exceed %d (10^18) rupiah, the most a program's lines may add up to",
			others, amount, MaxProgramTotalIDR)
	}
	return nil
}

// NewActivity normalises an activity and checks its own fields: a real
// date, a known kind, a title, a well-formed region code when given, and a
// participant count from 0 to MaxParticipants.
func NewActivity(a Activity) (Activity, error) {
	var errs apperr.Fields
	a.Title, a.Venue, a.Summary = strings.TrimSpace(a.Title), strings.TrimSpace(a.Venue), strings.TrimSpace(a.Summary)
	checkDate(&errs, "date", a.Date, true)
	checkEnum(&errs, "kind", a.Kind, ActivityKinds)
	checkText(&errs, "title", a.Title, true, 300)
	checkText(&errs, "venue", a.Venue, false, 300)
	checkProse(&errs, "summary", a.Summary, false, 5000)
	if a.RegionCode = strings.TrimSpace(a.RegionCode); a.RegionCode != "" {
		if code, _, err := region.ParseCode(a.RegionCode); err != nil {
			errs.Add("region_code", "%s", err.(*apperr.Error).Message)
		} else {
			a.RegionCode = code
		}
	}
	if a.Participants != nil && (*a.Participants < 0 || *a.Participants > MaxParticipants) {
		errs.Add("participants", "must be from 0 to %d, got %d", MaxParticipants, *a.Participants)
	}
	return a, errs.Err()
}
