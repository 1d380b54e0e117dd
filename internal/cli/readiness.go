package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/readiness"
)

const readinessUsage = "readiness --org SLUG | --server URL --token T [--gaps N] [--min-percent P] [--format text|json]\n" +
	"       readiness systems --org SLUG | --server URL --token T [--limit N] [--cursor C] [--format text|json]\n" +
	"       readiness mapped --framework KEY --org SLUG | --server URL --token T [--limit N] [--cursor C] [--format text|json]"

// readinessSource is where readiness is read: this machine's data (--org) or a running server.
type readinessSource struct {
	org    *string
	remote remote
}

func (s *readinessSource) flags(env *Env, fs *flag.FlagSet) error {
	if err := s.remote.flags(env, fs); err != nil {
		return err
	}
	s.org = fs.String("org", "", "organization slug, to read this machine's data instead of a server")
	return nil
}

func (s *readinessSource) check() error {
	if *s.org != "" && s.remote.server != "" {
		return usageError("use either --server (a running aims) or --org (this machine's data), not both")
	}
	if *s.org == "" {
		return s.remote.validate()
	}
	return nil
}

// runReadiness prints how far the organization is from its certification audit: the items ready, the
// roll-ups by clause, Annex A group and mapped framework, and the first gaps with their next action and
// owner. With --min-percent it exits 1 when fewer items than that share are ready, for a pipeline.
func runReadiness(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "systems" {
		return runReadinessSystems(ctx, env, args[1:])
	}
	if len(args) > 0 && args[0] == "mapped" {
		return runReadinessMapped(ctx, env, args[1:])
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "readiness", readinessUsage)
	c.StoreFlags(fs)
	var src readinessSource
	if err := src.flags(env, fs); err != nil {
		return err
	}
	gaps := fs.Int("gaps", 20, "how many gaps to list (at most 100)")
	minPercent := fs.Int("min-percent", -1, "exit 1 when fewer than this share (0-100) of the items are ready")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	if *minPercent > 100 || *minPercent < -1 {
		return usageError("--min-percent must be between 0 and 100")
	}
	if *gaps < 0 {
		return usageError("--gaps must be 0 or more")
	}
	if err := src.check(); err != nil {
		return err
	}
	var r *readiness.Readiness
	if *src.org != "" {
		db, o, sv, err := orgServices(ctx, &c, *src.org)
		if err != nil {
			return err
		}
		defer db.Close()
		if r, err = sv.Readiness.Compute(ctx, o.ID); err != nil {
			return err
		}
	} else {
		r = &readiness.Readiness{}
		if err := src.remote.get(ctx, "/api/v1/readiness", r); err != nil {
			return err
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			return err
		}
	} else if err := writeReadiness(env.Stdout, r, *gaps); err != nil {
		return err
	}
	if *minPercent >= 0 && r.Overall.Percent < *minPercent {
		return &CheckFailed{msg: fmt.Sprintf("readiness is %d%%, under the %d%% asked for: %d gaps", r.Overall.Percent, *minPercent, r.GapCount)}
	}
	return nil
}

func writeReadiness(w io.Writer, r *readiness.Readiness, gaps int) error {
	o := r.Overall
	fmt.Fprintf(w, "readiness: %d of %d items ready (%d%%), %d gaps\n", o.Ready, o.Items, o.Percent, r.GapCount)
	fmt.Fprintf(w, "  decided %d, owned %d, implemented %d, evidenced %d, fresh %d (of %d applicable)\n\n",
		o.Decided, o.Owned, o.Implemented, o.Evidenced, o.Fresh, o.Applicable)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, part := range []struct {
		title string
		rs    []readiness.Rollup
	}{{"BY CLAUSE", r.Clauses}, {"BY ANNEX A GROUP", r.Groups}} {
		fmt.Fprintf(tw, "%s\tREADY\t\n", part.title)
		for _, ru := range part.rs {
			fmt.Fprintf(tw, "  %s\t%d of %d\t%d%%\n", ru.Title, ru.Ready, ru.Items, ru.Percent)
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintf(tw, "MAPPED FRAMEWORK\tREADY\t\tCOVERED\t\n")
	for _, m := range r.Mapped {
		fmt.Fprintf(tw, "  %s\t%d of %d\t%d%%\t%d of %d (%d partly)\t%d%%\n", m.Title, m.Readiness.Ready, m.Readiness.Items,
			m.Readiness.Percent, m.Covered, m.Targets, m.Partial, m.Percent)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(r.Lapsing) > 0 {
		fmt.Fprintf(w, "\nevidence lapsing within %d days:\n", readiness.ExpiryWarningDays)
		for _, it := range r.Lapsing {
			fmt.Fprintf(w, "  %s %s on %s\n", it.Ref, it.Title, it.LapsesOn)
		}
	}
	if gaps > 0 && len(r.Gaps) > 0 {
		shown := r.Gaps[:min(gaps, len(r.Gaps))]
		fmt.Fprintf(w, "\nfirst %d of %d gaps, in the standard's order:\n", len(shown), r.GapCount)
		for _, it := range shown {
			owner := ""
			if it.OwnerName != "" {
				owner = " (owner: " + it.OwnerName + ")"
			}
			fmt.Fprintf(w, "  %-8s %-9s %s%s\n", it.Ref, it.Step, it.Next, owner)
		}
	}
	fmt.Fprintf(w, "\nmapped frameworks, requirement by requirement: aims readiness mapped --framework %s\n", readiness.MappedFrameworks[0])
	if r.Systems.More || len(r.Systems.Shown) > 0 {
		fmt.Fprintf(w, "\nAI systems against their release gate: aims readiness systems\n")
	}
	return nil
}

// readinessList is one of readiness's paged lists, read from this machine's data or from a server.
type readinessList struct {
	name string // the subcommand
	// extra adds the list's own flags; local reads a page from the services; path is the API's path and
	// query for a page, without limit and cursor; write prints the page as text.
	extra func(fs *flag.FlagSet)
	check func() error
	local func(ctx context.Context, sv *app.Services, orgID string, p aims.Page) error
	path  func() string
	// page is where the page and its next cursor go; args repeats the list's own flags for the next page.
	page  func() (page any, next *string)
	args  func() string
	write func(w io.Writer) error
}

// run parses args and prints a page of the list.
func (l *readinessList) run(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "readiness "+l.name, readinessUsage)
	c.StoreFlags(fs)
	var src readinessSource
	if err := src.flags(env, fs); err != nil {
		return err
	}
	if l.extra != nil {
		l.extra(fs)
	}
	limit := fs.Int("limit", 50, "items per page (at most "+strconv.Itoa(aims.MaxPageLimit)+")")
	cursor := fs.String("cursor", "", "where the page starts: the cursor the previous page printed")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	if *limit < 1 || *limit > aims.MaxPageLimit {
		return usageError("--limit must be between 1 and %d", aims.MaxPageLimit)
	}
	if l.check != nil {
		if err := l.check(); err != nil {
			return err
		}
	}
	if err := src.check(); err != nil {
		return err
	}
	page, next := l.page()
	if *src.org != "" {
		db, o, sv, err := orgServices(ctx, &c, *src.org)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := l.local(ctx, sv, o.ID, aims.Page{Limit: *limit, Cursor: *cursor}); err != nil {
			return err
		}
	} else {
		q := url.Values{"limit": {strconv.Itoa(*limit)}}
		if *cursor != "" {
			q.Set("cursor", *cursor)
		}
		path := l.path()
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		if err := src.remote.get(ctx, path+sep+q.Encode(), page); err != nil {
			return err
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(page)
	}
	if err := l.write(env.Stdout); err != nil {
		return err
	}
	if *next != "" {
		args := ""
		if l.args != nil {
			args = l.args()
		}
		fmt.Fprintf(env.Stdout, "more: aims readiness %s %s%s--cursor %s\n", l.name, sourceArgs(&src), args, *next)
	}
	return nil
}

// runReadinessSystems prints a page of the organization's systems, by name, each against the release
// gate of its next stage: the roll-up by AI system.
func runReadinessSystems(ctx context.Context, env *Env, args []string) error {
	var page api.List[readiness.SystemState]
	l := readinessList{name: "systems",
		local: func(ctx context.Context, sv *app.Services, orgID string, p aims.Page) error {
			var err error
			page.Items, page.NextCursor, err = sv.Readiness.SystemsPage(ctx, orgID, p)
			return err
		},
		path: func() string { return "/api/v1/readiness/systems" },
		page: func() (any, *string) { return &page, &page.NextCursor },
		write: func(w io.Writer) error {
			tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SYSTEM\tSTAGE\tGATE\tSTATE\tMET\tFIRST UNMET")
			for _, s := range page.Items {
				state := "open"
				if !s.Open {
					state = "closed"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d of %d\t%s\n", s.Name, s.Stage, s.Gate, state, s.Met, s.Conditions, dash(s.Missing))
			}
			return tw.Flush()
		}}
	return l.run(ctx, env, args)
}

// runReadinessMapped prints the readiness of a mapped framework through the crosswalks, with a page of
// its requirements, each with its next action.
func runReadinessMapped(ctx context.Context, env *Env, args []string) error {
	var key *string
	var page struct {
		readiness.MappedReadiness
		NextCursor string `json:"next_cursor,omitempty"`
	}
	l := readinessList{name: "mapped",
		extra: func(fs *flag.FlagSet) {
			key = fs.String("framework", "", "the mapped framework: "+strings.Join(readiness.MappedFrameworks, " or "))
		},
		check: func() error {
			if *key == "" {
				return usageError("--framework is required: %s", strings.Join(readiness.MappedFrameworks, " or "))
			}
			return nil
		},
		local: func(ctx context.Context, sv *app.Services, orgID string, p aims.Page) error {
			m, next, err := sv.Readiness.MappedPage(ctx, orgID, *key, p)
			if err == nil {
				page.MappedReadiness, page.NextCursor = *m, next
			}
			return err
		},
		args: func() string { return "--framework " + *key + " " },
		path: func() string { return "/api/v1/readiness/mapped?" + url.Values{"framework": {*key}}.Encode() },
		page: func() (any, *string) { return &page, &page.NextCursor },
		write: func(w io.Writer) error {
			ru := page.Rollup
			fmt.Fprintf(w, "%s: %d of %d requirements ready (%d%%) through the crosswalks; %d covered by implemented items\n",
				page.Title, ru.Ready, ru.Items, ru.Percent, page.Covered)
			fmt.Fprintf(w, "  scope: %s\n  decided %d, owned %d, implemented %d, evidenced %d, fresh %d\n\n",
				page.Scope, ru.Decided, ru.Owned, ru.Implemented, ru.Evidenced, ru.Fresh)
			tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "REQUIREMENT\t\tSTEP\tBY\tOWNER\tNEXT ACTION")
			for _, it := range page.Items {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", it.Ref, shorten(it.Title, 40), it.Step, dash(it.By), dash(it.OwnerName), dash(it.Next))
			}
			return tw.Flush()
		}}
	return l.run(ctx, env, args)
}

// sourceArgs repeats the flags that chose src, for the command of the next page.
func sourceArgs(src *readinessSource) string {
	if *src.org != "" {
		return "--org " + *src.org + " "
	}
	return "--server " + src.remote.server + " "
}
