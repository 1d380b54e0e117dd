package store

import (
	"context"
	"database/sql"
	"testing"

	"github.com/aimsproject/aims"
)

// TestSynchronousIsSetOnEveryConnection opens SQLite with each setting and reads PRAGMA synchronous back
// (1 is NORMAL, 2 is FULL) on the writer, a reader and the checkpointer.
func TestSynchronousIsSetOnEveryConnection(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, c := range []struct {
		setting string
		want    int
	}{{"", 1}, {"normal", 1}, {"full", 2}, {"FULL", 2}} {
		t.Run("synchronous "+c.setting, func(t *testing.T) {
			t.Parallel()
			db, err := Open(ctx, Options{DataDir: t.TempDir(), Synchronous: c.setting})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for name, pool := range map[string]*sql.DB{"writer": db.write, "reader": db.read, "checkpointer": db.ckpt} {
				var got int
				if err := pool.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if got != c.want {
					t.Errorf("PRAGMA synchronous on the %s = %d, want %d", name, got, c.want)
				}
			}
		})
	}
	if _, err := Open(ctx, Options{DataDir: t.TempDir(), Synchronous: "off"}); aims.ErrorCode(err) != aims.EINVALID {
		t.Errorf("Open with synchronous off = %v, want EINVALID", err)
	}
}
