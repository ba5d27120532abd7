package cooperation

import (
	"github.com/desa-api/desa-api/internal/fixed"
	"github.com/desa-api/desa-api/internal/indicator"
)

// ComputeOutcome measures a program's targets against a comparison group
// between the baseline year and another year, from live scores:
//
//   - base and year hold the scores, in those two years, of every village in
//     the regencies where the program has targets (targets included);
//   - a village with no status in a year is missing that year: it is counted
//     in the group's Missing figures and left out of the movement figures,
//     never dropped silently;
//   - the comparison group is matched cell by cell: a village the program
//     does not target belongs to it when some target lies in the same
//     regency with the same baseline status. Its villages all have a
//     baseline status by construction, so only MissingYear can be non-zero;
//   - a target has reached its target when its status in the year ranks at
//     or above its target status (the status one step above its baseline
//     when none was set); a comparison village is measured against that
//     default, one step above its baseline.
//
// Both groups read the baseline from the same live scores, so that a
// corrected score moves both alike; the baseline recorded on each target
// when it was added is shown in the target list.
func ComputeOutcome(f indicator.Framework, targets []TargetRef, base, year map[string]VillageScore) (Group, Group, Difference) {
	targeted := make(map[string]bool, len(targets))
	type cell struct{ regency, status string }
	cells := map[cell]bool{}
	tg := newGroup(f)
	for _, t := range targets {
		targeted[t.VillageCode] = true
		b, y := base[t.VillageCode], year[t.VillageCode]
		if b.Status != "" {
			cells[cell{t.RegencyCode, b.Status}] = true
		}
		goal := t.TargetStatus
		if goal == "" {
			goal = f.Next(b.Status)
		}
		tg.add(f, b, y, goal)
	}
	cg := newGroup(f)
	for code, b := range base {
		if targeted[code] || b.Status == "" || !cells[cell{b.RegencyCode, b.Status}] {
			continue
		}
		cg.add(f, b, year[code], f.Next(b.Status))
	}
	tg.finish()
	cg.finish()
	d := Difference{NTargets: tg.Compared, NComparison: cg.Compared}
	if tg.ShareMovedUp != nil && cg.ShareMovedUp != nil {
		v := *tg.ShareMovedUp - *cg.ShareMovedUp
		d.ShareMovedUp = &v
	}
	if tg.MeanScoreChange != nil && cg.MeanScoreChange != nil {
		v := *tg.MeanScoreChange - *cg.MeanScoreChange
		d.MeanScoreChange = &v
	}
	return tg.Group, cg.Group, d
}

type groupAcc struct {
	Group
	changes []fixed.Dec
}

func newGroup(f indicator.Framework) *groupAcc {
	g := &groupAcc{Group: Group{BaselineStatus: map[string]int{}, YearStatus: map[string]int{}}}
	for _, s := range f.StatusSlugs() {
		g.BaselineStatus[s], g.YearStatus[s] = 0, 0
	}
	return g
}

// add counts one village: b and y are its scores in the baseline year and
// the year (zero values when it has none), goal its target status.
func (g *groupAcc) add(f indicator.Framework, b, y VillageScore, goal string) {
	g.N++
	rb, ry := f.Rank(b.Status), f.Rank(y.Status)
	if rb >= 0 {
		g.BaselineStatus[b.Status]++
	} else {
		g.MissingBaseline++
	}
	if ry >= 0 {
		g.YearStatus[y.Status]++
	} else {
		g.MissingYear++
	}
	if rb < 0 || ry < 0 {
		g.Missing++
		return
	}
	g.Compared++
	switch {
	case ry > rb:
		g.MovedUp++
	case ry == rb:
		g.Unchanged++
	default:
		g.MovedDown++
	}
	if rg := f.Rank(goal); rg >= 0 && ry >= rg {
		g.ReachedTarget++
	}
	if b.Score != nil && y.Score != nil {
		g.changes = append(g.changes, *y.Score-*b.Score)
	}
}

func (g *groupAcc) finish() {
	if g.Compared > 0 {
		v := ratio(g.MovedUp, g.Compared)
		g.ShareMovedUp = &v
	}
	g.ScoreCompared = len(g.changes)
	if len(g.changes) > 0 {
		v := fixed.Mean(g.changes...)
		g.MeanScoreChange = &v
	}
}

// ratio returns a/b (both ≥ 0, b > 0) rounded half up to four places.
func ratio(a, b int) fixed.Dec {
	return fixed.Dec((int64(a)*20000/int64(b) + 1) / 2)
}
