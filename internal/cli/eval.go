package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evaluation/ingest"
	"github.com/aimsproject/aims/internal/store"
)

const evalUsage = "usage: aims eval import|push|list|show|compare|criteria ..."

// runEval imports evaluation and red-teaming result files and sets the acceptance criteria they are
// judged against.
func runEval(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(evalUsage)
	}
	switch args[0] {
	case "import":
		return runEvalImport(ctx, env, args[1:])
	case "push":
		return runEvalPush(ctx, env, args[1:])
	case "list":
		return runEvalList(ctx, env, args[1:])
	case "show":
		return runEvalShow(ctx, env, args[1:])
	case "compare":
		return runEvalCompare(ctx, env, args[1:])
	case "criteria":
		return runEvalCriteria(ctx, env, args[1:])
	}
	return usageError("unknown eval command %q: use import, push, list, show, compare or criteria", args[0])
}

func checkFormatFlag(f string) error {
	if _, err := ingest.ParseFormat(f); err != nil {
		return usageError("--format must be %s", strings.Join(ingest.Formats, ", "))
	}
	return nil
}

// runEvalImport imports a result file into the store as a run of a system.
func runEvalImport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "eval import", "eval import --org SLUG --system ID|NAME FILE [--format promptfoo|garak|lm-eval|inspect] [--as EMAIL]")
	c.StoreFlags(fs)
	c.ImportFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysRef := fs.String("system", "", "the id or name of the AI system (required)")
	format := fs.String("format", "", "the file's format: promptfoo, garak, lm-eval or inspect (default: told from the content)")
	as := fs.String("as", "", "the email address of the member who imports it (default: the command line)")
	file, rest := fileArg(args)
	if err := parse(fs, rest); err != nil {
		return err
	}
	if err := required("org", *org, "system", *sysRef, "FILE", file); err != nil {
		return err
	}
	if err := checkFormatFlag(*format); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return usageError("%s", err)
	}
	defer f.Close()
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *sysRef)
	if err != nil {
		return err
	}
	actx, err := evalActor(ctx, db, o, *as, aims.ActionCreate)
	if err != nil {
		return err
	}
	r, err := sv.Evaluations.Import(actx, o.ID, s.ID, evaluation.Import{Body: f, Format: *format, Filename: baseName(file)})
	if err != nil {
		return evalFileError(file, err)
	}
	printImported(env, r)
	return nil
}

// evalActor returns the context a change acts in: the command line's, or the member as names, whose
// role must allow action on evaluations.
func evalActor(ctx context.Context, db *store.DB, o *account.Organization, as string, action aims.Action) (context.Context, error) {
	if as == "" {
		return operator(ctx), nil
	}
	actx, err := asMember(ctx, db, o.ID, o.Slug, as)
	if err != nil {
		return nil, err
	}
	if err := aims.Authorize(aims.ActorFrom(actx).Role, action, aims.ResEvaluation); err != nil {
		return nil, err
	}
	return actx, nil
}

// evalFileError names the file in an import's error.
func evalFileError(file string, err error) error {
	var e *aims.Error
	if errors.As(err, &e) {
		return &aims.Error{Code: e.Code, Message: baseName(file) + ": " + e.Message}
	}
	return err
}

func printImported(env *Env, r *evaluation.Run) {
	fmt.Fprintf(env.Stderr, "imported %s %s run %s of %s: %d tests, %d passed, %d failed, %d errors; verdict %s\n",
		r.Tool, dash(r.ToolVersion), r.ID, r.SystemName, r.Counts.Total, r.Counts.Passed, r.Counts.Failed, r.Counts.Errors, r.Verdict)
	for _, res := range r.Results {
		if res.Outcome != evaluation.OutcomePass {
			fmt.Fprintf(env.Stderr, "  %s: %s (%s)\n", res.Outcome, res.Rule, res.Detail)
		}
	}
	for _, n := range r.Notes {
		fmt.Fprintf(env.Stderr, "  note: %s\n", n)
	}
	fmt.Fprintln(env.Stdout, r.ID)
}

// runEvalPush sends a result file to a running server (POST /api/v1/systems/{id}/evaluations) with an
// API token: what a CI pipeline runs after its evaluation step.
func runEvalPush(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "eval push", "eval push --server URL --token T --system ID|NAME FILE [--format promptfoo|garak|lm-eval|inspect]")
	var rm remote
	if err := rm.flags(env, fs); err != nil {
		return err
	}
	sysRef := fs.String("system", "", "the id or name of the AI system (required)")
	format := fs.String("format", "", "the file's format (default: told from the content)")
	file, rest := fileArg(args)
	if err := parse(fs, rest); err != nil {
		return err
	}
	if err := required("system", *sysRef, "FILE", file); err != nil {
		return err
	}
	if err := checkFormatFlag(*format); err != nil {
		return err
	}
	if err := rm.validate(); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return usageError("%s", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return usageError("%s", err)
	}
	sysID, err := rm.systemID(ctx, *sysRef)
	if err != nil {
		return err
	}
	q := url.Values{"filename": {baseName(file)}}
	if *format != "" {
		q.Set("format", *format)
	}
	var r evaluation.Run
	if err := rm.send(ctx, http.MethodPost, "/api/v1/systems/"+sysID+"/evaluations?"+q.Encode(), "application/octet-stream", f, st.Size(), &r); err != nil {
		return err
	}
	printImported(env, &r)
	return nil
}

func runEvalList(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "eval list", "eval list --org SLUG [--system ID|NAME] [--tool TOOL] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysRef := fs.String("system", "", "only the runs of this AI system")
	tool := fs.String("tool", "", "only the runs of this tool")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	f := evaluation.Filter{Tool: *tool}
	if *sysRef != "" {
		s, err := systemByRef(ctx, db, o.ID, *sysRef)
		if err != nil {
			return err
		}
		f.SystemID = s.ID
	}
	each := func(fn func(*evaluation.Run) error) error {
		return eachPage(func(p aims.Page) ([]*evaluation.Run, string, error) { return sv.Evaluations.List(ctx, o.ID, f, p) }, fn)
	}
	return writeItems(env.Stdout, *format, "ID\tSYSTEM\tTOOL\tMODEL\tSTATUS\tTESTS\tFAILED\tVERDICT\tIMPORTED", each, func(r *evaluation.Run) string {
		return fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s", r.ID, r.SystemName, r.Tool, dash(r.Model), r.Status, r.Counts.Total,
			r.Counts.Failed+r.Counts.Errors, r.Verdict, r.CreatedAt.Format("2006-01-02 15:04"))
	})
}

func runEvalShow(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "eval show", "eval show --org SLUG ID [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	format := fs.String("format", "text", "text or json")
	id, rest := fileArg(args)
	if err := parse(fs, rest); err != nil {
		return err
	}
	if err := required("org", *org, "ID", id); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := sv.Evaluations.Run(ctx, o.ID, id)
	if err != nil {
		return err
	}
	cases, _, err := sv.Evaluations.Cases(ctx, o.ID, id, aims.Page{Limit: 20})
	if err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			*evaluation.Run
			FailingCases []ingest.Case `json:"failing_cases"`
		}{r, cases})
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s run of %s\nmodel: %s\nname: %s\nstatus: %s\nverdict: %s\n", r.Tool, dash(r.ToolVersion), r.SystemName,
		dash(r.Model), dash(r.Name), r.Status, r.Verdict)
	fmt.Fprintf(&b, "tests: %d, passed %d, failed %d, errors %d\n", r.Counts.Total, r.Counts.Passed, r.Counts.Failed, r.Counts.Errors)
	for _, res := range r.Results {
		fmt.Fprintf(&b, "rule %s: %s %s %s\n", res.Rule, res.Outcome, res.Value, res.Detail)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "note: %s\n", n)
	}
	b.WriteString("\nTASK\tMETRIC\tVALUE\tSTDERR\n")
	for _, m := range r.Metrics {
		se := "-"
		if m.Stderr != nil {
			se = m.Stderr.String()
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\t%s\n", dash(m.Task), m.Name, m.Value.String(), se)
	}
	if len(cases) > 0 {
		fmt.Fprintf(&b, "\nfailing cases (%d kept, %d more not kept; the first %d):\n", r.CasesKept, r.CasesMore, len(cases))
		for _, k := range cases {
			fmt.Fprintf(&b, "- %s: %s\n", dash(k.Task), oneLine(k.Reason, 160))
		}
	}
	_, err = env.Stdout.Write(b.Bytes())
	return err
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func runEvalCriteria(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return usageError("usage: aims eval criteria show|set --org SLUG --system NAME [FILE]")
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	set := args[0] == "set"
	fs := newFlags(env, "eval criteria "+args[0], "eval criteria "+args[0]+" --org SLUG --system ID|NAME"+map[bool]string{true: " --as EMAIL FILE"}[set])
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysRef := fs.String("system", "", "the id or name of the AI system (required)")
	as := fs.String("as", "", "the email address of the manager who sets them (set; default: the command line)")
	format := fs.String("format", "text", "text (one rule a line) or json (show)")
	file, rest := fileArg(args[1:])
	if err := parse(fs, rest); err != nil {
		return err
	}
	if err := required("org", *org, "system", *sysRef); err != nil {
		return err
	}
	if set && file == "" {
		return usageError("eval criteria set needs a FILE of rules: one a line (TOOL MEASURE [TASK] OP THRESHOLD) or JSON {\"rules\": [...]}")
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *sysRef)
	if err != nil {
		return err
	}
	if !set {
		cr, err := sv.Evaluations.Criteria(ctx, o.ID, s.ID)
		if err != nil {
			return err
		}
		if *format == "json" {
			enc := json.NewEncoder(env.Stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(cr)
		}
		_, err = io.WriteString(env.Stdout, evaluation.FormatRules(cr.Rules))
		return err
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return usageError("%s", err)
	}
	var rules []evaluation.Rule
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var body struct {
			Rules []evaluation.Rule `json:"rules"`
		}
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&body); err != nil {
			return &aims.Error{Code: aims.EINVALID, Message: fmt.Sprintf("%s: %v", baseName(file), err), Field: "rules"}
		}
		rules = body.Rules
	} else if rules, err = evaluation.ParseRules(string(b)); err != nil {
		return err
	}
	actx, err := evalActor(ctx, db, o, *as, aims.ActionUpdate)
	if err != nil {
		return err
	}
	cr, err := sv.Evaluations.SetCriteria(actx, o.ID, s.ID, rules, 0)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "set %d acceptance rules of %s; its runs are judged again\n", len(cr.Rules), s.Name)
	return nil
}
