package indicator

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestRunBatches: rows are parsed one batch ahead of the writes, every row
// reaches the writer in order, and a failing writer or a panicking parser
// ends the import with an error instead of a hang or a crash.
func TestRunBatches(t *testing.T) {
	body := func(n int) string {
		var b strings.Builder
		b.WriteString("n\n")
		for i := range n {
			b.WriteString(strings.Repeat("x", i%3+1) + "\n")
		}
		return b.String()
	}
	run := func(t *testing.T, n int, parse func(row int, vals map[string]string) (int, bool),
		write func(context.Context, []int) (int, int, error)) (Report, error) {
		t.Helper()
		rows, err := newRowReader(FormatCSV, strings.NewReader(body(n)))
		if err != nil {
			t.Fatal(err)
		}
		rep := Report{}
		rc := rowContext{req: ImportRequest{MaxRows: n + 1}, rep: &rep, rows: rows}
		return rep, runBatches(context.Background(), rc, parse, write)
	}
	parseRow := func(row int, _ map[string]string) (int, bool) { return row, true }

	t.Run("all rows in order", func(t *testing.T) {
		var got []int
		rep, err := run(t, 2*batchSize+7, parseRow, func(_ context.Context, b []int) (int, int, error) {
			got = append(got, b...)
			return len(b), 0, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for i, row := range got {
			if row != i+1 {
				t.Fatalf("row %d reached the writer as %d", i+1, row)
			}
		}
		if len(got) != 2*batchSize+7 || rep.Inserted != len(got) || rep.Rows != len(got) {
			t.Errorf("%d rows written, report %+v", len(got), rep)
		}
	})
	t.Run("writer fails", func(t *testing.T) {
		boom := errors.New("boom")
		calls := 0
		_, err := run(t, 5*batchSize, parseRow, func(context.Context, []int) (int, int, error) {
			calls++
			return 0, 0, boom
		})
		if !errors.Is(err, boom) || calls != 1 {
			t.Errorf("err = %v after %d writes; want boom after 1", err, calls)
		}
	})
	t.Run("parser panics", func(t *testing.T) {
		_, err := run(t, 3*batchSize, func(row int, _ map[string]string) (int, bool) {
			if row == batchSize+3 {
				panic("parser bug")
			}
			return row, true
		}, func(_ context.Context, b []int) (int, int, error) { return len(b), 0, nil })
		if err == nil || !strings.Contains(err.Error(), "parser bug") {
			t.Errorf("err = %v, want the panic as an error", err)
		}
	})
}
