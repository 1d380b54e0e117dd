package cli

import (
	"context"
	"fmt"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

func runToken(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		return usageError("usage: aims token create --email E --org SLUG --name N [--role ROLE] [--expires 90d]")
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "token create", "token create --email E --org SLUG --name N [--role ROLE] [--expires 90d]")
	c.StoreFlags(fs)
	email := fs.String("email", "", "the member the token acts for (required)")
	org := fs.String("org", "", "organization slug (required)")
	name := fs.String("name", "", "what the token is for, e.g. ci-pipeline (required)")
	role := fs.String("role", "", "the token's role, no higher than the member's (default: the member's role)")
	expires := fs.String("expires", "never", "lifetime: 12h, 90d, 4w or never")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := required("email", *email, "org", *org, "name", *name); err != nil {
		return err
	}
	var r aims.Role
	if *role != "" {
		if r, err = aims.ParseRole(*role, "role"); err != nil {
			return err
		}
	}
	lifetime, err := account.ParseExpiry(*expires, "expires")
	if err != nil {
		return err
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
	norm, err := account.NormalizeEmail(*email, "email")
	if err != nil {
		return err
	}
	u, err := db.UserByEmail(ctx, norm)
	if err != nil {
		return aims.Errorf(aims.ENOTFOUND, "no user %s", norm)
	}
	m, err := db.MembershipOf(ctx, o.ID, u.ID)
	if err != nil {
		return aims.Errorf(aims.ENOTFOUND, "%s is not a member of %s", norm, o.Slug)
	}
	actx := aims.WithActor(ctx, aims.Actor{Kind: aims.ActorUser, ID: u.ID, Name: u.Name + " (command line)", UserID: u.ID,
		OrgID: o.ID, OrgSlug: o.Slug, Role: m.Role})
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	secret, t, err := sv.Accounts.CreateToken(actx, *name, r, lifetime)
	if err != nil {
		return err
	}
	exp := "never expires"
	if t.ExpiresAt != nil {
		exp = "expires " + t.ExpiresAt.Format("2006-01-02 15:04 MST")
	}
	fmt.Fprintf(env.Stderr, "created token %q (%s, role %s, %s); it is shown only this once:\n", t.Name, t.ID, t.Role, exp)
	fmt.Fprintln(env.Stdout, secret)
	return nil
}
