package cli

import (
	"path/filepath"
	"regexp"
	"strings"
)

// goRunCache matches the directory of a binary that go run built and keeps in the build cache
// ($GOCACHE/xx/<sha256>-d/aims).
var goRunCache = regexp.MustCompile(`^[0-9a-f]{64}-d$`)

// Program returns how a person starts the aims that was started as argv0 (os.Args[0]), for hints that
// name a command to run next: "go run ./cmd/aims" when go run built it (a temporary go-build directory,
// or go run's cache of binaries), otherwise argv0 as it was typed ("aims" from $PATH, "./aims",
// "/usr/local/bin/aims"), quoted for a POSIX shell when it needs to be.
func Program(argv0 string) string {
	if argv0 == "" {
		return "aims"
	}
	dir := filepath.Dir(argv0)
	tmp := filepath.Base(filepath.Dir(filepath.Dir(dir)))
	if filepath.Base(dir) == "exe" && strings.HasPrefix(tmp, "go-build") || goRunCache.MatchString(filepath.Base(dir)) {
		return "go run ./cmd/aims"
	}
	return shellQuote(argv0)
}

// shellQuote returns s as one word of a POSIX shell command line.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+:@%=,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
