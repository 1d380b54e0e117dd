package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/aimsproject/aims/internal/account"
	"github.com/aimsproject/aims/internal/activity"
)

func runAudit(ctx context.Context, env *Env, args []string) error {
	const use = "usage: aims audit verify [--org SLUG] [--format text|json] [--checkpoint FILE|DIR ... --pub KEYFILE.pub]" +
		" | aims audit export --org SLUG | aims audit keygen --out KEYFILE | aims audit checkpoint --org SLUG --key KEYFILE [--out FILE]"
	if len(args) == 0 {
		return usageError(use)
	}
	switch args[0] {
	case "verify":
		return runAuditVerify(ctx, env, args[1:])
	case "export":
		return runAuditExport(ctx, env, args[1:])
	case "keygen":
		return runAuditKeygen(ctx, env, args[1:])
	case "checkpoint":
		return runAuditCheckpoint(ctx, env, args[1:])
	}
	return usageError("unknown audit command %q: use verify, export, keygen or checkpoint", args[0])
}

// orgVerification is the result of verifying one organization's trail, and the checkpoints of it given.
type orgVerification struct {
	Org         string             `json:"org"`
	OK          bool               `json:"ok"`
	Entries     int64              `json:"entries"`
	Break       *activity.Break    `json:"break,omitempty"`
	Checkpoints []checkpointResult `json:"checkpoints,omitempty"`
}

func runAuditVerify(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "audit verify", "audit verify [--org SLUG] [--format text|json] [--checkpoint FILE|DIR ... --pub KEYFILE.pub]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "verify only this organization (default: all)")
	format := fs.String("format", "text", "text or json")
	var cpPaths stringList
	fs.Var(&cpPaths, "checkpoint", "a signed checkpoint file, or a directory of them, that the trail must extend (repeatable)")
	pubFile := fs.String("pub", "", "public key that signed the checkpoints (KEYFILE.pub)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageError("--format must be text or json")
	}
	if (len(cpPaths) == 0) != (*pubFile == "") {
		return usageError("--checkpoint and --pub go together")
	}
	var cps []*checkpointFile
	if len(cpPaths) > 0 {
		pub, err := activity.ReadPublicKey(*pubFile)
		if err != nil {
			return usageError("--pub: %s", err)
		}
		if cps, err = readCheckpoints(cpPaths, pub); err != nil {
			return err
		}
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
	// Each organization's checkpoints are checked in the pass that verifies its chain.
	byOrg := map[string][]*checkpointFile{}
	var loose []*checkpointFile // unreadable, badly signed, or of an organization not in the database
	for _, cf := range cps {
		if cf.Problem == "" {
			byOrg[cf.Checkpoint.OrgID] = append(byOrg[cf.Checkpoint.OrgID], cf)
		} else if cf.Checkpoint == nil || *org == "" || cf.Checkpoint.OrgSlug == *org {
			loose = append(loose, cf)
		}
	}
	var results []orgVerification
	var failure string
	fail := func(msg string) {
		if failure == "" {
			failure = msg
		}
	}
	for _, o := range orgs {
		v := activity.NewVerifier(o.ID)
		for _, cf := range byOrg[o.ID] {
			v.Watch(cf.Checkpoint.Entries)
		}
		err := db.VerifyActivityWith(ctx, o.ID, v)
		r := orgVerification{Org: o.Slug, OK: err == nil, Entries: v.Count}
		var br *activity.Break
		switch {
		case errors.As(err, &br):
			r.Break = br
			fail(fmt.Sprintf("the activity trail of %s was tampered with: entry %d: %s", o.Slug, br.Seq, br.Reason))
		case err != nil:
			return err
		}
		for _, cf := range byOrg[o.ID] {
			if err := cf.Checkpoint.Check(v); err != nil {
				cf.Problem = err.Error()
				r.OK = false
				fail(fmt.Sprintf("checkpoint %s: %s", cf.Path, cf.Problem))
			}
			r.Checkpoints = append(r.Checkpoints, cf.result())
		}
		delete(byOrg, o.ID)
		results = append(results, r)
	}
	if *org == "" {
		for orgID, group := range byOrg {
			for _, cf := range group {
				cf.Problem = fmt.Sprintf("organization %s (%s) is not in the database (it was deleted)", cf.Checkpoint.OrgSlug, orgID)
				loose = append(loose, cf)
			}
		}
	}
	if len(loose) > 0 {
		r := orgVerification{Org: "", OK: false}
		for _, cf := range loose {
			r.Checkpoints = append(r.Checkpoints, cf.result())
			fail(fmt.Sprintf("checkpoint %s: %s", cf.Path, cf.Problem))
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
		printVerifications(env.Stdout, results)
	}
	if failure != "" {
		return &CheckFailed{msg: failure}
	}
	return nil
}

func printVerifications(w io.Writer, results []orgVerification) {
	for _, r := range results {
		switch {
		case r.Org == "":
		case r.Break == nil:
			fmt.Fprintf(w, "ok      %s: %d entries intact\n", r.Org, r.Entries)
		default:
			fmt.Fprintf(w, "BROKEN  %s: entry %d: %s\n", r.Org, r.Break.Seq, r.Break.Reason)
		}
		for _, cp := range r.Checkpoints {
			if cp.OK {
				fmt.Fprintf(w, "ok      %s: extends checkpoint %s (%d entries at %s)\n", r.Org, cp.File, cp.Entries, cp.At)
			} else {
				fmt.Fprintf(w, "BROKEN  checkpoint %s: %s\n", cp.File, cp.Problem)
			}
		}
	}
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
