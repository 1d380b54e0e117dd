package api_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/storetest"
)

type checkpointStatus struct {
	Configured bool                 `json:"configured"`
	File       string               `json:"file"`
	Checkpoint *activity.Checkpoint `json:"checkpoint"`
	Extends    bool                 `json:"extends"`
	Problem    string               `json:"problem"`
}

// TestTheTrailIsCheckedAgainstTheLatestCheckpoint covers GET /api/v1/activity/checkpoint: nothing to say
// without checkpoints; the newest of the organization's own; and the attack of issue 9 (alter an entry,
// recompute every hash, rewrite the head), which the chain alone does not reveal.
func TestTheTrailIsCheckedAgainstTheLatestCheckpoint(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	other := e.org(t, "other")
	auditor := e.member(t, acme, aims.RoleAuditor)
	otherOwner := e.member(t, other, aims.RoleOwner)
	e.do(t, "PATCH", "/api/v1/organization", otherOwner.Token, map[string]any{"name": "Other"}).want(t, http.StatusOK)

	var st checkpointStatus
	e.do(t, "GET", "/api/v1/activity/checkpoint", auditor.Token, nil).want(t, http.StatusOK).decode(t, &st)
	if st.Configured || st.Checkpoint != nil {
		t.Fatalf("without --checkpoint-dir: %+v", st)
	}

	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	cps := &activity.Checkpoints{Dir: activity.CheckpointDir(t.TempDir()), Key: key, Interval: time.Hour}
	e.App.API.Checkpoints = cps
	e.do(t, "GET", "/api/v1/activity/checkpoint", auditor.Token, nil).want(t, http.StatusOK).decode(t, &st)
	if !st.Configured || st.File != "" || st.Extends {
		t.Fatalf("before the first checkpoint: %+v", st)
	}

	// Only the other organization has a checkpoint: acme sees none of it.
	if _, _, err := cps.Write(e.Ctx, e.DB, other.ID, other.Slug, time.Now().Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	st = checkpointStatus{}
	e.do(t, "GET", "/api/v1/activity/checkpoint", auditor.Token, nil).want(t, http.StatusOK).decode(t, &st)
	if st.File != "" || st.Checkpoint != nil {
		t.Fatalf("acme sees another organization's checkpoint: %+v", st)
	}

	if _, _, err := cps.Write(e.Ctx, e.DB, acme.ID, acme.Slug, time.Now().Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	total := e.activityCount(t, acme.ID)
	e.member(t, acme, aims.RoleViewer) // the trail grows past the checkpoint
	e.do(t, "GET", "/api/v1/activity/checkpoint", auditor.Token, nil).want(t, http.StatusOK).decode(t, &st)
	if !st.Extends || st.Problem != "" || st.Checkpoint == nil || st.Checkpoint.Entries != int64(total) ||
		st.Checkpoint.OrgID != acme.ID || !strings.HasSuffix(st.File, "-acme.json") || strings.Contains(st.File, "/") {
		t.Fatalf("a growing trail: %+v, want it to extend the checkpoint of %d entries", st, total)
	}

	if err := storetest.RecomputeTrail(e.Ctx, e.DB, acme.ID); err != nil {
		t.Fatal(err)
	}
	var r verifyResult
	e.do(t, "GET", "/api/v1/activity/verify", auditor.Token, nil).want(t, http.StatusOK).decode(t, &r)
	if !r.OK {
		t.Fatalf("the recomputed chain should verify on its own (that is the attack): %+v", r)
	}
	st = checkpointStatus{}
	e.do(t, "GET", "/api/v1/activity/checkpoint", auditor.Token, nil).want(t, http.StatusOK).decode(t, &st)
	if st.Extends || !strings.Contains(st.Problem, "no longer has the head hash") {
		t.Fatalf("after the chain was recomputed: %+v, want extends false and why", st)
	}
}
