package text_test

import (
	"testing"

	"github.com/desa-api/desa-api/internal/text"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		line, lines string // the error wanted, "" for none
	}{
		{"empty", "", "", ""},
		{"plain", "Desa Mliriprowo", "", ""},
		{"non-ASCII", "Kecamatan Sangatta Utara — Ñ 日本 😀", "", ""},
		{"replacement character itself", "a\uFFFDb", "", ""},
		{"spaces inside", "a  b", "", ""},
		{"NUL", "Nul\x00byte", "must be one line of printable text, found the control character U+0000 at byte 3",
			"must be printable text (tabs and line breaks allowed), found the control character U+0000 at byte 3"},
		{"newline", "a\nb", "must be one line of printable text, found the control character U+000A at byte 1", ""},
		{"tab", "a\tb", "must be one line of printable text, found the control character U+0009 at byte 1", ""},
		{"carriage return", "a\r\nb", "must be one line of printable text, found the control character U+000D at byte 1", ""},
		{"escape", "a\x1b[31m", "must be one line of printable text, found the control character U+001B at byte 1",
			"must be printable text (tabs and line breaks allowed), found the control character U+001B at byte 1"},
		{"DEL", "a\x7f", "must be one line of printable text, found the control character U+007F at byte 1",
			"must be printable text (tabs and line breaks allowed), found the control character U+007F at byte 1"},
		{"C1 control", "a\u0085b", "must be one line of printable text, found the control character U+0085 at byte 1",
			"must be printable text (tabs and line breaks allowed), found the control character U+0085 at byte 1"},
		{"invalid byte", "a\xffb", "must be UTF-8 text, found the byte 0xff at byte 1", "must be UTF-8 text, found the byte 0xff at byte 1"},
		{"truncated sequence", "ab\xe6\x97", "must be UTF-8 text, found the byte 0xe6 at byte 2", "must be UTF-8 text, found the byte 0xe6 at byte 2"},
		{"overlong NUL", "a\xc0\x80", "must be UTF-8 text, found the byte 0xc0 at byte 1", "must be UTF-8 text, found the byte 0xc0 at byte 1"},
		{"surrogate", "a\xed\xa0\x80", "must be UTF-8 text, found the byte 0xed at byte 1", "must be UTF-8 text, found the byte 0xed at byte 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := errText(text.CheckLine(tt.in)); got != tt.line {
				t.Errorf("CheckLine(%q) = %q, want %q", tt.in, got, tt.line)
			}
			if got := errText(text.CheckLines(tt.in)); got != tt.lines {
				t.Errorf("CheckLines(%q) = %q, want %q", tt.in, got, tt.lines)
			}
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
