// Package cli is aims's command line. Commands that work on the store directly (serve, migrate, user,
// token, audit) take --data DIR or --database URL; commands that act inside one organization take --org
// SLUG; commands meant for other machines talk to a running server with --server URL --token T (or
// AIMS_SERVER, AIMS_TOKEN). Output for machines goes to stdout, messages for people to stderr, and the exit code means
// something: 0 ok, 1 a check failed, 2 a usage or input error.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/config"
)

// Env is what a command runs with.
type Env struct {
	Getenv config.Getenv
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Program is how a person runs aims again, for the commands that hints print: "aims", the binary's
	// path as it was started, or "go run ./cmd/aims".
	Program string
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "run the web UI and API", runServe},
		{"migrate", "apply database migrations", runMigrate},
		{"user", "create users and give them roles (user create)", runUser},
		{"invite", "invite someone to an organization with a link they accept (invite create)", runInvite},
		{"token", "create API tokens for scripts and CI (token create)", runToken},
		{"audit", "verify, export and checkpoint the activity trail (audit verify, export, keygen, checkpoint)", runAudit},
		{"soa", "show or export the Statement of Applicability (soa show, soa export)", runSoA},
		{"framework", "list, import and export frameworks; import licensed text (framework list|import|export|texts import)", runFramework},
		{"system", "the AI system inventory (system list, create, import, export, components, classify, obligations, card)", runSystem},
		{"component", "the components of AI systems (component add)", runComponent},
		{"modelcard", "import Hugging Face model cards for model components (modelcard import)", runModelCard},
		{"comment", "comment on records, reply, and list the questions raised (comment add|list)", runComment},
		{"task", "give members tasks on records and list them, overdue first (task add|list)", runTask},
		{"risk", "register AI risks, import and export the register and its treatment plan, draw its heat map, and keep the risk criteria (risk add|list|import|export|treatment-plan|heatmap|criteria)", runRisk},
		{"eval", "import evaluation and red-teaming results (promptfoo, garak, lm-eval, Inspect) and judge them against acceptance criteria (eval import|push|list|show|criteria)", runEval},
		{"impact", "assess the impacts of AI systems: versions, approval, FRIA where EU AI Act Art. 27 applies, export (impact list|show|export|set|approve)", runImpact},
		{"gate", "the release gate: check a system before a stage of its life cycle, from CI (--server, --token) or here (--org); exit 1 lists what is unmet; set its policy (gate, gate policy show|set)", runGate},
		{"readiness", "how far the organization is from its certification audit: items ready, roll-ups, gaps with their next action; each AI system against its gate (readiness, readiness systems)", runReadiness},
		{"pack", "export the audit pack for a certification body: SoA, risk register and treatment plan, impact assessments, readiness, signed trail checkpoint, with a manifest of SHA-256 sums (pack export)", runPack},
		{"evidence", "evidence files, links and records: add, list, show, download verified, approve, delete; push from CI to a server (evidence add|list|show|get|approve|delete|push)", runEvidence},
		{"webhook", "send the organization's events to other systems, signed (webhook add|list|test|remove)", runWebhook},
		{"link", "link any two records with a typed relationship (link add|list|remove)", runLink},
		{"bom", "import, export and compare CycloneDX ML-BOMs of AI systems (bom import|export|diff)", runBOM},
		{"whoami", "show who an API token acts as, on a running server (--server, --token)", runWhoami},
		{"version", "print the version", runVersion},
	}
}

// Run runs the command named by args[0], as the program "aims".
func Run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	return RunProgram(ctx, "aims", args, getenv, stdin, stdout, stderr)
}

// RunProgram is Run for a process started as argv0 (os.Args[0]): the hints it prints name the program as
// Program(argv0) does.
func RunProgram(ctx context.Context, argv0 string, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &Env{Getenv: getenv, Stdin: stdin, Stdout: stdout, Stderr: stderr, Program: Program(argv0)}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help" {
		usage(stderr)
		if len(args) == 0 {
			return usageError("a command is required")
		}
		return nil
	}
	if args[0] == "--version" || args[0] == "-version" {
		return runVersion(ctx, env, args[1:])
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, env, args[1:])
		}
	}
	usage(stderr)
	return usageError("unknown command %q", args[0])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "aims: the AI management system for ISO/IEC 42001")
	fmt.Fprintln(w, "\nUsage: aims COMMAND [flags]\n\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'aims COMMAND -h' for a command's flags; 'aims --version' prints the version.")
}

// UsageError is a mistake in how a command was called: exit code 2.
type UsageError struct{ msg string }

func (e *UsageError) Error() string { return e.msg }

func usageError(format string, args ...any) error {
	return &UsageError{msg: fmt.Sprintf(format, args...)}
}

// CheckFailed is a check that ran and found a problem: exit code 1.
type CheckFailed struct{ msg string }

func (e *CheckFailed) Error() string { return e.msg }

// ExitCode prints err for a person (if any) and returns the process exit code.
func ExitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ue *UsageError
	var cf *CheckFailed
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "aims: %s\n", err)
		return 2
	case errors.As(err, &cf):
		fmt.Fprintf(stderr, "aims: %s\n", err)
		return 1
	}
	switch aims.ErrorCode(err) {
	case aims.EINVALID, aims.ENOTFOUND, aims.ECONFLICT, aims.EFORBIDDEN:
		msg := aims.ErrorMessage(err)
		if f := aims.ErrorField(err); f != "" {
			msg = fmt.Sprintf("--%s: %s", strings.ReplaceAll(f, "_", "-"), msg)
		}
		fmt.Fprintf(stderr, "aims: %s\n", msg)
		return 2
	}
	fmt.Fprintf(stderr, "aims: %s\n", err)
	return 1
}

// newFlags returns a flag set for a command that reports errors as usage errors.
func newFlags(env *Env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: aims %s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning flag errors into usage errors and refusing stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError("%s", err)
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	return nil
}

// loadConfig returns the configuration from defaults and the environment; flags are applied by the caller.
func loadConfig(env *Env) (config.Config, error) {
	c := config.Default()
	if err := c.FromEnv(env.Getenv); err != nil {
		return c, usageError("%s", err)
	}
	return c, nil
}

func runVersion(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "version", "version")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "aims %s\n", aims.Version)
	return nil
}
