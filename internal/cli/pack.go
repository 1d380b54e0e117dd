package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/auditpack"
)

// runPack exports the audit pack for a certification body.
func runPack(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		return usageError("usage: aims pack export --org SLUG --out FILE.zip [--key KEYFILE]")
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "pack export", "pack export --org SLUG --out FILE.zip [--key KEYFILE]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	out := fs.String("out", "", "the zip file to write, only once whole (required)")
	keyFile := fs.String("key", "", "private key made by 'aims audit keygen', to sign the activity trail's checkpoint in the pack")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := required("org", *org, "out", *out); err != nil {
		return err
	}
	pk := auditpack.Pack{}
	if *keyFile != "" {
		if pk.Key, err = activity.ReadPrivateKey(*keyFile); err != nil {
			return usageError("--key: %s", err)
		}
	}
	db, o, sv, err := orgServices(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	key := pk.Key
	pk = *sv.Pack
	pk.Key = key
	var m counter
	if err := writeFileAtomically(*out, func(w io.Writer) error {
		return pk.Write(ctx, auditpack.Org{ID: o.ID, Slug: o.Slug, Name: o.Name, By: "aims pack export"}, &counterWriter{w, &m})
	}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "wrote the audit pack of %s to %s (%d bytes); manifest.json lists every file's SHA-256\n", o.Slug, *out, m.n)
	return nil
}

type counter struct{ n int64 }

type counterWriter struct {
	w io.Writer
	c *counter
}

func (cw *counterWriter) Write(p []byte) (int, error) {
	n, err := cw.w.Write(p)
	cw.c.n += int64(n)
	return n, err
}
