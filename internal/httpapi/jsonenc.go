package httpapi

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// jsonSerializer is echo's DefaultJSONSerializer, except that it encodes
// before it writes, so that every JSON answer carries Content-Length:
// net/http then sends it without chunked framing, one write (a system
// call) fewer per answer. A json.Marshaler's output is sent as it is,
// without encoding/json's compaction pass: the hand-written encoders are
// tested to give encoding/json's bytes.
type jsonSerializer struct{ echo.DefaultJSONSerializer }

// Serialize implements echo.JSONSerializer: the bytes of c.JSON, with a
// trailing newline as json.Encoder writes, indented with ?pretty.
func (jsonSerializer) Serialize(c echo.Context, i any, indent string) error {
	var (
		b   []byte
		err error
	)
	m, marshaler := i.(json.Marshaler)
	switch {
	case indent != "":
		b, err = json.MarshalIndent(i, "", indent)
	case marshaler:
		b, err = m.MarshalJSON()
	default:
		b, err = json.Marshal(i)
	}
	if err != nil {
		return err
	}
	b = append(b, '\n')
	c.Response().Header().Set(echo.HeaderContentLength, strconv.Itoa(len(b)))
	_, err = c.Response().Write(b)
	return err
}

// appendJSONString appends s as a JSON string, escaped as encoding/json
// escapes it (HTML-safe; invalid UTF-8 as U+FFFD), so that the encoders
// written by hand for the hottest answers give json.Marshal's bytes.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
