package evidence_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/evidence"
)

// TestLeftOverUploadsAreSwept: a temporary file a crash left behind is removed once it is a day old; one
// still being written (recent) and the stored files stay; a store never written to has nothing to sweep.
func TestLeftOverUploadsAreSwept(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "blobs")
	bs, err := evidence.OpenBlobs(ctx, evidence.DirURL(dir), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	now := time.Now()
	if n, err := bs.SweepTemporary(ctx, now); n != 0 || err != nil {
		t.Fatalf("an empty store: %d, %v", n, err)
	}
	b, err := bs.Put(ctx, strings.NewReader("the model card"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o750); err != nil {
		t.Fatal(err)
	}
	old, recent := filepath.Join(dir, "tmp", "crashed"), filepath.Join(dir, "tmp", "uploading")
	for _, p := range []string{old, recent} {
		if err := os.WriteFile(p, []byte("half a file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	twoDaysAgo := now.Add(-48 * time.Hour)
	if err := os.Chtimes(old, twoDaysAgo, twoDaysAgo); err != nil {
		t.Fatal(err)
	}
	if n, err := bs.SweepTemporary(ctx, now.Add(-evidence.TemporaryMaxAge)); n != 1 || err != nil {
		t.Errorf("swept %d, %v; want the one crashed upload", n, err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) {
		t.Errorf("the crashed upload is still there: %v", err)
	}
	if _, err := os.Stat(recent); err != nil {
		t.Errorf("the upload in progress is gone: %v", err)
	}
	if ok, err := hasBlob(dir, b.SHA256); !ok || err != nil {
		t.Errorf("the stored file is gone: %v", err)
	}
	if n, err := bs.SweepTemporary(ctx, now.Add(-evidence.TemporaryMaxAge)); n != 0 || err != nil {
		t.Errorf("a second sweep: %d, %v", n, err)
	}
}
