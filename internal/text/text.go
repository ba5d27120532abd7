// Package text is the one rule for the free text the API stores (names,
// sources, units, titles, summaries): valid UTF-8 without control
// characters. PostgreSQL refuses a NUL byte and invalid UTF-8 outright,
// SQLite stores them, and a line break in a name breaks every CSV and log
// line it lands in; checking here makes both engines answer alike, with
// the field named, before the database is asked.
package text

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// CheckLine reports why s cannot be stored as one line of text (a name, a
// source, a unit, a title): it must be valid UTF-8 with no control
// character (C0, DEL or C1: no NUL, tab or line break). nil means it can.
func CheckLine(s string) error {
	return check(s, false)
}

// CheckLines is CheckLine for multi-line text (a summary, an objective):
// tabs and line breaks (\t, \n, \r) are allowed, other control characters
// are not.
func CheckLines(s string) error {
	return check(s, true)
}

func check(s string, multiline bool) error {
	for i, r := range s {
		switch {
		case r == utf8.RuneError:
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return fmt.Errorf("must be UTF-8 text, found the byte 0x%02x at byte %d", s[i], i)
			}
		case multiline && (r == '\t' || r == '\n' || r == '\r'):
		case unicode.IsControl(r):
			if multiline {
				return fmt.Errorf("must be printable text (tabs and line breaks allowed), found the control character %U at byte %d", r, i)
			}
			return fmt.Errorf("must be one line of printable text, found the control character %U at byte %d", r, i)
		}
	}
	return nil
}
