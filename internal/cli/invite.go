package cli

import (
	"context"
	"fmt"
	"net/url"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/account"
)

// runInvite makes an invitation link at the command line, for an operator with access to the store. Unlike
// aims user create, it makes no one a member: the invitee accepts the link after logging in or creating an
// account with the invited address.
func runInvite(ctx context.Context, env *Env, args []string) error {
	const synopsis = "invite create --org SLUG --email E --role ROLE [--expires 7d] [--public-url URL]"
	if len(args) == 0 || args[0] != "create" {
		return usageError("usage: aims %s", synopsis)
	}
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "invite create", synopsis)
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	email := fs.String("email", "", "the invitee's email address; it need not have an account (required)")
	role := fs.String("role", "", "role on joining: owner, admin, manager, contributor, auditor or viewer (required)")
	expires := fs.String("expires", "7d", "how long the link works: 12h, 7d, 2w, at most 30 days")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "URL people reach aims at, to print a whole link; without it the path is printed (AIMS_PUBLIC_URL)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := required("org", *org, "email", *email, "role", *role); err != nil {
		return err
	}
	r, err := aims.ParseRole(*role, "role")
	if err != nil {
		return err
	}
	lifetime, err := account.ParseInvitationLifetime(*expires, "expires")
	if err != nil {
		return err
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return usageError("--public-url must be an http:// or https:// URL, not %q", c.PublicURL)
		}
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
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	secret, inv, err := sv.Accounts.CreateInvitation(operator(ctx), o.ID, *email, r, lifetime)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stderr, "invited %s to %s as %s until %s; send them the link, which is shown only this once:\n",
		inv.Email, o.Slug, inv.Role, inv.ExpiresAt.Format("2006-01-02 15:04 MST"))
	fmt.Fprintln(env.Stdout, account.InvitationLink(c.PublicURL, secret))
	return nil
}
