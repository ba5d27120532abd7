package store

import (
	"math/big"

	"github.com/jackc/pgx/v5/pgtype"

	"github.com/desa-api/desa-api/internal/fixed"
)

// pgDec is a four-place decimal as bulk writes send it to PostgreSQL. On a
// connection prepared by fastNumeric it is written straight into numeric's
// binary form; pgtype.Numeric goes through big.Int arithmetic for every
// value, a sixth of an import's CPU time in Go.
type pgDec fixed.Dec

// One base-10000 digit holds the fraction exactly: fixed must keep four
// places (this fails to compile otherwise).
const _ = uint(fixed.Places-4) + uint(4-fixed.Places)

// NumericValue implements pgtype.NumericValuer, for a connection that
// fastNumeric has not prepared.
func (d pgDec) NumericValue() (pgtype.Numeric, error) {
	return pgtype.Numeric{Int: big.NewInt(int64(d)), Exp: -fixed.Places, Valid: true}, nil
}

// fastNumeric registers, once per connection, a numeric codec that encodes
// pgDec directly and leaves everything else to pgx's own.
func fastNumeric(m *pgtype.Map) {
	if t, ok := m.TypeForOID(pgtype.NumericOID); ok {
		if _, done := t.Codec.(pgDecCodec); done {
			return
		}
	}
	m.RegisterType(&pgtype.Type{Name: "numeric", OID: pgtype.NumericOID, Codec: pgDecCodec{}})
}

// pgDecCodec is pgx's numeric codec with a binary encode plan for pgDec.
type pgDecCodec struct{ pgtype.NumericCodec }

func (c pgDecCodec) PlanEncode(m *pgtype.Map, oid uint32, format int16, value any) pgtype.EncodePlan {
	if _, ok := value.(pgDec); ok && format == pgtype.BinaryFormatCode {
		return encodePgDec{}
	}
	return c.NumericCodec.PlanEncode(m, oid, format, value)
}

type encodePgDec struct{}

// Encode writes numeric's binary form: the number of digits, the weight
// (the power of 10000 of the first digit), the sign and the display scale,
// as 16-bit integers, then the base-10000 digits, most significant first.
// PostgreSQL strips the zero digits this may leave at either end.
func (encodePgDec) Encode(value any, buf []byte) ([]byte, error) {
	v := int64(value.(pgDec))
	var sign uint16
	u := uint64(v)
	if v < 0 {
		sign, u = 0x4000, uint64(-v) // -MinInt64 wraps to its own magnitude as a uint64
	}
	whole, frac := u/10000, uint16(u%10000)
	var digits [6]uint16 // a uint64 has at most 5 base-10000 digits before the point
	n := 0
	for w := whole; w > 0; w /= 10000 {
		n++
	}
	for i, w := n-1, whole; i >= 0; i, w = i-1, w/10000 {
		digits[i] = uint16(w % 10000)
	}
	weight := int16(n - 1)
	if frac != 0 {
		digits[n] = frac
		n++
	}
	if n == 0 {
		weight = 0
	}
	for _, x := range []uint16{uint16(n), uint16(weight), sign, fixed.Places} {
		buf = append(buf, byte(x>>8), byte(x))
	}
	for _, d := range digits[:n] {
		buf = append(buf, byte(d>>8), byte(d))
	}
	return buf, nil
}
