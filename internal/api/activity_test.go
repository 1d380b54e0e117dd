package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/store"
)

type activityList struct {
	Items      []activity.Entry `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

type verifyResult struct {
	OK      bool            `json:"ok"`
	Entries int64           `json:"entries"`
	Break   *activity.Break `json:"break"`
}

func TestTheActivityTrailIsListedExportedAndVerified(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	other := e.org(t, "other")
	e.member(t, other, aims.RoleOwner)
	admin := e.member(t, acme, aims.RoleAdmin)
	auditor := e.member(t, acme, aims.RoleAuditor)
	// A few changes through the API, so that the trail holds entries by tokens too.
	e.do(t, "PATCH", "/api/v1/organization", admin.Token, map[string]any{"name": "Acme"}).want(t, http.StatusOK)
	m := e.member(t, acme, aims.RoleViewer)
	e.do(t, "PATCH", "/api/v1/members/"+m.ID, admin.Token, map[string]any{"role": "auditor"}).want(t, http.StatusOK)
	e.do(t, "DELETE", "/api/v1/members/"+m.ID, admin.Token, nil).want(t, http.StatusNoContent)
	total := e.activityCount(t, acme.ID)

	t.Run("the list is newest first and its pages cover every entry once", func(t *testing.T) {
		var seqs []int64
		cursor := ""
		for range 20 {
			path := "/api/v1/activity?limit=3"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			var page activityList
			e.do(t, "GET", path, auditor.Token, nil).want(t, http.StatusOK).decode(t, &page)
			if len(page.Items) > 3 {
				t.Fatalf("page of %d entries with limit 3", len(page.Items))
			}
			for _, en := range page.Items {
				if en.OrgID != acme.ID {
					t.Fatalf("entry of another organization: %+v", en)
				}
				seqs = append(seqs, en.Seq)
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		if len(seqs) != total {
			t.Fatalf("listed %d entries, want %d", len(seqs), total)
		}
		for i, s := range seqs {
			if s != int64(total-i) {
				t.Fatalf("entries in order %v, want %d down to 1", seqs, total)
			}
		}
	})

	t.Run("the newest entry says who did what", func(t *testing.T) {
		var page activityList
		e.do(t, "GET", "/api/v1/activity?limit=1", auditor.Token, nil).want(t, http.StatusOK).decode(t, &page)
		en := page.Items[0]
		if en.Action != activity.ActionDelete || en.RecordType != "membership" || en.RecordID != m.ID || en.ActorKind != "token" ||
			string(en.After) != "null" || page.NextCursor == "" {
			t.Fatalf("newest entry %+v", en)
		}
	})

	t.Run("the export is JSON lines, oldest first, whose chain verifies", func(t *testing.T) {
		res := e.do(t, "GET", "/api/v1/activity/export", auditor.Token, nil).want(t, http.StatusOK)
		if mediaType(res.header) != "application/jsonl" || res.header.Get("Content-Disposition") != `attachment; filename="aims-activity-acme.jsonl"` {
			t.Fatalf("headers %v", res.header)
		}
		v := activity.NewVerifier(acme.ID)
		var last activity.Entry
		sc := bufio.NewScanner(bytes.NewReader(res.body))
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
			dec.DisallowUnknownFields()
			var en activity.Entry
			if err := dec.Decode(&en); err != nil {
				t.Fatalf("line %q: %v", sc.Text(), err)
			}
			if err := v.Add(en); err != nil {
				t.Fatalf("the exported chain does not verify: %v", err)
			}
			last = en
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		if v.Count != int64(total) {
			t.Fatalf("exported %d entries, want %d", v.Count, total)
		}
		if err := v.Finish(last.Seq, last.Hash); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("an altered export no longer verifies", func(t *testing.T) {
		res := e.do(t, "GET", "/api/v1/activity/export", auditor.Token, nil).want(t, http.StatusOK)
		lines := bytes.Split(bytes.TrimSpace(res.body), []byte("\n"))
		v := activity.NewVerifier(acme.ID)
		var broke error
		for i, line := range lines {
			var en activity.Entry
			if err := json.Unmarshal(line, &en); err != nil {
				t.Fatal(err)
			}
			if i == 2 {
				en.ActorName = "someone else"
			}
			if err := v.Add(en); err != nil {
				broke = err
				break
			}
		}
		var br *activity.Break
		if !errors.As(broke, &br) || br.Seq != 3 {
			t.Fatalf("altering entry 3 gave %v, want a break at 3", broke)
		}
	})

	t.Run("verify reports an intact chain and its length", func(t *testing.T) {
		var r verifyResult
		e.do(t, "GET", "/api/v1/activity/verify", auditor.Token, nil).want(t, http.StatusOK).decode(t, &r)
		if !r.OK || r.Entries != int64(total) || r.Break != nil {
			t.Fatalf("verify = %+v, want ok with %d entries", r, total)
		}
	})

	t.Run("reading the trail changes nothing", func(t *testing.T) {
		if n := e.activityCount(t, acme.ID); n != total {
			t.Fatalf("the trail grew from %d to %d by reading it", total, n)
		}
	})
}

func TestVerifyFindsATamperedEntry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	auditor := e.member(t, acme, aims.RoleAuditor)
	// Someone with the database's keys drops the append-only trigger and rewrites history.
	drop, q := `DROP TRIGGER activity_no_update`, `UPDATE activity SET actor_name = 'someone else' WHERE org_id = ? AND seq = 2`
	if e.DB.Dialect() == store.Postgres {
		drop, q = `DROP TRIGGER activity_append_only ON activity`, strings.Replace(q, "?", "$1", 1)
	}
	write, _ := e.DB.Pools()
	if _, err := write.ExecContext(e.Ctx, drop); err != nil {
		t.Fatal(err)
	}
	if _, err := write.ExecContext(e.Ctx, q, acme.ID); err != nil {
		t.Fatal(err)
	}
	var r verifyResult
	e.do(t, "GET", "/api/v1/activity/verify", auditor.Token, nil).want(t, http.StatusOK).decode(t, &r)
	if r.OK || r.Entries != 1 || r.Break == nil || r.Break.Seq != 2 || r.Break.OrgID != acme.ID || r.Break.Reason == "" {
		t.Fatalf("verify = %+v, want a break at entry 2 after 1 good entry", r)
	}
}
