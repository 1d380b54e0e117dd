package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/api"
	"github.com/aimsproject/aims/internal/gate"
)

const gateUsage = "gate --server URL --token T --system NAME [--stage STAGE] [--format text|json|junit]\n" +
	"       gate --org SLUG --system NAME [--stage STAGE] [--format text|json|junit]   (on this machine's data)\n" +
	"       gate policy show|set --org SLUG ..."

// runGate checks a system against its organization's release gate, on a running server (--server,
// --token: what a CI job runs) or on this machine's data (--org). It exits 0 when every condition of the
// stage holds and 1, after listing every unmet condition with what would satisfy it, when one does not.
func runGate(ctx context.Context, env *Env, args []string) error {
	if len(args) > 0 && args[0] == "policy" {
		return runGatePolicy(ctx, env, args[1:])
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "gate", gateUsage)
	c.StoreFlags(fs)
	var r remote
	if err := r.flags(env, fs); err != nil {
		return err
	}
	org := fs.String("org", "", "organization slug, to check on this machine's data instead of a server")
	name := fs.String("system", "", "the AI system's name or id (required)")
	stage := fs.String("stage", "", "the life-cycle stage to check against (default: the system's own stage), e.g. deployment")
	format := fs.String("format", "text", "text, json, or junit (a JUnit XML report for CI)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("system", *name); err != nil {
		return err
	}
	if *format != "text" && *format != "json" && *format != "junit" {
		return usageError("--format must be text, json or junit")
	}
	var res *gate.Result
	switch {
	case *org != "" && r.server != "":
		return usageError("use either --server (a running aims) or --org (this machine's data), not both")
	case *org != "":
		db, o, sv, err := orgServices(ctx, &c, *org)
		if err != nil {
			return err
		}
		defer db.Close()
		sys, err := sv.Gate.SystemNamed(ctx, o.ID, *name)
		if err != nil {
			return err
		}
		if res, err = sv.Gate.Check(ctx, o.ID, sys.ID, *stage); err != nil {
			return err
		}
	default:
		if err := r.validate(); err != nil {
			return err
		}
		q := url.Values{"system": {*name}}
		if *stage != "" {
			q.Set("stage", *stage)
		}
		res = &gate.Result{}
		if err := r.get(ctx, "/api/v1/gate?"+q.Encode(), res); err != nil {
			return err
		}
	}
	if err := writeGate(env.Stdout, *format, res); err != nil {
		return err
	}
	if !res.Pass {
		return &CheckFailed{msg: fmt.Sprintf("the release gate of %s for %s is closed: %d of %d conditions unmet", res.SystemName,
			res.Stage, len(res.Unmet()), len(res.Conditions))}
	}
	return nil
}

func writeGate(w io.Writer, format string, res *gate.Result) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	case "junit":
		return writeGateJUnit(w, res)
	}
	verdict := "OPEN"
	if !res.Pass {
		verdict = "CLOSED"
	}
	fmt.Fprintf(w, "release gate %s: %s -> %s (policy version %d)\n", verdict, res.SystemName, res.Stage, res.PolicyVersion)
	if len(res.Conditions) == 0 {
		fmt.Fprintln(w, "the policy sets no conditions for this stage")
	}
	for _, c := range res.Conditions {
		mark := "ok   "
		if !c.Met {
			mark = "UNMET"
		}
		fmt.Fprintf(w, "%s %s (%s)\n      %s\n", mark, c.Title, c.Clause, c.Detail)
		for _, it := range c.Items {
			fmt.Fprintf(w, "      - %s %s: %s\n", it.Ref, it.Title, it.Reason)
		}
		if !c.Met && c.Fix != "" {
			fmt.Fprintf(w, "      to satisfy it: %s\n", c.Fix)
		}
	}
	return nil
}

// The JUnit XML report: one test case per condition, a failure for each unmet one, as CI servers
// (GitLab, Jenkins, GitHub's test reporters) read it.
type junitSuites struct {
	XMLName xml.Name     `xml:"testsuites"`
	Suites  []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	ClassName string        `xml:"classname,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Output    string        `xml:"system-out,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func writeGateJUnit(w io.Writer, res *gate.Result) error {
	s := junitSuite{Name: "aims release gate: " + res.SystemName + " -> " + res.Stage, Tests: len(res.Conditions),
		Timestamp: res.CheckedAt.UTC().Format("2006-01-02T15:04:05Z")}
	for _, c := range res.Conditions {
		tc := junitCase{Name: c.Title, ClassName: "aims.gate." + c.Key, Output: c.Detail}
		if !c.Met {
			s.Failures++
			var b strings.Builder
			b.WriteString(c.Detail + "\n")
			for _, it := range c.Items {
				fmt.Fprintf(&b, "- %s %s: %s\n", it.Ref, it.Title, it.Reason)
			}
			if c.Fix != "" {
				b.WriteString("To satisfy it: " + c.Fix + "\n")
			}
			tc.Failure = &junitFailure{Message: c.Detail, Type: "unmet", Text: b.String()}
		}
		s.Cases = append(s.Cases, tc)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(junitSuites{Suites: []junitSuite{s}}); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// runGatePolicy shows or saves the organization's release gate policy on this machine's data.
func runGatePolicy(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return usageError("usage: aims gate policy show|set --org SLUG ...")
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	set := args[0] == "set"
	usage := "gate policy show --org SLUG"
	if set {
		usage = "gate policy set --org SLUG --as EMAIL --file FILE (JSON as gate policy show writes it; its version is the one changed)"
	}
	fs := newFlags(env, "gate policy "+args[0], usage)
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	as, file := new(string), new(string)
	if set {
		as = fs.String("as", "", "the email address of the manager who saves the policy (required)")
		file = fs.String("file", "", "the policy as JSON, as gate policy show writes it (required)")
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := required("org", *org); err != nil {
		return err
	}
	if set {
		if err := required("as", *as, "file", *file); err != nil {
			return err
		}
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	if !set {
		p, err := sv.Gate.Policy(ctx, o.ID)
		if err != nil {
			return err
		}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(p)
	}
	data, err := readLimited(*file, 1<<20+1)
	if err != nil {
		return err
	}
	if len(data) > 1<<20 {
		return fmt.Errorf("%s: a gate policy is at most 1 MiB", *file)
	}
	var p struct {
		Version       int64            `json:"version"`
		Stages        []gate.StageRule `json:"stages"`
		CreatedBy     string           `json:"created_by"`
		CreatedByName string           `json:"created_by_name"`
		CreatedAt     any              `json:"created_at"`
	}
	if err := api.DecodeJSON(bytes.NewReader(data), &p); err != nil {
		return fmt.Errorf("%s: %s", *file, aims.ErrorMessage(err))
	}
	actx, err := asMember(ctx, db, o.ID, o.Slug, *as)
	if err != nil {
		return err
	}
	if err := aims.Authorize(aims.ActorFrom(actx).Role, aims.ActionUpdate, aims.ResGate); err != nil {
		return err
	}
	saved, err := sv.Gate.SavePolicy(actx, o.ID, &gate.Policy{Stages: p.Stages}, p.Version)
	if err != nil {
		if f := aims.ErrorField(err); f != "" {
			return fmt.Errorf("%s: %s: %s", *file, f, aims.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(env.Stderr, "saved version %d of the release gate policy\n", saved.Version)
	return nil
}
