package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evidence"
)

// runEvidencePush uploads a file as evidence to a running server with an API token, as a CI job does,
// linked to an AI system (by name) and to controls. The file is streamed from disk, never read whole.
func runEvidencePush(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "evidence push", "evidence push --server URL --token T --system NAME --control A.6.2.4 FILE [--valid-until YYYY-MM-DD] [--title T] [--source S] [--review]")
	var r remote
	if err := r.flags(env, fs); err != nil {
		return err
	}
	sys := fs.String("system", "", "the AI system the file is evidence of, by name or id")
	var controls multiFlag
	fs.Var(&controls, "control", "a control or clause requirement it evidences: A.6.2.4 (ISO/IEC 42001) or KEY/REF; repeat for several")
	title := fs.String("title", "", "what it is (the file's name when not given)")
	validUntil := fs.String("valid-until", "", "the last date it holds, YYYY-MM-DD")
	collected := fs.String("collected-on", "", "when it was collected, YYYY-MM-DD (today when not given)")
	source := fs.String("source", ciSource(env.Getenv), "where it comes from (the CI run, when aims can tell)")
	review := fs.Bool("review", false, "ask for review: a draft until a manager approves it")
	format := fs.String("format", "text", "text or json")
	pos, err := parseArgs(fs, args, 1, "name one FILE to push")
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	if err := r.validate(); err != nil {
		return err
	}
	path := pos[0]
	f, err := os.Open(path)
	if err != nil {
		return usageError("cannot open %s: %s", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return usageError("%s is not a file", path)
	}
	q := url.Values{"filename": {filepath.Base(path)}}
	for k, v := range map[string]string{"title": *title, "valid_until": *validUntil, "collected_on": *collected, "source": *source} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if *review {
		q.Set("review", "true")
	}
	if *sys != "" {
		id, err := r.systemID(ctx, *sys)
		if err != nil {
			return err
		}
		q.Add("evidences", "system:"+id)
	}
	for _, c := range controls {
		q.Add("evidences", controlRef(c))
	}
	mt := mime.TypeByExtension(strings.ToLower(filepath.Ext(path)))
	if mt == "" {
		mt = "application/octet-stream"
	}
	var e evidence.Evidence
	if err := r.send(ctx, http.MethodPost, "/api/v1/evidence?"+q.Encode(), mt, f, st.Size(), &e); err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(e)
	}
	fmt.Fprintln(env.Stdout, e.ID)
	fmt.Fprintf(env.Stderr, "pushed %s as evidence %q (%s)%s\n", path, e.Title, e.Status, fileNote(&e))
	return nil
}

// ciSource names the CI run aims runs in, from the variables GitHub Actions and GitLab CI set.
func ciSource(getenv func(string) string) string {
	switch {
	case getenv("GITHUB_ACTIONS") == "true":
		return strings.TrimSpace(fmt.Sprintf("CI: GitHub Actions %s run %s", getenv("GITHUB_REPOSITORY"), getenv("GITHUB_RUN_ID")))
	case getenv("GITLAB_CI") == "true":
		return strings.TrimSpace(fmt.Sprintf("CI: GitLab %s job %s", getenv("CI_PROJECT_PATH"), getenv("CI_JOB_ID")))
	}
	return ""
}

// multiFlag is a flag that may be given several times.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// systemID finds the id of the AI system named name (any case; an id is taken as it is).
func (r *remote) systemID(ctx context.Context, name string) (string, error) {
	if aims.ValidID(name) {
		return name, nil
	}
	var l struct {
		Items []struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"items"`
	}
	if err := r.get(ctx, "/api/v1/systems?"+url.Values{"q": {name}, "limit": {"200"}}.Encode(), &l); err != nil {
		return "", err
	}
	var found []string
	for _, s := range l.Items {
		if s.ID == name || strings.EqualFold(s.Name, name) {
			found = append(found, s.ID)
		}
	}
	switch len(found) {
	case 0:
		return "", usageError("the server has no AI system named %q", name)
	case 1:
		return found[0], nil
	}
	return "", usageError("%d AI systems are named %q: give the system's id", len(found), name)
}

// send streams body (size bytes of mediaType) to the API and reads the JSON answer into dst, turning
// problem answers into errors as get does.
func (r *remote) send(ctx context.Context, method, path, mediaType string, body io.Reader, size int64, dst any) error {
	req, err := http.NewRequestWithContext(ctx, method, r.server+path, body)
	if err != nil {
		return usageError("%s", err)
	}
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Content-Type", mediaType)
	req.Header.Set("Accept", "application/json")
	c := *r.http
	c.Timeout = 0 // a large file takes as long as it takes; ctx still ends it
	res, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach %s: %w", r.server, err)
	}
	defer res.Body.Close()
	return r.answer(res, dst)
}
