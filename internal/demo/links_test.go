package demo_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/demo"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestTheDemoLinksItsRecords: every start of the demo leaves Lumen Assist linked to the controls it
// carries out, to the model it depends on and to Lumen Code, once each, and an audit question and tasks.
func TestTheDemoLinksItsRecords(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: storetest.Catalog(t)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for range 2 {
		if _, err := demo.Load(ctx, sv.Accounts, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadSystems(ctx, sv.Systems, sv.Components, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadLinks(ctx, sv.Records, sv.Systems, sv.Components, db); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadWork(ctx, sv.Records, sv.Systems, db); err != nil {
			t.Fatal(err)
		}
	}
	org, err := db.OrganizationBySlug(ctx, demo.OrgSlug)
	if err != nil {
		t.Fatal(err)
	}
	ss, _, err := sv.Systems.List(ctx, org.ID, system.Filter{Query: "Lumen Assist"}, aims.Page{})
	if err != nil || len(ss) != 1 {
		t.Fatalf("Lumen Assist: %d systems, %v", len(ss), err)
	}
	ls, _, err := sv.Records.List(ctx, org.ID, record.Filter{Record: &record.Ref{Type: record.TypeSystem, ID: ss[0].ID}}, aims.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range ls {
		other, _ := l.Other(record.Ref{Type: record.TypeSystem, ID: ss[0].ID})
		got = append(got, l.Phrase(record.Ref{Type: record.TypeSystem, ID: ss[0].ID})+" "+strings.Fields(other.Title)[0])
	}
	sort.Strings(got)
	want := "depends on nw-chat-8b-instruct|implements A.6.2.6|implements A.8.2|relates to Lumen"
	if strings.Join(got, "|") != want {
		t.Errorf("Lumen Assist's links: %q, want %q", strings.Join(got, "|"), want)
	}

	// The audit in progress: one question with its answer, loaded once; Priya has one overdue task.
	open, _, err := sv.Records.Comments(ctx, org.ID, record.CommentFilter{AuthorRole: aims.RoleAuditor, Status: "open"}, aims.Page{})
	if err != nil || len(open) != 1 || open[0].Replies != 1 || len(open[0].Mentions) != 1 {
		t.Errorf("the auditor's open questions: %d, %v", len(open), err)
	}
	priya, err := db.UserByEmail(ctx, "priya.nair@lumenlabs.example")
	if err != nil {
		t.Fatal(err)
	}
	work, _, err := sv.Records.MyWork(ctx, org.ID, priya.ID, aims.Page{})
	if err != nil || len(work) != 1 || !work[0].Overdue {
		t.Errorf("Priya's work: %+v, %v", work, err)
	}
}
