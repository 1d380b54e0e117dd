package cli_test

import (
	"path/filepath"
)

// oscalTestData is the absolute path of the OSCAL test files (testdata/oscal at the repository root), which
// scripts reach as $OSCAL.
func oscalTestData() string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "testdata", "oscal"))
	if err != nil {
		return ""
	}
	return dir
}
