// Package cooperation holds the programs that provinces run together to lift
// villages out of underdevelopment: the agencies that take part, programs
// with their agreements and parties (provinces and agencies in a role),
// budgets per paying party and year, activities, target villages with the
// baseline recorded when they were added, and outcomes that compare the
// targets' movement with a comparison group of villages the program did not
// target.
//
// The rules a program must keep are pure functions (rules.go) checked again
// after every change to its parties; the Service applies them over a Store
// and reads regions and scores through two small interfaces of its own, so
// that it depends on neither the region nor the indicator service.
package cooperation

import (
	"time"

	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/paging"
)

// Agency kinds.
const (
	KindProvincialBureau  = "provincial_bureau" // a biro of a provincial secretariat (Setda)
	KindDinas             = "dinas"             // a provincial or regency service (dinas, badan)
	KindRegencyGovernment = "regency_government"
	KindMinistry          = "ministry"
	KindUniversity        = "university"
	KindNGO               = "ngo"
	KindPrivate           = "private"
)

// AgencyKinds lists the agency kinds.
var AgencyKinds = []string{KindProvincialBureau, KindDinas, KindRegencyGovernment, KindMinistry, KindUniversity, KindNGO, KindPrivate}

// Program scopes.
const (
	ScopeInterProvincial = "inter_provincial" // provinces working together: two or more among the parties
	ScopeProvincial      = "provincial"
)

// Scopes lists the program scopes.
var Scopes = []string{ScopeInterProvincial, ScopeProvincial}

// ProgramStatuses lists a program's life-cycle states.
var ProgramStatuses = []string{"planned", "active", "completed", "cancelled"}

// Party roles (IATI's organisation roles, in the words Indonesian agreements use).
const (
	RoleLead        = "lead"
	RolePartner     = "partner"
	RoleFunder      = "funder"
	RoleImplementer = "implementer"
)

// Roles lists the party roles.
var Roles = []string{RoleLead, RolePartner, RoleFunder, RoleImplementer}

// BudgetKinds lists the kinds of budget line, from plan to spending.
var BudgetKinds = []string{"planned", "revised", "disbursed", "spent"}

// BudgetSources lists where money comes from: the regional budget (APBD),
// the state budget (APBN), the village fund (Dana Desa), corporate social
// responsibility, or elsewhere.
var BudgetSources = []string{"apbd", "apbn", "dana_desa", "csr", "other"}

// ActivityKinds lists the kinds of activity: coordination meetings (rapat
// koordinasi), working visits (kunjungan kerja), training, outreach,
// monitoring, and anything else.
var ActivityKinds = []string{"rakor", "kunjungan_kerja", "pelatihan", "sosialisasi", "monitoring", "other"}

// MaxAmountIDR bounds one budget line: 10^15 rupiah, a third of the whole
// state budget. It alone does not keep sums from overflowing, since a
// program may have any number of lines: MaxProgramTotalIDR does.
const MaxAmountIDR int64 = 1_000_000_000_000_000

// MaxProgramTotalIDR bounds the sum of all of a program's budget lines,
// of every kind, year and payer: 10^18 rupiah. Every sum the store takes of
// a program's lines (its totals per kind, any per year) is a part of that
// sum, and since no line is negative no partial sum exceeds it either, so
// each fits a signed 64-bit integer (at most about 9.22·10^18): SQLite's
// INTEGER and PostgreSQL's bigint. A write that would take a program past
// it is refused (CheckProgramTotal), checked under the program's lock.
const MaxProgramTotalIDR int64 = 1_000_000_000_000_000_000

// MaxParticipants bounds an activity's participant count: more than any
// meeting, visit or training gathers (online outreach included), and well
// inside the integer column that stores it (PostgreSQL's integer stops at
// 2,147,483,647).
const MaxParticipants = 1_000_000

// Agency is a government body, university, NGO or company that takes part
// in programs.
type Agency struct {
	ID           string
	Name         string
	Acronym      string
	Kind         string
	ProvinceCode string // "" for a national body
	Website      string
	ProvinceName string // filled by reads
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// AgencyFilter selects agencies for a list. Empty fields do not filter.
type AgencyFilter struct {
	Kind     []string
	Province []string
	Q        string // substring of the name or acronym
	Sort     paging.Sort
	Page     paging.Page
}

// AgencySortFields are the fields an agency list may be sorted by.
var AgencySortFields = []string{"name", "acronym", "kind", "created_at"}

// AgencyPatch is a partial update; nil fields are left alone and "" clears
// an optional field.
type AgencyPatch struct {
	Name, Acronym, Kind, ProvinceCode, Website *string
}

// Program is a cooperation program with its agreements, parties and budget
// totals.
type Program struct {
	ID           string
	Code         string // unique slug
	Title        string
	Summary      string
	Objective    string
	Scope        string
	Status       string
	StartDate    string // YYYY-MM-DD
	EndDate      string // YYYY-MM-DD; "" while open-ended
	Framework    string // the scoring framework its targets are measured in
	BaselineYear int    // 0: not chosen yet (targets need one)
	Agreements   []Agreement
	Parties      []Party
	Totals       Totals // filled by reads
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Agreement is a signed cooperation agreement (perjanjian kerja sama,
// nota kesepakatan). Each signatory numbers it in its own register, so one
// signing may appear with several numbers.
type Agreement struct {
	Number      string
	SignedOn    string // YYYY-MM-DD, "" when unknown
	Title       string
	DocumentURL string
}

// Party is a province or an agency taking part in a program in a role.
// Exactly one of ProvinceCode and AgencyID is set.
type Party struct {
	ID           string
	ProgramID    string
	Role         string
	ProvinceCode string
	AgencyID     string
	// Filled by reads: the province's or agency's name, and the agency's
	// province.
	Name           string
	AgencyProvince string
	CreatedAt      time.Time
}

// Province is the province the party stands for: its own code, or its
// agency's province ("" for a national agency).
func (p Party) Province() string {
	if p.AgencyID != "" {
		return p.AgencyProvince
	}
	return p.ProvinceCode
}

// Same reports whether q is the same party as p: the same province or
// agency in the same role.
func (p Party) Same(q Party) bool {
	return p.Role == q.Role && p.ProvinceCode == q.ProvinceCode && p.AgencyID == q.AgencyID
}

// Pays reports whether the party is the payer a budget line names.
func (p Party) Pays(b Budget) bool {
	if b.AgencyID != "" {
		return p.AgencyID == b.AgencyID
	}
	return p.AgencyID == "" && p.ProvinceCode == b.ProvinceCode
}

// Totals are a program's budget sums in rupiah, per kind of line.
type Totals struct {
	Planned, Revised, Disbursed, Spent int64
}

// Add adds an amount to the total of a kind.
func (t *Totals) Add(kind string, amount int64) {
	switch kind {
	case "planned":
		t.Planned += amount
	case "revised":
		t.Revised += amount
	case "disbursed":
		t.Disbursed += amount
	case "spent":
		t.Spent += amount
	}
}

// ProgramFilter selects programs for a list. Empty fields do not filter.
type ProgramFilter struct {
	Province []string // a party is, or an agency party lies in, one of these
	Status   []string
	// ActiveOn is a day (YYYY-MM-DD) the program runs on. A program runs
	// from its start_date to its end_date inclusive; an open end (no
	// end_date) runs on indefinitely. Its status does not enter: the same
	// rule, over a year, picks the programs of a region's profile.
	ActiveOn string
	Q        string // substring of the title or code
	Sort     paging.Sort
	Page     paging.Page
}

// ProgramSortFields are the fields a program list may be sorted by.
var ProgramSortFields = []string{"code", "title", "status", "start_date", "end_date", "created_at"}

// ProgramPatch is a partial update; nil fields are left alone. EndDate ""
// makes the program open-ended. Agreements and Parties, when given, replace
// the whole list (the only way to hand the lead to another party, since a
// program never has other than one lead).
type ProgramPatch struct {
	Code, Title, Summary, Objective, Scope, Status, StartDate, EndDate, Framework *string
	BaselineYear                                                                  *int
	Agreements                                                                    *[]Agreement
	Parties                                                                       *[]Party
}

// Budget is one budget line: what a paying party planned, revised,
// disbursed or spent in a year, from one source. Exactly one of
// ProvinceCode and AgencyID names the payer, which must be a party.
type Budget struct {
	ID           string
	ProgramID    string
	Year         int
	ProvinceCode string
	AgencyID     string
	PayerName    string // filled by reads
	Kind         string
	AmountIDR    int64
	Source       string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// BudgetPatch is a partial update. Giving ProvinceCode or AgencyID names a
// new payer (the other is cleared).
type BudgetPatch struct {
	Year                   *int
	ProvinceCode, AgencyID *string
	Kind, Source           *string
	AmountIDR              *int64
}

// BudgetFilter selects a program's budget lines.
type BudgetFilter struct {
	Year []int
	Kind []string
	Sort paging.Sort
	Page paging.Page
}

// BudgetSortFields are the fields a budget list may be sorted by.
var BudgetSortFields = []string{"year", "kind", "amount_idr", "created_at"}

// Activity is something a program did on a day: a meeting, a visit, a
// training.
type Activity struct {
	ID           string
	ProgramID    string
	Date         string // YYYY-MM-DD
	Kind         string
	Title        string
	Venue        string
	RegionCode   string // a region of any level, "" when none applies
	RegionName   string // filled by reads
	Summary      string
	Participants *int // nil: not counted
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ActivityPatch is a partial update; "" clears venue, region and summary.
// With SetParticipants, Participants replaces the count (nil: not counted).
type ActivityPatch struct {
	Date, Kind, Title, Venue, RegionCode, Summary *string
	Participants                                  *int
	SetParticipants                               bool
}

// ActivityFilter selects a program's activities.
type ActivityFilter struct {
	Kind []string
	Sort paging.Sort
	Page paging.Page
}

// ActivitySortFields are the fields an activity list may be sorted by.
var ActivitySortFields = []string{"date", "kind", "title", "created_at"}

// Target is a village a program targets, with its baseline as recorded when
// it was added and its current score (the latest year it has one).
type Target struct {
	ProgramID      string
	VillageCode    string
	BaselineYear   int
	BaselineScore  *fixed.Dec
	BaselineStatus string // "" when it had no score in the baseline year
	TargetStatus   string // "" when none was set and none follows
	TargetYear     int    // 0: none set
	CreatedAt      time.Time
	// Filled by reads.
	VillageName, VillageType, DistrictCode, RegencyCode, ProvinceCode string
	CurrentYear                                                       int // 0: no score in any year
	CurrentScore                                                      *fixed.Dec
	CurrentStatus                                                     string
}

// TargetFilter selects a program's targets.
type TargetFilter struct {
	Regency        []string
	BaselineStatus []string
	Sort           paging.Sort
	Page           paging.Page
}

// TargetSortFields are the fields a target list may be sorted by.
var TargetSortFields = []string{"village_code", "baseline_score", "current_score"}

// VillageFilter selects villages to target: those in an area, optionally
// with one of some statuses in a framework and year.
type VillageFilter struct {
	Province  string
	Regency   string
	District  string
	Framework string // default: the program's
	Year      int    // default: the program's baseline year
	Status    []string
}

// TargetRequest adds targets: the villages named by Codes, or those Filter
// selects (exactly one of the two). TargetStatus defaults, per village, to
// the status one step above its baseline.
type TargetRequest struct {
	Codes        []string
	Filter       *VillageFilter
	TargetStatus string
	TargetYear   int
}

// TargetReport says what a TargetRequest did.
type TargetReport struct {
	Requested       int // villages named or selected
	Added           int
	AlreadyTargeted int // already targets: left as they were
	WithoutBaseline int // added, but without a score in the baseline year
	Total           int // the program's targets afterwards
}

// MaxTargetCodes bounds the codes of one request.
const MaxTargetCodes = 10000

// VillageScore is a village's status and score in one framework and year.
type VillageScore struct {
	VillageCode string
	RegencyCode string
	Score       *fixed.Dec
	Status      string
}

// TargetRef is what an outcome needs of a target.
type TargetRef struct {
	VillageCode  string
	RegencyCode  string
	TargetStatus string
}

// Outcome compares a program's targets with a comparison group between the
// baseline year and a later (or any) year.
type Outcome struct {
	ProgramID    string
	Framework    string
	BaselineYear int
	Year         int
	Targets      Group
	Comparison   Group
	Difference   Difference
}

// Group holds the figures of one group of villages. Compared villages have
// a status in both years; the others are counted as missing.
type Group struct {
	N               int
	Compared        int
	Missing         int // no status in the baseline year, in the year, or both
	MissingBaseline int
	MissingYear     int
	BaselineStatus  map[string]int // villages per status in the baseline year
	YearStatus      map[string]int // villages per status in the year
	MovedUp         int
	Unchanged       int
	MovedDown       int
	ReachedTarget   int        // the year's status at or above the target status
	ShareMovedUp    *fixed.Dec // MovedUp / Compared; nil when none compared
	MeanScoreChange *fixed.Dec // mean of year score − baseline score where both exist
	ScoreCompared   int        // villages with a score in both years
}

// Difference is targets minus comparison, with the numbers behind each.
type Difference struct {
	ShareMovedUp    *fixed.Dec
	MeanScoreChange *fixed.Dec
	NTargets        int // compared targets
	NComparison     int // compared comparison villages
}

// ImportResult says what importing a program document did.
type ImportResult struct {
	ProgramID       string
	Code            string
	Created         bool // false: an existing program with the code was updated
	AgenciesCreated int
	AgenciesMatched int
	Activities      int
	Budgets         int
	Targets         TargetReport
}
