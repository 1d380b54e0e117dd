package store_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/component/aibom/aibomtest"
	"github.com/aimsproject/aims/internal/store"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestCheckpointsInTheBackground checks that SQLite's write-ahead log reaches the database file without
// the writers running checkpoints (they are off on the writer connection): after a commit, the
// background checkpointer copies every page into aims.db. A BOM import writes several megabytes, past
// the threshold.
func TestCheckpointsInTheBackground(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := storetest.OpenWith(t, store.Options{DataDir: dir})
	ctx := context.Background()
	file := filepath.Join(dir, "aims.db")
	org := newOrg(t, db, "checkpoint")
	ctx = aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: org.ID})
	svc := system.NewService(db)
	comps := component.NewService(db)
	s, err := svc.Create(ctx, org.ID, system.Fields{Name: "Big", Purpose: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := comps.ImportBOM(ctx, org.ID, s.ID, bytes.NewReader(aibomtest.BigBOM(4<<20)), "big.json"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		want, err := db.PageBytes(ctx)
		if err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(file)
		if err != nil {
			t.Fatal(err)
		}
		if st.Size() >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("aims.db holds %d bytes of the %d in use 30 s after a commit: no checkpoint ran", st.Size(), want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
