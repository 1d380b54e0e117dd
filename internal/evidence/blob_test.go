package evidence_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/aimsproject/aims/internal/evidence"
)

func blobPath(dir, sum string) string {
	return filepath.Join(dir, filepath.FromSlash(evidence.Key(sum)))
}

// corrupt overwrites the stored blob with sum by content of the same length, as a bad disk would.
func corrupt(t *testing.T, dir, sum, content string) {
	t.Helper()
	if err := os.WriteFile(blobPath(dir, sum), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func removeBlob(t *testing.T, dir, sum string) {
	t.Helper()
	if err := os.Remove(blobPath(dir, sum)); err != nil {
		t.Fatal(err)
	}
}

func hasBlob(dir, sum string) (bool, error) {
	_, err := os.Stat(blobPath(dir, sum))
	if os.IsNotExist(err) {
		return false, nil
	}
	return err == nil, err
}

// countFiles counts the regular files under dir.
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
