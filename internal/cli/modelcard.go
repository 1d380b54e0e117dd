package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/component"
	"github.com/aimsproject/aims/internal/system/syscard"
)

const modelCardUsage = "usage: aims modelcard import --org SLUG --system ID|NAME [--component ID] [--name N] [--url URL] FILE"

func runModelCard(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return usageError(modelCardUsage)
	}
	if args[0] == "import" {
		return runModelCardImport(ctx, env, args[1:])
	}
	return usageError("unknown modelcard command %q: use import", args[0])
}

// fileArg takes the one FILE argument out of args, wherever it stands among the flags (which all take a
// value).
func fileArg(args []string) (string, []string) {
	var file string
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "-") && a != "-":
			rest = append(rest, a)
			if !strings.Contains(a, "=") && i+1 < len(args) && a != "-h" && a != "--help" && a != "-help" {
				rest = append(rest, args[i+1])
				i++
			}
		case file == "":
			file = a
		default:
			rest = append(rest, a) // parse refuses it
		}
	}
	return file, rest
}

// runModelCardImport imports a Hugging Face model card (README.md) for a system: see
// component.Service.ImportModelCard. FILE "-" reads standard input.
func runModelCardImport(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "modelcard import", strings.TrimPrefix(modelCardUsage, "usage: aims "))
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysRef := fs.String("system", "", "the id or name of the AI system that uses the model (required)")
	var opts component.ModelCardOptions
	fs.StringVar(&opts.ComponentID, "component", "", "the id of the model component the card describes (default: the model named by the card, created if missing)")
	fs.StringVar(&opts.Name, "name", "", "the model's name, if the card does not give it")
	fs.StringVar(&opts.URL, "url", "", "where the card is published")
	file, rest := fileArg(args)
	if err := parse(fs, rest); err != nil {
		return err
	}
	if err := required("org", *org, "system", *sysRef, "FILE", file); err != nil {
		return err
	}
	var data []byte
	if file == "-" {
		data, err = io.ReadAll(io.LimitReader(env.Stdin, component.MaxModelCardBytes+1))
	} else {
		data, err = readLimited(file, component.MaxModelCardBytes+1)
	}
	if err != nil {
		return usageError("%s", err)
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *sysRef)
	if err != nil {
		return err
	}
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	res, err := sv.Components.ImportModelCard(operator(ctx), o.ID, s.ID, bytes.NewReader(data), opts)
	if err != nil {
		err = fieldAsFlag(err, "component_id", "component", "model_card_url", "url")
		switch aims.ErrorCode(err) {
		case aims.EINVALID, aims.ENOTFOUND, aims.ETOOLARGE:
			return &aims.Error{Code: aims.EINVALID, Message: file + ": " + aims.ErrorMessage(err) + " Nothing was imported.", Field: aims.ErrorField(err)}
		}
		return fmt.Errorf("%s: nothing was imported: %w", file, err)
	}
	verb := "updated"
	if res.Created {
		verb = "registered"
	}
	fmt.Fprintf(env.Stderr, "%s model %q from %s; model card version %d, %d evaluation results, for %q\n", verb,
		res.Component.Name, file, res.Card.Number, len(res.Card.Card.Results), s.Name)
	fmt.Fprintln(env.Stdout, res.Card.ID)
	return nil
}

// readLimited reads at most n bytes of the file name.
func readLimited(name string, n int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, n))
}

// runSystemCard writes the system card of an AI system (ISO/IEC 42001, A.8.2) as Markdown or HTML, to
// standard output or a file.
func runSystemCard(ctx context.Context, env *Env, args []string) error {
	c, err := loadConfig(env)
	if err != nil {
		return err
	}
	fs := newFlags(env, "system card", "system card --org SLUG --system ID|NAME [--format markdown|html] [--out FILE]")
	c.StoreFlags(fs)
	org := fs.String("org", "", "organization slug (required)")
	sysRef := fs.String("system", "", "the id or name of the AI system (required)")
	format := fs.String("format", "markdown", "markdown or html")
	out := fs.String("out", "", "write the card to this file instead of standard output")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := required("org", *org, "system", *sysRef); err != nil {
		return err
	}
	if *format != "markdown" && *format != "html" {
		return usageError("--format must be markdown or html")
	}
	db, o, err := orgStore(ctx, &c, *org)
	if err != nil {
		return err
	}
	defer db.Close()
	s, err := systemByRef(ctx, db, o.ID, *sysRef)
	if err != nil {
		return err
	}
	sv, err := servicesOf(db, &c)
	if err != nil {
		return err
	}
	card, err := syscard.Load(ctx, syscard.Source{Systems: sv.Systems, Components: sv.Components}, o.ID, o.Name, s.ID, db.Now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if *format == "html" {
		err = card.WriteHTML(&buf)
	} else {
		err = card.WriteMarkdown(&buf)
	}
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = buf.WriteTo(env.Stdout)
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("cannot write the system card: %w", err)
	}
	fmt.Fprintf(env.Stderr, "wrote the system card of %q to %s\n", s.Name, *out)
	return nil
}
