package cli

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/activity"
)

// runAuditKeygen makes the Ed25519 key pair that signs checkpoints.
func runAuditKeygen(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "audit keygen", "audit keygen --out KEYFILE   (writes KEYFILE, mode 0600, and KEYFILE.pub)")
	out := fs.String("out", "", "file for the private key; the public key goes to FILE.pub (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("out", *out); err != nil {
		return err
	}
	pub, err := activity.GenerateKeyFiles(*out)
	if err != nil {
		return usageError("--out: %s", err)
	}
	fmt.Fprintf(env.Stderr, "Wrote the private key to %s and the public key (key id %s) to %s.pub.\n"+
		"Keep the private key where the database's administrators cannot reach it; give the public key to whoever verifies.\n",
		*out, activity.KeyID(pub), *out)
	return nil
}

// runAuditCheckpoint verifies an organization's trail and writes a checkpoint of it signed with --key.
func runAuditCheckpoint(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "audit checkpoint", "audit checkpoint --org SLUG --key KEYFILE [--out FILE]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	keyFile := fs.String("key", "", "private key made by 'aims audit keygen' (required)")
	out := fs.String("out", "", "write the checkpoint to this file (default: stdout)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "key", *keyFile); err != nil {
		return err
	}
	key, err := activity.ReadPrivateKey(*keyFile)
	if err != nil {
		return usageError("--key: %s", err)
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
	cp, err := activity.TakeCheckpoint(ctx, db, o.ID, o.Slug, key, db.Now())
	var br *activity.Break
	if errors.As(err, &br) {
		return &CheckFailed{msg: fmt.Sprintf("no checkpoint: the activity trail of %s was tampered with: entry %d: %s", o.Slug, br.Seq, br.Reason)}
	}
	if err != nil {
		return err
	}
	if *out == "" {
		return cp.Encode(env.Stdout)
	}
	if err := writeFileAtomically(*out, func(w io.Writer) error { return cp.Encode(w) }); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "Wrote the checkpoint of %s (%d entries) to %s.\n", o.Slug, cp.Entries, *out)
	return nil
}

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// checkpointFile is a checkpoint read for verification, or the reason it could not be used.
type checkpointFile struct {
	Path       string
	Checkpoint *activity.Checkpoint
	Problem    string
}

// readCheckpoints reads the checkpoint files and directories named by paths (a directory's *.json files)
// and checks each signature with pub. A file that cannot be read or whose signature fails has a Problem.
func readCheckpoints(paths []string, pub ed25519.PublicKey) ([]*checkpointFile, error) {
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, usageError("--checkpoint: %s", err)
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		names, err := filepath.Glob(filepath.Join(p, "*.json"))
		if err != nil {
			return nil, usageError("--checkpoint: %s", err)
		}
		if len(names) == 0 {
			return nil, usageError("--checkpoint: %s holds no checkpoint (*.json) files", p)
		}
		sort.Strings(names)
		files = append(files, names...)
	}
	var cps []*checkpointFile
	for _, f := range files {
		cf := &checkpointFile{Path: f}
		cp, err := activity.ReadCheckpointFile(f)
		switch {
		case err != nil:
			cf.Problem = strings.TrimPrefix(err.Error(), f+": ")
		default:
			cf.Checkpoint = cp
			if err := cp.Verify(pub); err != nil {
				cf.Problem = err.Error()
			}
		}
		cps = append(cps, cf)
	}
	return cps, nil
}

// checkpointResult is how one checkpoint fared.
type checkpointResult struct {
	File     string `json:"file"`
	OK       bool   `json:"ok"`
	Entries  int64  `json:"entries,omitempty"`
	HeadHash string `json:"head_hash,omitempty"`
	At       string `json:"at,omitempty"`
	Problem  string `json:"problem,omitempty"`
}

func (cf *checkpointFile) result() checkpointResult {
	r := checkpointResult{File: cf.Path, OK: cf.Problem == "", Problem: cf.Problem}
	if cp := cf.Checkpoint; cp != nil {
		r.Entries, r.HeadHash, r.At = cp.Entries, cp.HeadHash, cp.At.Format(time.RFC3339)
	}
	return r
}
