package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/apptest"
	"github.com/aimsproject/aims/internal/evidence"
	"github.com/aimsproject/aims/internal/system"
)

// BenchmarkEvidenceListPage measures GET /evidence (the first page of 50, and the page filtered by a
// control) over 10,000 pieces of evidence, a fifth of them linked to one control and one system. It asserts
// the page holds its 50 rows, so that a broken seed fails instead of measuring an empty list.
func BenchmarkEvidenceListPage(b *testing.B) {
	const n = 10_000
	f := apptest.New(b)
	org := f.Org(b, "acme")
	owner := newUser(b, f, "owner@example.com", org, aims.RoleOwner)
	ctx := aims.WithActor(f.Ctx, aims.Actor{Kind: aims.ActorUser, ID: owner.ID, Name: owner.Name, UserID: owner.ID, OrgID: org.ID,
		OrgSlug: org.Slug, Role: aims.RoleOwner})
	sys, err := f.Systems.Create(ctx, org.ID, system.Fields{Name: "Lumen Assist", Purpose: "Answers."})
	if err != nil {
		b.Fatal(err)
	}
	err = f.DB.Atomically(ctx, func(ctx context.Context) error {
		for i := range n {
			ne := evidence.New{Fields: evidence.Fields{Title: fmt.Sprintf("Evaluation run %d", i), URL: fmt.Sprintf("https://ci.example/runs/%d", i),
				ValidUntil: "2099-12-31", Source: "CI"}}
			if i%5 == 0 {
				ne.Evidences = []string{"system:" + sys.ID, "control:iso42001-2023/A.6.2.4"}
			}
			if _, err := f.Evidence.Create(ctx, org.ID, ne); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	br := browserAs(b, f, owner, org)
	for _, c := range []struct{ name, path string }{
		{"all", "/evidence"},
		{"by control", "/evidence?control=iso42001-2023/A.6.2.4"},
		{"by system", "/evidence?system=" + sys.ID},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				p := br.get(c.path)
				if p.Status != http.StatusOK || strings.Count(p.Body, `<td data-label="Title">`) != 50 {
					b.Fatalf("%s = %d with %d rows", c.path, p.Status, strings.Count(p.Body, `<td data-label="Title">`))
				}
			}
		})
	}
}
