// Package api holds the human-written contract notes: conventions, the
// problem types every error answer links to, and examples. The problem
// documents are embedded so that the server can serve them at /problems/.
package api

import "embed"

// Problems holds problems/<slug>.md, one per problem type.
//
//go:embed problems/*.md
var Problems embed.FS
