package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/config"
)

// remote is a client of a running aims server, for commands meant for other machines (CI pipelines,
// release gates). It takes --server URL and --token T, or AIMS_SERVER and AIMS_TOKEN (AIMS_TOKEN_FILE).
type remote struct {
	server string
	token  string
	http   *http.Client
}

func (r *remote) flags(env *Env, fs *flag.FlagSet) error {
	tok, err := config.Secret(env.Getenv, "AIMS_TOKEN")
	if err != nil {
		return usageError("%s", err)
	}
	fs.StringVar(&r.server, "server", env.Getenv("AIMS_SERVER"), "URL of the aims server (AIMS_SERVER)")
	fs.StringVar(&r.token, "token", tok, "API token (AIMS_TOKEN, AIMS_TOKEN_FILE)")
	return nil
}

func (r *remote) validate() error {
	if r.server == "" {
		return usageError("--server (or AIMS_SERVER) is required")
	}
	u, err := url.Parse(r.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return usageError("--server must be an http:// or https:// URL, not %q", r.server)
	}
	if r.token == "" {
		return usageError("--token (or AIMS_TOKEN) is required")
	}
	r.server = strings.TrimRight(r.server, "/")
	r.http = &http.Client{Timeout: 60 * time.Second}
	return nil
}

// apiProblem is the part of a problem+json answer that a person needs.
type apiProblem struct {
	Status int    `json:"status"`
	Detail string `json:"detail"`
	Field  string `json:"field"`
	Code   string `json:"code"`
}

// get fetches path from the API into dst, turning problem answers into errors that say what the server
// said (exit 2 for a refusal of the request, 1 for a server or network failure).
func (r *remote) get(ctx context.Context, path string, dst any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.server+path, nil)
	if err != nil {
		return usageError("%s", err)
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	req.Header.Set("Accept", "application/json")
	res, err := r.http.Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach %s: %w", r.server, err)
	}
	defer res.Body.Close()
	return r.answer(res, dst)
}

// answer reads the API's answer res into dst, or turns a problem answer into an error that says what the
// server said (exit 2 for a refusal of the request, 1 for a server or network failure).
func (r *remote) answer(res *http.Response, dst any) error {
	body, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("cannot read the answer of %s: %w", r.server, err)
	}
	if res.StatusCode >= 400 {
		var p apiProblem
		if json.Unmarshal(body, &p) != nil || p.Detail == "" {
			p.Detail = strings.TrimSpace(string(body))
		}
		msg := fmt.Sprintf("the server answered %d: %s", res.StatusCode, p.Detail)
		if p.Field != "" {
			msg += " (" + p.Field + ")"
		}
		if res.StatusCode < 500 {
			return usageError("%s", msg)
		}
		return fmt.Errorf("%s", msg)
	}
	if err := json.Unmarshal(body, dst); err != nil {
		return fmt.Errorf("the server's answer is not the JSON expected: %w", err)
	}
	return nil
}

func runWhoami(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "whoami", "whoami --server URL --token T [--format text|json]")
	var r remote
	if err := r.flags(env, fs); err != nil {
		return err
	}
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	if err := r.validate(); err != nil {
		return err
	}
	var me struct {
		ActorKind    string `json:"actor_kind"`
		ActorID      string `json:"actor_id"`
		Name         string `json:"name"`
		UserID       string `json:"user_id"`
		Role         string `json:"role"`
		Organization struct {
			ID   string `json:"id"`
			Slug string `json:"slug"`
		} `json:"organization"`
	}
	if err := r.get(ctx, "/api/v1/me", &me); err != nil {
		return err
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(me)
	}
	fmt.Fprintf(env.Stdout, "%s\norganization: %s\nrole: %s\n", me.Name, me.Organization.Slug, me.Role)
	return nil
}
