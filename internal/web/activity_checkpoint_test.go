package web_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/storetest"
)

// TestTheActivityPageShowsTheLastCheckpoint checks the checkpoint banner: absent without checkpoints, a
// note before the first, green while the trail extends the newest, red after the attack of issue 9, which
// the hash chain alone does not reveal.
func TestTheActivityPageShowsTheLastCheckpoint(t *testing.T) {
	t.Parallel()
	f := apptest.New(t)
	org := f.Org(t, "acme")
	auditor := newUser(t, f, "auditor@example.com", org, aims.RoleAuditor)
	newUser(t, f, "dev@example.com", org, aims.RoleContributor)
	b := browserAs(t, f, auditor, org)

	p := b.get("/activity")
	expect(t, p, http.StatusOK, "")
	if strings.Contains(p.Body, "checkpoint") {
		t.Fatal("the page speaks of checkpoints although the server writes none")
	}

	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cps := &activity.Checkpoints{Dir: activity.CheckpointDir(t.TempDir()), Key: key, Interval: time.Hour}
	f.Web.Checkpoints = cps
	mustContain(t, b.get("/activity"), "No signed checkpoint yet.")

	at := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC)
	if _, _, err := cps.Write(f.Ctx, f.DB, org.ID, org.Slug, at); err != nil {
		t.Fatal(err)
	}
	n := activityCount(t, f, org.ID)
	p = b.get("/activity")
	mustContain(t, p, "The trail extends the last signed checkpoint.", "The checkpoint of 6 Dec 2026, 03:00 UTC signed", "20261206T030000Z-acme.json")
	if !strings.Contains(p.Body, `class="banner banner-ok" role="status"><strong>The trail extends`) || !strings.Contains(p.Body, fmt.Sprintf("signed %d entries", n)) {
		t.Fatalf("the banner is not green with %d entries:\n%s", n, excerpt(p))
	}

	if err := storetest.RecomputeTrail(f.Ctx, f.DB, org.ID); err != nil {
		t.Fatal(err)
	}
	// The server remembers the head it verified: the rewritten chain no longer passes through it.
	p = b.get("/activity")
	mustContain(t, p, fmt.Sprintf("The trail is broken at entry %d.", n), "no longer has the hash it had when the trail was verified",
		"The trail does not extend the last signed checkpoint.", "no longer has the head hash")
	// A server that starts after the attack has only the checkpoint to tell: the chain verifies on its own.
	f.Web.Trails = &activity.Monitor{Reader: f.DB}
	p = b.get("/activity")
	mustContain(t, p, "The trail is intact.", "The trail does not extend the last signed checkpoint.", "no longer has the head hash")
	if !strings.Contains(p.Body, `class="banner banner-bad" role="alert"><strong>The trail does not extend`) {
		t.Fatalf("the banner is not red:\n%s", excerpt(p))
	}
}
