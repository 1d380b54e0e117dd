package web_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestTheActivityPageVerifiesFromWhereItLeftOff checks the trail banner of issue 9: a view after the first
// reads the trail only from the last entry verified, says so, and still reports an entry altered there or
// after it, with the checkpoint status right; an entry altered before it shows once the hour of the last
// full check is over.
func TestTheActivityPageVerifiesFromWhereItLeftOff(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	var mu sync.Mutex
	now := time.Date(2026, 12, 6, 4, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	reads := &countingReader{ChainReader: f.DB}
	f.Web.Trails = &activity.Monitor{Reader: reads, Now: clock, FullEvery: time.Hour}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cps := &activity.Checkpoints{Dir: activity.CheckpointDir(t.TempDir()), Key: key, Interval: time.Hour}
	f.Web.Checkpoints = cps

	// setUp makes an organization with a trail, a checkpoint of it, and more entries after the checkpoint.
	setUp := func(slug string) (*browser, *account.Organization, func(int), int64) {
		org := f.Org(t, slug)
		auditor := newUser(t, f, "auditor@"+slug+".example", org, aims.RoleAuditor)
		dev := newUser(t, f, "dev@"+slug+".example", org, aims.RoleContributor)
		ctx := f.Member(t, dev, org)
		add := func(k int) {
			t.Helper()
			for range k {
				if _, _, err := f.Accounts.CreateToken(ctx, "token", aims.RoleViewer, 0); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, _, err := cps.Write(f.Ctx, f.DB, org.ID, org.Slug, now); err != nil {
			t.Fatal(err)
		}
		signed := activityCount(t, f, org.ID)
		add(3)
		return browserAs(t, f, auditor, org), org, add, signed
	}

	t.Run("an entry altered after the last one verified shows on the next view", func(t *testing.T) {
		b, org, add, signed := setUp("acme")
		p := b.get("/activity")
		n := activityCount(t, f, org.ID)
		mustContain(t, p, fmt.Sprintf("All %d entries verify against their hash chain, checked from the first entry just now.", n),
			"The trail extends the last signed checkpoint.", fmt.Sprintf("signed %d entries", signed))

		add(3)
		before := reads.entries()
		p = b.get("/activity")
		mustContain(t, p, fmt.Sprintf("All %d entries verify against their hash chain: entries 1–%d were checked from the first entry at", n+3, n),
			fmt.Sprintf("entry %d still has the hash it had then", n), "aims audit verify", "The trail extends the last signed checkpoint.")
		if got := reads.entries() - before; got != 4 {
			t.Errorf("the second view read %d entries, want 4 (the last one verified and the 3 after it)", got)
		}

		add(3)
		if err := storetest.AlterEntry(f.Ctx, f.DB, org.ID, n+5); err != nil {
			t.Fatal(err)
		}
		p = b.get("/activity")
		mustContain(t, p, fmt.Sprintf("The trail is broken at entry %d.", n+5), "its content does not match its hash",
			"The trail extends the last signed checkpoint.")
		if !strings.Contains(p.Body, `class="banner banner-bad" role="alert"><strong>The trail is broken`) {
			t.Errorf("the banner is not red:\n%s", excerpt(p))
		}
	})

	t.Run("an entry altered before the last one verified shows at the next full check", func(t *testing.T) {
		b, org, _, signed := setUp("globex")
		n := activityCount(t, f, org.ID)
		mustContain(t, b.get("/activity"), fmt.Sprintf("All %d entries verify", n))
		if err := storetest.AlterEntry(f.Ctx, f.DB, org.ID, 2); err != nil {
			t.Fatal(err)
		}
		// Within the hour the page relies on the full check, and says so.
		mustContain(t, b.get("/activity"), fmt.Sprintf("entries 1–%d were checked from the first entry at", n), "aims audit verify")
		if _, err := f.DB.VerifyActivity(f.Ctx, org.ID); err == nil {
			t.Error("the full check finds no break")
		}
		advance(time.Hour)
		p := b.get("/activity")
		mustContain(t, p, "The trail is broken at entry 2.", "1 entries before it verify", "The trail does not extend the last signed checkpoint.",
			fmt.Sprintf("fewer than the %d of the checkpoint", signed))
	})
}

// countingReader counts the entries the passes verify (and the one that breaks a chain): what they read.
type countingReader struct {
	activity.ChainReader
	mu sync.Mutex
	n  int64
}

func (c *countingReader) VerifyActivityWith(ctx context.Context, orgID string, v *activity.Verifier) error {
	count := v.Count
	err := c.ChainReader.VerifyActivityWith(ctx, orgID, v)
	c.mu.Lock()
	defer c.mu.Unlock()
	// Entries verified, plus the one that broke the chain.
	c.n += v.Count - count
	if err != nil {
		c.n++
	}
	return err
}

func (c *countingReader) entries() int64 { c.mu.Lock(); defer c.mu.Unlock(); return c.n }
