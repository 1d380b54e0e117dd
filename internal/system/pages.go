package system

import (
	"context"

	"github.com/aimsproject/aims"
)

// PageStore reads the lists of an AI system and of a component one page at a time (up to p.Limit, at
// most aims.MaxPageLimit, after p.Cursor), with the cursor of the next page ("" at the end). A record
// of another organization is ENOTFOUND; a cursor that is not one is EINVALID on cursor.
type PageStore interface {
	// SystemChangesPage pages a system's history, newest first.
	SystemChangesPage(ctx context.Context, orgID, id string, p aims.Page) ([]*Change, string, error)
	// ClassificationHistoryPage pages the classifications saved for a system, newest first.
	ClassificationHistoryPage(ctx context.Context, orgID, id string, p aims.Page) ([]*Classification, string, error)
	// BOMImportsPage pages the imports of a system's BOM, newest first, without their inventories.
	BOMImportsPage(ctx context.Context, orgID, systemID string, p aims.Page) ([]*BOMImport, string, error)
	// ComponentModelCardsPage pages a component's model cards, newest first, without their Markdown.
	ComponentModelCardsPage(ctx context.Context, orgID, componentID string, p aims.Page) ([]*ModelCard, string, error)
	// ComponentSystemsPage pages the systems that use a component, by name.
	ComponentSystemsPage(ctx context.Context, orgID, componentID string, p aims.Page) ([]*SystemRef, string, error)
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

// BOMsPage returns a page of the imported versions of system systemID's BOM, newest first, without
// their inventories, and the next page's cursor.
func (s *Service) BOMsPage(ctx context.Context, orgID, systemID string, p aims.Page) ([]*BOMImport, string, error) {
	return s.store.BOMImportsPage(ctx, orgID, systemID, p)
}

// ComponentModelCardsPage returns a page of component componentID's model cards, newest first, and
// the next page's cursor.
func (s *Service) ComponentModelCardsPage(ctx context.Context, orgID, componentID string, p aims.Page) ([]*ModelCard, string, error) {
	return s.store.ComponentModelCardsPage(ctx, orgID, componentID, p)
}

// ComponentSystemsPage returns a page of the systems that use component componentID, by name, and the
// next page's cursor.
func (s *Service) ComponentSystemsPage(ctx context.Context, orgID, componentID string, p aims.Page) ([]*SystemRef, string, error) {
	return s.store.ComponentSystemsPage(ctx, orgID, componentID, p)
}

// LatestBOM returns the newest version of system systemID's BOM with its inventory; ENOTFOUND when
// there is none.
func (s *Service) LatestBOM(ctx context.Context, orgID, systemID string) (*BOMImport, error) {
	return s.store.BOMImportBySeq(ctx, orgID, systemID, 0)
}
