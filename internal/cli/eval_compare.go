package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"text/tabwriter"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation"
)

const evalCompareUsage = "eval compare --org SLUG | --server URL --token T ID [--with ID] [--format text|json]"

// runEvalCompare sets a run beside an earlier one (by default the run of its system and tool before it),
// metric by metric, from this machine's data or a running server.
func runEvalCompare(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "eval compare", evalCompareUsage)
	c.StoreFlags(fs)
	var src readinessSource
	if err := src.flags(env, fs); err != nil {
		return err
	}
	with := fs.String("with", "", "the id of the earlier run (default: the run of the same system and tool before it)")
	format := fs.String("format", "text", "text or json")
	id, rest := fileArg(args)
	if err := parse(fs, rest); err != nil {
		return err
	}
	if id == "" {
		return usageError("give the id of the run to compare (aims eval list shows them)")
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	if err := src.check(); err != nil {
		return err
	}
	var cmp *evaluation.Comparison
	if *src.org != "" {
		db, o, sv, err := orgServices(ctx, &c, *src.org)
		if err != nil {
			return err
		}
		defer db.Close()
		if cmp, err = sv.Evaluations.CompareWith(ctx, o.ID, id, *with); err != nil {
			return err
		}
	} else {
		if !aims.ValidID(id) {
			return usageError("%q is not a run id", id)
		}
		path := "/api/v1/evaluations/" + id + "/compare"
		if *with != "" {
			path += "?" + url.Values{"with": {*with}}.Encode()
		}
		cmp = &evaluation.Comparison{}
		if err := src.remote.get(ctx, path, cmp); err != nil {
			return err
		}
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(cmp)
	}
	w := env.Stdout
	for _, side := range []struct {
		label string
		r     *evaluation.Run
	}{{"before", cmp.From}, {"after ", cmp.To}} {
		fmt.Fprintf(w, "%s %s %s %s run %s of %s, imported %s, verdict %s\n", side.label, side.r.Tool, dash(side.r.ToolVersion),
			dash(side.r.Name), side.r.ID, side.r.SystemName, side.r.CreatedAt.Format("2006-01-02 15:04"), side.r.Verdict)
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TASK\tMETRIC\tBEFORE\tAFTER\tCHANGE")
	for _, r := range cmp.Rows {
		before, after := "-", "-"
		if r.From != nil {
			before = r.From.String()
		}
		if r.To != nil {
			after = r.To.String()
		}
		change := r.Change
		if d := r.DeltaText(); d != "" {
			change += " " + d
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", dash(r.Task), r.Name, before, after, change)
	}
	return tw.Flush()
}
