// Command aims is the AI management system: server, web UI and command line in one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/aimsproject/aims/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := cli.RunProgram(ctx, os.Args[0], os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(cli.ExitCode(err, os.Stderr))
}
