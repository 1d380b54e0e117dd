// Package component holds the components of AI systems (models, datasets, services, tools, ...), their
// links to the systems that use them, the CycloneDX ML-BOMs imported into and exported from a system,
// and the model cards of model components (ISO/IEC 42001, A.4.2 to A.4.6 and A.6.2.7).
package component

import (
	"context"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/system"
)

// Service applies the rules of components, BOMs and model cards over a Store. Callers are authorized
// already (by the API's and UI's route tables); the service checks the input.
type Service struct {
	store Store
	// BOMMaxBytes bounds an imported CycloneDX BOM (configuration key bom_max_bytes); 0 means
	// DefaultBOMMaxBytes.
	BOMMaxBytes int64
	// BOMMaxComponents bounds the components of an imported BOM (bom_max_components); 0 means
	// DefaultBOMMaxComponents. See BOMComponentLimit.
	BOMMaxComponents int
	// WalkPage is how many components EachSystemComponent reads at a time; 0 means walkPage. Tests
	// set it low to cross pages with few components.
	WalkPage int
	// Links applies the delete rules of the links of a component being deleted; app.NewServices sets it
	// to the record service, and a Service without it refuses to delete.
	Links record.DeleteRules
	// Watch is told when a component is linked to or unlinked from a system, in the same transaction: a
	// material change of the system (see system.Watcher). nil tells no one.
	Watch system.Watcher
}

// NewService returns a Service over st.
func NewService(st Store) *Service { return &Service{store: st} }

// Store persists components, their links to systems, imported BOMs and model cards. Every method is
// scoped by the organization and answers ENOTFOUND for what it cannot see; every change appends its
// activity entry in the same transaction.
type Store interface {
	// Atomically runs the service's checks and writes in one transaction.
	aims.Transactor
	// SystemByID returns orgID's system id: the system a component is linked to, a BOM imported into.
	SystemByID(ctx context.Context, orgID, id string) (*system.System, error)
	ComponentStore
	PageStore
	ModelCardStore
	BOMStore
}

// PageStore reads the lists of a system's BOM and of a component one page at a time (up to p.Limit, at
// most aims.MaxPageLimit, after p.Cursor), with the cursor of the next page ("" at the end). A record of
// another organization is ENOTFOUND; a cursor that is not one is EINVALID on cursor.
type PageStore interface {
	// BOMImportsPage pages the imports of a system's BOM, newest first, without their inventories.
	BOMImportsPage(ctx context.Context, orgID, systemID string, p aims.Page) ([]*BOMImport, string, error)
	// ComponentModelCardsPage pages a component's model cards, newest first, without their Markdown.
	ComponentModelCardsPage(ctx context.Context, orgID, componentID string, p aims.Page) ([]*ModelCard, string, error)
	// ComponentSystemsPage pages the systems that use a component, by name.
	ComponentSystemsPage(ctx context.Context, orgID, componentID string, p aims.Page) ([]*SystemRef, string, error)
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
