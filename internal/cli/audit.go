package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
)

func runAudit(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError("usage: aims audit verify [--org SLUG] [--format text|json] | aims audit export --org SLUG")
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, env, args[1:])
	case "export":
		return runAuditExport(ctx, env, args[1:])
	}
	return usageError("unknown audit command %q: use verify or export", args[0])
}

// orgVerification is the result of verifying one organization's trail.
type orgVerification struct {
	Org     string          `json:"org"`
	OK      bool            `json:"ok"`
	Entries int64           `json:"entries"`
	Break   *activity.Break `json:"break,omitempty"`
}

func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "audit verify", "audit verify [--org SLUG] [--format text|json]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "verify only this organization (default: all)")
	format := fs.String("format", "text", "text or json")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	db, err := openStore(ctx, &c, false, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	var orgs []*account.Organization
	if *org != "" {
		o, err := findOrg(ctx, db, *org)
		if err != nil {
			return err
		}
		orgs = append(orgs, o)
	} else if orgs, err = db.ListOrganizations(ctx); err != nil {
		return err
	}
	var results []orgVerification
	var firstBreak *activity.Break
	for _, o := range orgs {
		n, err := db.VerifyActivity(ctx, o.ID)
		r := orgVerification{Org: o.Slug, OK: err == nil, Entries: n}
		var br *activity.Break
		switch {
		case errors.As(err, &br):
			r.Break = br
			if firstBreak == nil {
				firstBreak = br
			}
		case err != nil:
			return err
		}
		results = append(results, r)
	}
	if *format == "json" {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(results); err != nil {
			return err
		}
	} else {
		for _, r := range results {
			if r.OK {
				fmt.Fprintf(env.Stdout, "ok      %s: %d entries intact\n", r.Org, r.Entries)
			} else {
				fmt.Fprintf(env.Stdout, "BROKEN  %s: entry %d: %s\n", r.Org, r.Break.Seq, r.Break.Reason)
			}
		}
	}
	if firstBreak != nil {
		org := firstBreak.OrgID
		for _, o := range orgs {
			if o.ID == org {
				org = o.Slug
			}
		}
		return &CheckFailed{msg: fmt.Sprintf("the activity trail of %s was tampered with: entry %d: %s", org, firstBreak.Seq, firstBreak.Reason)}
	}
	return nil
}

func runAuditExport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "audit export", "audit export --org SLUG > trail.jsonl")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *org == "" {
		return usageError("--org is required")
	}
	db, err := openStore(ctx, &c, false, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	o, err := findOrg(ctx, db, *org)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(env.Stdout)
	return db.EachActivity(ctx, o.ID, func(e *activity.Entry) error { return enc.Encode(e) })
}
