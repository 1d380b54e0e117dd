package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evaluation"
)

func octets() http.Header { return http.Header{"Content-Type": {"application/octet-stream"}} }

// TestEvaluationsThroughTheAPI: an ML engineer's token imports each sample (format told from the
// content, or named), the runs are listed and paged, a run answers its metrics and failing cases;
// broken files are 400 naming where, an unknown media type 415, a file over the limit 413; a manager sets
// the criteria, which re-judge the runs.
func TestEvaluationsThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	maya := e.member(t, acme, aims.RoleManager)
	priya := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	base := "/api/v1/systems/" + s.ID + "/evaluations"

	var ids []string
	for _, f := range []struct{ file, query string }{
		{"promptfoo-sample-export-v0.118.10.json", ""},
		{"garak-agg.report.jsonl", "?format=garak"},
		{"lm-eval_results_2026-07-08T18-15-33.115417_Qwen3-8B_negotiationtom.json", "?filename=results.json"},
		{"inspect_ai-log_read_sample.json", "?format=inspect"},
	} {
		var r evaluation.Run
		res := e.send(t, call{method: "POST", path: base + f.query, token: priya.Token, body: evalSample(t, f.file), header: octets()}).want(t, 201)
		res.decode(t, &r)
		if res.header.Get("Location") != "/api/v1/evaluations/"+r.ID || len(r.Metrics) == 0 {
			t.Errorf("%s: %+v", f.file, r)
		}
		ids = append(ids, r.ID)
	}

	pf := evalSample(t, "promptfoo-sample-export-v0.118.10.json")
	e.send(t, call{method: "POST", path: base, token: priya.Token, body: pf[:len(pf)/2], header: octets()}).wantProblem(t, 400, "invalid", "file")
	e.send(t, call{method: "POST", path: base, token: priya.Token, body: []byte(`{"hello": 1}`), header: octets()}).wantProblem(t, 400, "invalid", "format")
	e.send(t, call{method: "POST", path: base + "?format=junit", token: priya.Token, body: pf, header: octets(), offContract: true}).
		wantProblem(t, 400, "invalid", "format")
	e.send(t, call{method: "POST", path: base, token: priya.Token, body: pf, header: http.Header{"Content-Type": {"text/html"}}, offContract: true}).
		wantProblem(t, 415, "media_type", "")
	old := e.Evaluations.MaxBytes
	e.Evaluations.MaxBytes = 1000
	e.send(t, call{method: "POST", path: base, token: priya.Token, body: pf, header: octets()}).wantProblem(t, 413, "too_large", "")
	e.Evaluations.MaxBytes = old
	e.send(t, call{method: "POST", path: "/api/v1/systems/" + aims.NewID() + "/evaluations", token: priya.Token, body: pf, header: octets()}).
		wantProblem(t, 404, "not_found", "")

	var page struct {
		Items      []evaluation.Run
		NextCursor string `json:"next_cursor"`
	}
	e.do(t, "GET", base+"?limit=3", priya.Token, nil).want(t, 200).decode(t, &page)
	if len(page.Items) != 3 || page.NextCursor == "" || page.Items[0].ID != ids[3] {
		t.Fatalf("first page: %d runs, next %q", len(page.Items), page.NextCursor)
	}
	cursor := page.NextCursor
	page.NextCursor = ""
	e.do(t, "GET", base+"?limit=3&cursor="+cursor, priya.Token, nil).want(t, 200).decode(t, &page)
	if len(page.Items) != 1 || page.NextCursor != "" || page.Items[0].ID != ids[0] {
		t.Fatalf("second page: %+v", page)
	}
	e.do(t, "GET", "/api/v1/evaluations?tool=garak", priya.Token, nil).want(t, 200).decode(t, &page)
	if len(page.Items) != 1 || page.Items[0].Tool != "garak" {
		t.Errorf("garak runs: %+v", page.Items)
	}
	e.send(t, call{method: "GET", path: "/api/v1/evaluations?tool=junit", token: priya.Token, offContract: true}).wantProblem(t, 400, "invalid", "tool")

	e.do(t, "GET", base+"?cursor=A", priya.Token, nil).wantProblem(t, 400, "invalid", "cursor")

	var d struct {
		evaluation.Run
		FailingCases []struct{ Prompt, Reason string } `json:"failing_cases"`
		Next         string                            `json:"failing_cases_next_cursor"`
	}
	e.do(t, "GET", "/api/v1/evaluations/"+ids[0]+"?cases_limit=3", priya.Token, nil).want(t, 200).decode(t, &d)
	if len(d.FailingCases) != 3 || d.Next == "" || !strings.Contains(d.FailingCases[0].Reason, "Latency") {
		t.Fatalf("promptfoo run: %d cases, next %q", len(d.FailingCases), d.Next)
	}
	cursor = d.Next
	d.Next = ""
	e.do(t, "GET", "/api/v1/evaluations/"+ids[0]+"?cases_cursor="+cursor, priya.Token, nil).want(t, 200).decode(t, &d)
	if len(d.FailingCases) != 1 || d.Next != "" {
		t.Errorf("second page of cases: %d, next %q", len(d.FailingCases), d.Next)
	}
	e.send(t, call{method: "GET", path: "/api/v1/evaluations/" + ids[0] + "?cases_limit=1000", token: priya.Token, offContract: true}).wantProblem(t, 400, "invalid", "cases_limit")
	e.do(t, "GET", "/api/v1/evaluations/"+aims.NewID(), priya.Token, nil).wantProblem(t, 404, "not_found", "")

	crit := "/api/v1/systems/" + s.ID + "/evaluation-criteria"
	rules := map[string]any{"rules": []map[string]any{{"tool": "lm-eval", "measure": "metric", "metric": "acc", "task": "negotiationtom", "op": ">=", "threshold": 0.5},
		{"tool": "inspect", "measure": "metric", "metric": "f1", "op": ">=", "threshold": 0.5}}}
	e.do(t, "PUT", crit, priya.Token, rules).wantProblem(t, 403, "forbidden", "")
	e.do(t, "PUT", crit, maya.Token, map[string]any{"rules": []map[string]any{{"tool": "lm-eval", "measure": "metric", "op": ">=", "threshold": 0.5}}}).
		wantProblem(t, 400, "invalid", "rules[0]")
	var c evaluation.Criteria
	e.do(t, "PUT", crit, maya.Token, rules).want(t, 200).decode(t, &c)
	if c.Rev != 1 || len(c.Rules) != 2 {
		t.Errorf("criteria %+v", c)
	}
	res := e.do(t, "GET", crit, priya.Token, nil).want(t, 200)
	res.decode(t, &c)
	if res.header.Get("ETag") != `"1"` {
		t.Errorf("criteria ETag %q", res.header.Get("ETag"))
	}
	// If-Match guards against setting rules over someone else's.
	e.send(t, call{method: "PUT", path: crit, token: maya.Token, body: rules, header: http.Header{"If-Match": {`"7"`}}}).wantProblem(t, 412, "precondition", "")
	e.send(t, call{method: "PUT", path: crit, token: maya.Token, body: rules, header: http.Header{"If-Match": {`"1"`}}}).want(t, 200).decode(t, &c)
	if c.Rev != 2 {
		t.Errorf("criteria after If-Match: %+v", c)
	}
	e.do(t, "GET", "/api/v1/evaluations/"+ids[2], priya.Token, nil).want(t, 200).decode(t, &d)
	if d.Verdict != "pass" {
		t.Errorf("lm-eval run: %s %+v", d.Verdict, d.Results)
	}
	e.do(t, "GET", "/api/v1/evaluations/"+ids[3], priya.Token, nil).want(t, 200).decode(t, &d)
	if d.Verdict != "fail" || d.Results[0].Outcome != "unmet" {
		t.Errorf("inspect run: %s %+v", d.Verdict, d.Results)
	}
}

// TestAnInspectEvalArchiveThroughTheAPI: Inspect's default log, the .eval zip archive, is pushed as
// application/zip and imported with its samples counted; a truncated archive is a 400 naming it.
func TestAnInspectEvalArchiveThroughTheAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	acme := e.org(t, "acme")
	priya := e.member(t, acme, aims.RoleContributor)
	s := e.seedSystem(t, acme.ID)
	base := "/api/v1/systems/" + s.ID + "/evaluations"
	zipped := http.Header{"Content-Type": {"application/zip"}}
	archive := evalSample(t, "inspect_ai-log_read_sample.eval")
	var r evaluation.Run
	e.send(t, call{method: "POST", path: base + "?filename=popularity.eval", token: priya.Token, body: archive, header: zipped}).want(t, 201).decode(t, &r)
	if r.Tool != "inspect" || r.Status != "success" || r.Counts.Total != 3 || r.Counts.Failed != 1 || r.Filename != "popularity.eval" {
		t.Errorf("the .eval run: %+v", r)
	}
	e.send(t, call{method: "POST", path: base, token: priya.Token, body: archive[:len(archive)/2], header: zipped}).
		wantProblem(t, 400, "invalid", "file")
}
