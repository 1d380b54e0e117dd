package component

import (
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component/aibom"
)

// DefaultBOMMaxComponents bounds the components (and services) of one imported BOM when the
// configuration does not say otherwise. An import may hold twice as many dependencies.
const DefaultBOMMaxComponents = 100_000

// BOMComponentLimit is the most components (services and nested ones included) one BOM import takes;
// it takes twice as many entries of dependencies.
func (s *Service) BOMComponentLimit() int {
	if s.BOMMaxComponents <= 0 {
		return DefaultBOMMaxComponents
	}
	return s.BOMMaxComponents
}

// bomLimits are the item limits of an import, which the reader checks as it goes.
func (s *Service) bomLimits() aibom.Limits {
	n := s.BOMComponentLimit()
	return aibom.Limits{Components: n, Dependencies: 2 * n}
}

// BOMTooManyError is a BOM with more items of one kind than an import takes: the reading stopped
// there and nothing was stored. It is ETOOLARGE.
type BOMTooManyError struct {
	What  string // components or dependencies
	Limit int
}

func (e *BOMTooManyError) Error() string {
	return fmt.Sprintf("CycloneDX BOM has more than %d %s", e.Limit, e.What)
}

// Unwrap gives the coded error that the transports map to a status (413), naming the limit and the
// setting that raises it.
func (e *BOMTooManyError) Unwrap() error {
	setting := "bom_max_components (--bom-max-components, AIMS_BOM_MAX_COMPONENTS)"
	if e.What == "dependencies" {
		setting += ", which allows twice as many dependencies"
	}
	return aims.Errorf(aims.ETOOLARGE, "The BOM holds more than %s %s, the most one import takes; the limit is set by %s. Nothing was imported.",
		aims.Thousands(e.Limit), e.What, setting)
}
