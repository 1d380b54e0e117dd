package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestAPassOverTheTrailReadsItAPageAtATime checks that a pass over a long trail is a series of short
// queries, not one that holds a read snapshot for its whole length: an entry appended after the pass began
// is read in its turn.
func TestAPassOverTheTrailReadsItAPageAtATime(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	org := newOrg(t, db, "pages")
	if err := storetest.AppendTrail(ctx, db, org.ID, 2500); err != nil {
		t.Fatal(err)
	}
	var seen, last int64
	err := db.EachActivity(ctx, org.ID, func(e *activity.Entry) error {
		seen++
		last = e.Seq
		if seen == 1 {
			return storetest.AppendTrail(ctx, db, org.ID, 1)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen != last || last != 2502 {
		t.Errorf("the pass read %d entries ending at #%d, want all 2,502 (with the one appended during it)", seen, last)
	}
	if n, err := db.VerifyActivity(ctx, org.ID); err != nil || n != 2502 {
		t.Errorf("verify: %d entries, %v", n, err)
	}
}

// TestAVerificationResumesAtAnEntry checks that VerifyActivityWith reads from the entry a resumed verifier
// expects, which must still have the hash verified before.
func TestAVerificationResumesAtAnEntry(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	ctx := context.Background()
	org := newOrg(t, db, "resume")
	if err := storetest.AppendTrail(ctx, db, org.ID, 1500); err != nil {
		t.Fatal(err)
	}
	es, _, err := db.ListActivity(ctx, org.ID, aims.Page{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	total := es[0].Seq
	var at1200 string
	if err := db.EachActivity(ctx, org.ID, func(e *activity.Entry) error {
		if e.Seq == 1200 {
			at1200 = e.Hash
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	v := activity.NewVerifierFrom(org.ID, 1200, at1200)
	if err := db.VerifyActivityWith(ctx, org.ID, v); err != nil || v.Count != total {
		t.Fatalf("resumed at 1200: %d entries, %v; want %d", v.Count, err, total)
	}
	v = activity.NewVerifierFrom(org.ID, 1200, activity.GenesisHash)
	var br *activity.Break
	if err := db.VerifyActivityWith(ctx, org.ID, v); !errors.As(err, &br) || br.Seq != 1200 {
		t.Fatalf("resumed at 1200 with another hash: %v, want a break at 1200", err)
	}
	if err := storetest.AlterEntry(ctx, db, org.ID, 1300); err != nil {
		t.Fatal(err)
	}
	v = activity.NewVerifierFrom(org.ID, 1200, at1200)
	if err := db.VerifyActivityWith(ctx, org.ID, v); !errors.As(err, &br) || br.Seq != 1300 || v.Count != 1299 {
		t.Fatalf("an entry altered after 1200: %v with %d entries, want a break at 1300 after 1299", err, v.Count)
	}
}
