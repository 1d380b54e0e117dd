package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/app"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/control"
	"github.com/aimsproject/aims/internal/framework"
	"github.com/aimsproject/aims/internal/soaexport"
	"github.com/aimsproject/aims/internal/store"
)

const soaUsage = "usage: aims soa export --org SLUG --format xlsx|csv|pdf|oscal [--version N] [--out FILE] | aims soa show --org SLUG [--version N] | aims soa proposals --org SLUG [--apply --as EMAIL]"

func runSoA(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(soaUsage)
	}
	switch args[0] {
	case "export":
		return runSoAExport(ctx, env, args[1:])
	case "show":
		return runSoAShow(ctx, env, args[1:])
	case "proposals":
		return runSoAProposals(ctx, env, args[1:])
	}
	return usageError("unknown soa command %q: use export, show or proposals", args[0])
}

// soaStore opens the store with the built-in catalog, parsed once for seeding and for the SoA.
func soaStore(ctx context.Context, c *config.Config) (*store.DB, *framework.Catalog, error) {
	cat, err := framework.LoadCatalog()
	if err != nil {
		return nil, nil, err
	}
	db, err := openStoreWith(ctx, c, false, nil, cat)
	return db, cat, err
}

// soaOf returns the organization's live SoA, or its approved version (a number or "live").
func soaOf(ctx context.Context, db *store.DB, cat *framework.Catalog, slug, version string) (*control.SoA, error) {
	o, err := findOrg(ctx, db, slug)
	if err != nil {
		return nil, err
	}
	sv, err := app.NewServices(db, app.ServiceOptions{Catalog: cat})
	if err != nil {
		return nil, err
	}
	return sv.Controls.SoAAt(ctx, o.ID, version, "version")
}

func runSoAExport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "soa export", "soa export --org SLUG --format xlsx|csv|pdf|oscal [--version N] [--out FILE]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	format := fs.String("format", "", "xlsx, csv, pdf or oscal (required)")
	version := fs.String("version", control.Live, "an approved version's number, or live")
	out := fs.String("out", "", "write to this file instead of stdout")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "format", *format); err != nil {
		return err
	}
	if _, err := soaexport.ParseFormat(*format, "format"); err != nil {
		return usageError("--format must be xlsx, csv, pdf or oscal")
	}
	if *out == "" && soaexport.Binary(*format) && isTerminal(env.Stdout) {
		return usageError("%s is a binary format: write it to a file with --out FILE, or redirect stdout", *format)
	}
	db, cat, err := soaStore(ctx, &c)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := soaOf(ctx, db, cat, *org, *version)
	if err != nil {
		return err
	}
	if *out == "" {
		return soaexport.Export(env.Stdout, s, *format)
	}
	if err := writeFileAtomically(*out, func(w io.Writer) error { return soaexport.Export(w, s, *format) }); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote the %s SoA of %s as %s to %s\n", s.VersionName(), *org, *format, *out)
	return nil
}

// writeFileAtomically writes path through a temporary file beside it, renamed into place when write
// succeeds, so that a failed export leaves no half-written file.
func writeFileAtomically(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("cannot create %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}

func runSoAShow(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "soa show", "soa show --org SLUG [--version N]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	version := fs.String("version", control.Live, "an approved version's number, or live")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	db, cat, err := soaStore(ctx, &c)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := soaOf(ctx, db, cat, *org, *version)
	if err != nil {
		return err
	}
	printSoA(env.Stdout, s)
	if n := s.Checks.Failing(); n > 0 {
		return &CheckFailed{msg: fmt.Sprintf("the %s SoA of %s fails %d checks", s.VersionName(), *org, n)}
	}
	return nil
}

// printSoA writes s as a text table under its groups, with the columns aligned across the groups, then
// its summary and checks.
func printSoA(w io.Writer, s *control.SoA) {
	fmt.Fprintf(w, "Statement of Applicability of %s: %s\n", s.Organization.Name, s.VersionName())
	if s.Version > 0 && s.ApprovedAt != nil {
		fmt.Fprintf(w, "approved by %s on %s, sha256 %s\n", s.ApprovedBy, s.ApprovedAt.Format("2006-01-02"), s.Hash)
	}
	cells := func(r *control.Row) []string {
		return []string{r.Ref, control.Label(r.Applicability), control.Label(r.Status), dash(r.Owner), dash(r.TargetDate)}
	}
	width := make([]int, 5)
	for _, r := range s.Rows {
		for i, c := range cells(r) {
			width[i] = max(width[i], len([]rune(c)))
		}
	}
	for _, g := range s.Groups() {
		title := g.Title
		if g.Framework == framework.ISO42001 {
			title = g.Ref + " " + g.Title
		}
		fmt.Fprintf(w, "\n%s\n", title)
		for _, r := range g.Rows {
			var b strings.Builder
			b.WriteString(" ")
			for i, c := range cells(r) {
				fmt.Fprintf(&b, " %-*s", width[i], c)
			}
			fmt.Fprintf(&b, "  %s", shorten(r.Title, 60))
			if r.NoDecision {
				b.WriteString(" [no justification]")
			}
			if r.NoOwner {
				b.WriteString(" [no owner]")
			}
			if r.Overdue {
				b.WriteString(" [overdue]")
			}
			fmt.Fprintln(w, b.String())
		}
	}
	sum := s.Summary
	fmt.Fprintf(w, "\n%d controls: %d applicable (%d implemented, %d partly), %d excluded, %d undecided\n",
		sum.Controls, sum.Applicable, sum.Implemented, sum.Partial, sum.Excluded, sum.Undecided)
	// The command line's words for the checks, in ControlChecks' order.
	words := []string{"without a decision or justification", "applicable without an owner", "not implemented by the target date",
		"applicable, selected by no risk treatment and with no reason of your own", "excluded, yet selected by a risk treatment"}
	for k, c := range s.Checks.ControlChecks() {
		c.What = words[k]
		if len(c.Items) > 0 {
			refs := make([]string, len(c.Items))
			for i, it := range c.Items {
				refs[i] = it.Ref
			}
			fmt.Fprintf(w, "check: %d %s: %s\n", len(c.Items), c.What, strings.Join(refs, " "))
		}
	}
	for _, c := range s.Checks.RiskChecks() {
		if c.Count > 0 {
			refs := make([]string, len(c.Items))
			for i, it := range c.Items {
				refs[i] = it.Ref
			}
			more := ""
			if c.Count > len(c.Items) {
				more = " …"
			}
			fmt.Fprintf(w, "check: %d %s: %s%s\n", c.Count, strings.ToLower(c.What[:1])+c.What[1:], strings.Join(refs, " "), more)
		}
	}
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

// runSoAProposals lists the Annex A controls the AI system inventory suggests apply, and with --apply
// decides the undecided ones (never a decided one).
func runSoAProposals(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "soa proposals", "soa proposals --org SLUG [--apply --as EMAIL]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	apply := fs.Bool("apply", false, "decide the undecided controls proposed as applicable; decided controls are never changed")
	as := fs.String("as", "", "with --apply: the email address of the member who decides (required then)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	if *apply {
		if err := required("as", *as); err != nil {
			return err
		}
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	ps, err := sv.Controls.SystemProposals(ctx, o.ID)
	if err != nil {
		return err
	}
	for _, p := range ps {
		state := p.Applicability
		if p.Conflict {
			state = "excluded (conflict)"
		}
		fmt.Fprintf(env.Stdout, "%s\t%s\t%s\t%s\n", p.Ref, state, p.Title, strings.Join(p.Reasons, "; "))
	}
	if !*apply {
		fmt.Fprintf(env.Stderr, "%d controls proposed by the AI system inventory\n", len(ps))
		return nil
	}
	actx, err := asMember(ctx, db, o.ID, o.Slug, *as)
	if err != nil {
		return err
	}
	if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionUpdate, aims.ResControl); err != nil {
		return err
	}
	cs, err := sv.Controls.ApplySystemProposals(actx, o.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "decided %d controls as applicable; decided controls were not changed\n", len(cs))
	return nil
}
