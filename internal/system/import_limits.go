package system

import (
	"fmt"

	"github.com/aimsproject/aims"
)

// DefaultImportMaxRows bounds the AI systems of one inventory import (CSV rows or JSON array items) when
// the configuration does not say otherwise. An organization's whole inventory is tens to hundreds of
// systems, so the bound is far above any real file; it is set low enough that one import holds the
// store's single SQLite writer for about a second at most (see BenchmarkImportSystemsAtTheCap).
const DefaultImportMaxRows = 500

// ImportRowLimit is the most AI systems one import (ImportCSV, ImportJSON, ImportChecked) takes.
func (s *Service) ImportRowLimit() int {
	if s.ImportMaxRows <= 0 {
		return DefaultImportMaxRows
	}
	return s.ImportMaxRows
}

// ImportTooManyError is an import with more AI systems than the limit: the reading stopped at the first
// one over it, and nothing was stored. It is ETOOLARGE.
type ImportTooManyError struct {
	Limit int
	// Line is the line of the CSV row over the limit, or 0 for JSON.
	Line int
}

func (e *ImportTooManyError) Error() string {
	return fmt.Sprintf("the import has more than %d AI systems", e.Limit)
}

// Unwrap gives the coded error that the transports map to a status (413), naming the limit and the
// setting that raises it.
func (e *ImportTooManyError) Unwrap() error {
	return aims.Errorf(aims.ETOOLARGE, "The file holds more than %s AI systems, the most one import takes; split it, or raise the limit, which is set by %s. Nothing was imported.",
		aims.Thousands(e.Limit), ImportMaxRowsSetting)
}

// ImportMaxRowsSetting names the configuration of the limit in messages.
const ImportMaxRowsSetting = "import_max_rows (--import-max-rows, AIMS_IMPORT_MAX_ROWS)"
