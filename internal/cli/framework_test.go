package cli_test

import (
	"path/filepath"
)

// oscalTestData is the absolute path of the shared OSCAL test files (../shared/testdata/oscal), which
// scripts reach as $OSCAL.
func oscalTestData() string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "testdata", "oscal"))
	if err != nil {
		return ""
	}
	return dir
}
