package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
	"github.com/aimsproject/aims/internal/storetest"
	"github.com/aimsproject/aims/internal/system"
)

// TestSystemSearch checks the inventory's text search against its meaning: the systems whose name or
// purpose holds the term, in any case, with % _ \ and the other pattern characters taken literally, in
// either order and across pages, never another organization's.
//
// Case is folded for non-ASCII letters too (Ü and ü). PostgreSQL folds case as its locale does: this holds
// under a UTF-8 locale (such as C.UTF-8, Debian's default), not under the C locale.
//
// On SQLite a term held by a few systems is read from the trigram index and one held by more than a
// thousand ("fleet", "delivery") is checked while walking the systems in order, and terms shorter than
// three characters are always checked so: every way is covered here.
func TestSystemSearch(t *testing.T) {
	t.Parallel()
	db := storetest.Open(t)
	org, other := newOrg(t, db, "acme"), newOrg(t, db, "other")
	ctx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: org.ID})
	svc := system.NewService(db)
	svc.Links = record.NewService(db)

	odd := []system.Fields{
		{Name: "Übersetzer", Purpose: "Übersetzt Verträge ins Englische."},
		{Name: "Kleiner übersetzer", Purpose: "Prüft ÄNDERUNGEN."},
		{Name: "Hundred", Purpose: "Is 100% sure of its answers."},
		{Name: "Snake", Purpose: "Turns names into snake_case."},
		{Name: `Back\slash`, Purpose: `Reads C:\temp\files.`},
		{Name: "Glob [beta]", Purpose: "Matches *.txt and a?c files."},
		{Name: "Quoter", Purpose: `Says "hello" and 'bye'.`},
		{Name: "ABC Ranker", Purpose: "Ranks abc before ABD."},
		{Name: "Mixed CaSe Bot", Purpose: "SCREENS job applications."},
		{Name: "Weather", Purpose: "Forecasts rain."},
	}
	var fs []system.Fields
	for i := range 1010 {
		stage := system.Stages[i%len(system.Stages)]
		fs = append(fs, system.Fields{Name: fmt.Sprintf("Fleet %04d", (i*37)%1010), Purpose: "Routes DELIVERY vans.", Stage: stage})
	}
	for i, f := range odd {
		f.Stage = system.Stages[i%len(system.Stages)]
		fs = append(fs, f)
	}
	ss, err := svc.Import(ctx, org.ID, fs)
	if err != nil {
		t.Fatal(err)
	}
	// The other organization holds every term too.
	octx := aims.WithActor(context.Background(), aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: other.ID})
	if _, err := svc.Import(octx, other.ID, []system.Fields{
		{Name: "Übersetzer", Purpose: "100% snake_case back\\slash [beta] \"hello\" abc fleet delivery zq"},
		{Name: "Fleet 0001", Purpose: "Routes delivery vans."},
	}); err != nil {
		t.Fatal(err)
	}

	list := func(f system.Filter, limit int) []*system.System {
		t.Helper()
		var all []*system.System
		p := aims.Page{Limit: limit}
		for {
			page, next, err := svc.List(ctx, org.ID, f, p)
			if err != nil {
				t.Fatalf("list %+v: %v", f, err)
			}
			all = append(all, page...)
			if next == "" {
				return all
			}
			p.Cursor = next
		}
	}
	ids := func(ss []*system.System) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Name+" "+s.ID)
		}
		return out
	}
	// want lists, in the order of f without a query, the systems that hold term.
	unfiltered := map[system.Filter][]*system.System{} // emptied by every change
	want := func(f system.Filter, term string) []string {
		f.Query = ""
		if unfiltered[f] == nil {
			unfiltered[f] = list(f, 500)
		}
		var out []*system.System
		for _, s := range unfiltered[f] {
			if s.OrgID != org.ID {
				t.Fatalf("system %s of another organization listed", s.ID)
			}
			low := strings.ToLower(term)
			if strings.Contains(strings.ToLower(s.Name), low) || strings.Contains(strings.ToLower(s.Purpose), low) {
				out = append(out, s)
			}
		}
		return ids(out)
	}
	check := func(term string, n int) {
		t.Helper()
		for _, f := range []system.Filter{{}, {Sort: "updated"}, {Stage: system.Stages[1]}, {Stage: system.Stages[0], Sort: "updated"}} {
			exp := want(f, term)
			if f.Stage == "" && n >= 0 && len(exp) != n {
				t.Errorf("the test expects %d systems to hold %q, not %d", n, term, len(exp))
			}
			f.Query = term
			limits := []int{3, 200}
			if len(exp) > 30 {
				limits = []int{97, 200}
			}
			for _, limit := range limits {
				if got := ids(list(f, limit)); !slices.Equal(got, exp) {
					t.Errorf("q=%q sort=%q stage=%q limit=%d: got %d systems %.3q, want %d %.3q", term, f.Sort, f.Stage,
						limit, len(got), got, len(exp), exp)
				}
			}
		}
	}

	for _, tc := range []struct {
		term string
		n    int
	}{
		{"übersetzer", 2}, {"ÜBERSETZER", 2}, {"Übersetz", 2}, {"ü", 2}, {"Ü", 2}, {"prüft", 1}, {"änderungen", 1},
		{"ubersetzer", 0}, // no accent folding
		{"bersetz", 2},    // inside a word
		{"100%", 1}, {"%", 1}, {"0% s", 1}, {"e_c", 1}, {"_", 1}, {"a_c", 0}, {"ke_", 1},
		{`k\s`, 1}, {`\`, 1}, {`c:\temp\`, 1}, {`\\`, 0},
		{"[beta]", 1}, {"[", 1}, {"*.txt", 1}, {"a?c", 1}, {"*", 1}, {"?", 1}, {"a*", 0},
		{`"hello"`, 1}, {`"`, 1}, {`'bye'`, 1},
		{"abc", 1}, {"ab", 1}, {"abd", 1}, {"c r", 1}, {"mixed case", 1}, {"SCREENS JOB", 1},
		{"fleet", 1010}, {"FLEET 00", 100}, {"fleet 0007", 1}, {"delivery", 1010}, {"ee", 1011}, {"F", -1},
		{"zq", 0}, {"x", 2}, {"absent term", 0},
	} {
		check(tc.term, tc.n)
	}

	// Renames and new purposes are found by their new words only; deleted systems are gone.
	upd := func(s *system.System, name, purpose string) {
		t.Helper()
		f := s.Fields
		f.Name, f.Purpose = name, purpose
		if _, err := svc.Update(ctx, org.ID, s.ID, f, 0, "test"); err != nil {
			t.Fatal(err)
		}
		clear(unfiltered)
	}
	weather, hundred := ss[1010+9], ss[1010+2]
	upd(weather, "Klimamodell Ökologie", "Forecasts rain.")
	upd(hundred, "Hundred", "Is rarely sure.")
	check("weather", 0)
	check("klimamodell", 1)
	check("ÖKO", 1)
	check("forecasts rain", 1)
	check("100%", 0)
	check("rarely", 1)
	upd(weather, "Klimamodell Ökologie", "Counts trees.")
	check("forecasts", 0)
	check("trees", 1)
	for _, s := range ss[:10] {
		if err := svc.Delete(ctx, org.ID, s.ID); err != nil {
			t.Fatal(err)
		}
	}
	if err := svc.Delete(ctx, org.ID, weather.ID); err != nil {
		t.Fatal(err)
	}
	clear(unfiltered)
	check("klimamodell", 0)
	check("trees", 0)
	check("fleet", 1000)
	check("fleet 0", 990)
	check("delivery", 1000)

	// A rename moves a system to its new place in the name order of a search.
	upd(ss[500], "Aardvark fleet", "Routes delivery vans.")
	got := list(system.Filter{Query: "FLEET"}, 10)
	if len(got) != 1000 || got[0].ID != ss[500].ID {
		t.Errorf("the renamed system should come first of %d: got %d, first %q", 1000, len(got), got[0].Name)
	}
}

// TestSystemSearchFindsSystemsFromBeforeTheMigration searches systems stored before migration 0013 made
// the search index, and renames and deletes them after.
func TestSystemSearchFindsSystemsFromBeforeTheMigration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openMigratedTo(t, 12)
	org := newOrg(t, db, "acme")
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorSystem, ID: "test", Name: "test", OrgID: org.ID})
	svc := system.NewService(db)
	svc.Links = record.NewService(db)
	ss, err := svc.Import(actx, org.ID, []system.Fields{
		{Name: "Übersetzer", Purpose: "Translates contracts."},
		{Name: "Ranker", Purpose: "Ranks support tickets."},
		{Name: "Screener", Purpose: "Screens job applications."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	names := func(q string) []string {
		t.Helper()
		page, _, err := svc.List(actx, org.ID, system.Filter{Query: q}, aims.Page{Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range page {
			out = append(out, s.Name)
		}
		return out
	}
	for q, want := range map[string][]string{
		"übersetzer": {"Übersetzer"}, "TICKETS": {"Ranker"}, "s": {"Ranker", "Screener", "Übersetzer"}, "none": nil,
	} {
		if got := names(q); !slices.Equal(got, want) {
			t.Errorf("q=%q before any change: got %q, want %q", q, got, want)
		}
	}
	f := ss[1].Fields
	f.Name, f.Purpose = "Sorter", "Sorts support tickets."
	if _, err := svc.Update(actx, org.ID, ss[1].ID, f, 0, "rename"); err != nil {
		t.Fatal(err)
	}
	if err := svc.Delete(actx, org.ID, ss[2].ID); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string][]string{
		"ranker": nil, "sorts sup": {"Sorter"}, "tickets": {"Sorter"}, "screen": nil, "übersetzer": {"Übersetzer"},
	} {
		if got := names(q); !slices.Equal(got, want) {
			t.Errorf("q=%q after a rename and a delete: got %q, want %q", q, got, want)
		}
	}
}
