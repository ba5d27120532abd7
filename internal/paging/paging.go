// Package paging holds the list window and sort order that every list in
// every domain shares, so that limits and allow-listed sorts mean the same
// thing everywhere.
package paging

// Page is a window on a list.
type Page struct {
	Limit  int
	Offset int
}

// Sort is an allow-listed sort key with a direction. The zero value means
// the list's natural order.
type Sort struct {
	Field string
	Desc  bool
}
