package cli_test

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/cli"
)

func TestProgramNamesHowAimsWasStarted(t *testing.T) {
	for _, tc := range []struct{ argv0, want string }{
		{"aims", "aims"},
		{"./aims", "./aims"},
		{"/usr/local/bin/aims", "/usr/local/bin/aims"},
		{"/opt/my tools/aims", "'/opt/my tools/aims'"},
		{"", "aims"},
		// go run builds into a temporary directory...
		{"/tmp/go-build460080674/b001/exe/aims", "go run ./cmd/aims"},
		// ...or, since Go 1.24, reuses a binary from the build cache.
		{"/root/.cache/go-build/31/31b5bbf9ec972528c310ced4f12032e301df4e5dd1e0b459ba72b00cfd488ba8-d/aims", "go run ./cmd/aims"},
	} {
		if got := cli.Program(tc.argv0); got != tc.want {
			t.Errorf("Program(%q) = %q, want %q", tc.argv0, got, tc.want)
		}
	}
}

// TestServeHintNamesTheProgram checks that the first-administrator hint on an empty store is a command
// that works as written, however aims was started.
func TestServeHintNamesTheProgram(t *testing.T) {
	for argv0, want := range map[string]string{
		"/tmp/go-build460080674/b001/exe/aims": "AIMS_PASSWORD='a long passphrase' go run ./cmd/aims user create --email",
		"./bin/aims":                           "AIMS_PASSWORD='a long passphrase' ./bin/aims user create --email",
	} {
		env := storeEnv(t)
		ctx, cancel := context.WithCancel(context.Background())
		stderr := &syncBuffer{}
		done := make(chan error, 1)
		go func() {
			done <- cli.RunProgram(ctx, argv0, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, nil, io.Discard, stderr)
		}()
		deadline := time.Now().Add(15 * time.Second)
		for !listening.MatchString(stderr.String()) && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr.String())
		}
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("started as %s, serve's hint is not %q:\n%s", argv0, want, stderr.String())
		}
	}
}

func TestVersionFlagPrintsTheVersion(t *testing.T) {
	want, _, code := run(t, nil, "", "version")
	if code != 0 || !strings.HasPrefix(want, "aims ") {
		t.Fatalf("aims version = %d %q", code, want)
	}
	for _, arg := range []string{"--version", "-version"} {
		if got, stderr, code := run(t, nil, "", arg); code != 0 || got != want {
			t.Errorf("aims %s = %d %q %q, want %q", arg, code, got, stderr, want)
		}
	}
}

// TestServeOnAPortInUseFailsFirst checks that serve refuses an address in use before it prints anything,
// creates a data directory or migrates a schema.
func TestServeOnAPortInUseFailsFirst(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	data := filepath.Join(t.TempDir(), "data")
	_, stderr, code := run(t, map[string]string{"AIMS_DATA": data}, "", "serve", "--addr", ln.Addr().String(), "--demo")
	want := "aims: cannot listen on " + ln.Addr().String() + ": "
	if code != 2 || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("serve on a port in use = exit %d, stderr:\n%s\nwant exit 2 and only a line starting %q", code, stderr, want)
	}
	if _, err := os.Stat(data); !os.IsNotExist(err) {
		t.Fatalf("serve on a port in use touched the data directory: %v", err)
	}
}
