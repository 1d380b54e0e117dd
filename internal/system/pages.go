package system

import (
	"context"

	"github.com/aimsproject/aims"
)

// PageStore reads the lists of an AI system one page at a time (up to p.Limit, at
// most aims.MaxPageLimit, after p.Cursor), with the cursor of the next page ("" at the end). A record
// of another organization is ENOTFOUND; a cursor that is not one is EINVALID on cursor.
type PageStore interface {
	// SystemChangesPage pages a system's history, newest first.
	SystemChangesPage(ctx context.Context, orgID, id string, p aims.Page) ([]*Change, string, error)
	// ClassificationHistoryPage pages the classifications saved for a system, newest first.
	ClassificationHistoryPage(ctx context.Context, orgID, id string, p aims.Page) ([]*Classification, string, error)
}

// HistoryPage returns a page of the history of system id, newest first, and the next page's cursor.
func (s *Service) HistoryPage(ctx context.Context, orgID, id string, p aims.Page) ([]*Change, string, error) {
	return s.store.SystemChangesPage(ctx, orgID, id, p)
}

// ClassificationHistoryPage returns a page of the classifications saved for system id, newest first,
// and the next page's cursor.
func (s *Service) ClassificationHistoryPage(ctx context.Context, orgID, id string, p aims.Page) ([]*Classification, string, error) {
	return s.store.ClassificationHistoryPage(ctx, orgID, id, p)
}
