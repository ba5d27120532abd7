package api

import "embed"

// Examples holds examples/*.json: importable program documents (the format
// `desa-api import program --file F` reads). examples/kaltim-jatim.json, the
// Kalimantan Timur–Jawa Timur cooperation, is what the embedded default
// loads on first start.
//
//go:embed examples/*.json
var Examples embed.FS
