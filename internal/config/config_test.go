package config_test

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aimsproject/aims/internal/config"
)

// env returns a Getenv over a fixed set of variables.
func env(vars map[string]string) config.Getenv {
	return func(name string) string { return vars[name] }
}

func TestDefaultsAreValidAndLocal(t *testing.T) {
	t.Parallel()
	c := config.Default()
	want := config.Config{Addr: "127.0.0.1:8080", DataDir: "./aims-data", LogLevel: "info", LogFormat: "json",
		SessionIdle: 12 * time.Hour, SessionMax: 7 * 24 * time.Hour, ShutdownTimeout: 20 * time.Second, BOMMaxBytes: 32 << 20, EvalMaxBytes: 256 << 20,
		SQLiteSynchronous: "normal", CheckpointInterval: time.Hour, BOMMaxComponents: 100_000,
		ImportMaxRows: 500, EvidenceMaxBytes: 100 << 20}
	if c != want {
		t.Fatalf("Default() = %+v\nwant %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("the defaults do not validate: %v", err)
	}
	if c.Secure() {
		t.Fatal("the defaults claim TLS")
	}
}

func TestFromEnvWithNothingSetKeepsTheDefaults(t *testing.T) {
	t.Parallel()
	c := config.Default()
	if err := c.FromEnv(env(nil)); err != nil {
		t.Fatal(err)
	}
	if c != config.Default() {
		t.Fatalf("FromEnv with an empty environment changed %+v", c)
	}
}

func TestFromEnvOverridesEverySetting(t *testing.T) {
	t.Parallel()
	c := config.Default()
	err := c.FromEnv(env(map[string]string{
		"AIMS_ADDR":                "0.0.0.0:9000",
		"AIMS_DATA":                "/var/lib/aims",
		"AIMS_DATABASE_URL":        "postgres://aims@db/aims",
		"AIMS_PUBLIC_URL":          "https://aims.example.com",
		"AIMS_TLS_CERT":            "/etc/aims/cert.pem",
		"AIMS_TLS_KEY":             "/etc/aims/key.pem",
		"AIMS_MIGRATE":             "true",
		"AIMS_TRUST_PROXY":         "1",
		"AIMS_LOG_LEVEL":           "debug",
		"AIMS_LOG_FORMAT":          "text",
		"AIMS_SESSION_IDLE":        "30m",
		"AIMS_SESSION_MAX":         "24h",
		"AIMS_SHUTDOWN_TIMEOUT":    "5s",
		"AIMS_BOM_MAX_BYTES":       "1048576",
		"AIMS_EVAL_MAX_BYTES":      "2097152",
		"AIMS_SQLITE_SYNCHRONOUS":  "full",
		"AIMS_CHECKPOINT_DIR":      "/var/lib/aims/checkpoints",
		"AIMS_CHECKPOINT_KEY":      "/etc/aims/checkpoint.key",
		"AIMS_CHECKPOINT_INTERVAL": "15m",
		"AIMS_METRICS_TOKEN":       "scrape-me",
		"AIMS_BOM_MAX_COMPONENTS":  "5000",
		"AIMS_IMPORT_MAX_ROWS":     "2000",
		"AIMS_BLOB_URL":            "s3://evidence?endpoint=https://minio.example",
		"AIMS_EVIDENCE_MAX_BYTES":  "5000",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{Addr: "0.0.0.0:9000", DataDir: "/var/lib/aims", DatabaseURL: "postgres://aims@db/aims",
		PublicURL: "https://aims.example.com", TLSCert: "/etc/aims/cert.pem", TLSKey: "/etc/aims/key.pem",
		Migrate: true, TrustProxy: true, LogLevel: "debug", LogFormat: "text",
		SessionIdle: 30 * time.Minute, SessionMax: 24 * time.Hour, ShutdownTimeout: 5 * time.Second, BOMMaxBytes: 1 << 20, EvalMaxBytes: 2 << 20,
		SQLiteSynchronous: "full",
		CheckpointDir:     "/var/lib/aims/checkpoints", CheckpointKey: "/etc/aims/checkpoint.key", CheckpointInterval: 15 * time.Minute, MetricsToken: "scrape-me", BOMMaxComponents: 5000,
		ImportMaxRows: 2000, BlobURL: "s3://evidence?endpoint=https://minio.example", EvidenceMaxBytes: 5000}
	if c != want {
		t.Fatalf("after FromEnv:\n got %+v\nwant %+v", c, want)
	}
}

func TestFromEnvBoolsCanTurnOff(t *testing.T) {
	t.Parallel()
	c := config.Default()
	c.Migrate, c.TrustProxy = true, true
	if err := c.FromEnv(env(map[string]string{"AIMS_MIGRATE": "false", "AIMS_TRUST_PROXY": "0"})); err != nil {
		t.Fatal(err)
	}
	if c.Migrate || c.TrustProxy {
		t.Fatalf("AIMS_MIGRATE=false and AIMS_TRUST_PROXY=0 left Migrate=%v TrustProxy=%v", c.Migrate, c.TrustProxy)
	}
}

func TestFromEnvReadsTheDatabaseURLFromAFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "database-url")
	if err := os.WriteFile(path, []byte("  postgres://aims:s3cret@db/aims \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		vars    map[string]string
		want    string
		wantErr string
	}{
		{"the file's content, trimmed", map[string]string{"AIMS_DATABASE_URL_FILE": path}, "postgres://aims:s3cret@db/aims", ""},
		{"the variable wins over the file", map[string]string{"AIMS_DATABASE_URL": "postgres://direct/aims", "AIMS_DATABASE_URL_FILE": path}, "postgres://direct/aims", ""},
		{"a missing file is an error naming the variable", map[string]string{"AIMS_DATABASE_URL_FILE": filepath.Join(dir, "nope")}, "", "AIMS_DATABASE_URL_FILE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := config.Default()
			err := c.FromEnv(env(tc.vars))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("FromEnv = %v, want an error naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil || c.DatabaseURL != tc.want {
				t.Fatalf("DatabaseURL = %q, %v; want %q", c.DatabaseURL, err, tc.want)
			}
		})
	}
}

func TestFromEnvReadsTheMetricsTokenFromAFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "metrics-token")
	if err := os.WriteFile(path, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := config.Default()
	if err := c.FromEnv(env(map[string]string{"AIMS_METRICS_TOKEN_FILE": path})); err != nil || c.MetricsToken != "from-a-file" {
		t.Fatalf("MetricsToken = %q, %v; want the file's content", c.MetricsToken, err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.ServeFlags(fs)
	if err := fs.Parse([]string{"--metrics-token", "from-the-flag"}); err != nil || c.MetricsToken != "from-the-flag" {
		t.Fatalf("--metrics-token: MetricsToken = %q, %v", c.MetricsToken, err)
	}
}

func TestSecretReadsTheVariableOrItsFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "s")
	if err := os.WriteFile(path, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		vars map[string]string
		want string
	}{
		{"neither set", nil, ""},
		{"the variable", map[string]string{"AIMS_X": "direct"}, "direct"},
		{"the file", map[string]string{"AIMS_X_FILE": path}, "from-file"},
	} {
		got, err := config.Secret(env(tc.vars), "AIMS_X")
		if err != nil || got != tc.want {
			t.Errorf("%s: Secret = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

func TestFromEnvRefusesMalformedValuesNamingTheVariable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, value string }{
		{"AIMS_MIGRATE", "yes"},
		{"AIMS_MIGRATE", "on"},
		{"AIMS_TRUST_PROXY", "maybe"},
		{"AIMS_SESSION_IDLE", "12"},
		{"AIMS_SESSION_MAX", "a week"},
		{"AIMS_SHUTDOWN_TIMEOUT", "20 s"},
		{"AIMS_BOM_MAX_BYTES", "32MiB"},
		{"AIMS_CHECKPOINT_INTERVAL", "hourly"},
		{"AIMS_BOM_MAX_COMPONENTS", "lots"},
		{"AIMS_IMPORT_MAX_ROWS", "many"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			t.Parallel()
			c := config.Default()
			err := c.FromEnv(env(map[string]string{tc.name: tc.value}))
			if err == nil || !strings.Contains(err.Error(), tc.name) || !strings.Contains(err.Error(), tc.value) {
				t.Fatalf("FromEnv(%s=%q) = %v; want an error naming the variable and the value", tc.name, tc.value, err)
			}
		})
	}
}

func TestFlagsOverrideTheEnvironment(t *testing.T) {
	t.Parallel()
	c := config.Default()
	if err := c.FromEnv(env(map[string]string{
		"AIMS_ADDR": "0.0.0.0:9000", "AIMS_DATA": "/from/env", "AIMS_LOG_LEVEL": "warn", "AIMS_MIGRATE": "true",
		"AIMS_SESSION_IDLE": "1h",
	})); err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.ServeFlags(fs)
	err := fs.Parse([]string{"--addr", "127.0.0.1:7000", "--log-level=error", "--migrate=false",
		"--database", "postgresql://flag/aims", "--public-url", "https://x.example", "--tls-cert", "c.pem",
		"--tls-key", "k.pem", "--log-format", "text", "--session-max", "48h", "--shutdown-timeout", "3s",
		"--trust-proxy", "--demo", "--bom-max-bytes", "67108864", "--eval-max-bytes", "1048576", "--sqlite-synchronous", "full",
		"--checkpoint-dir", "/cp", "--checkpoint-key", "/cp.key", "--checkpoint-interval", "2h", "--bom-max-components", "250000",
		"--import-max-rows", "750", "--blob-url", "file:///srv/blobs", "--evidence-max-bytes", "1024"})
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{Addr: "127.0.0.1:7000", DataDir: "/from/env", DatabaseURL: "postgresql://flag/aims",
		PublicURL: "https://x.example", TLSCert: "c.pem", TLSKey: "k.pem", Migrate: false, Demo: true,
		LogLevel: "error", LogFormat: "text", SessionIdle: time.Hour, SessionMax: 48 * time.Hour,
		ShutdownTimeout: 3 * time.Second, TrustProxy: true, BOMMaxBytes: 64 << 20, EvalMaxBytes: 1 << 20, SQLiteSynchronous: "full",
		CheckpointDir: "/cp", CheckpointKey: "/cp.key", CheckpointInterval: 2 * time.Hour, BOMMaxComponents: 250_000,
		ImportMaxRows: 750, BlobURL: "file:///srv/blobs", EvidenceMaxBytes: 1024}
	if c != want {
		t.Fatalf("after flags:\n got %+v\nwant %+v", c, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
}

func TestStoreFlagsRegisterOnlyTheStoreSettings(t *testing.T) {
	t.Parallel()
	c := config.Default()
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.StoreFlags(fs)
	if err := fs.Parse([]string{"--data", "/d"}); err != nil || c.DataDir != "/d" {
		t.Fatalf("--data: DataDir = %q, %v", c.DataDir, err)
	}
	if err := fs.Parse([]string{"--sqlite-synchronous", "full"}); err != nil || c.SQLiteSynchronous != "full" {
		t.Fatalf("--sqlite-synchronous: SQLiteSynchronous = %q, %v", c.SQLiteSynchronous, err)
	}
	if err := fs.Parse([]string{"--addr", ":1"}); err == nil {
		t.Fatal("StoreFlags registered --addr")
	}
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		change  func(*config.Config)
		wantErr string // "" means valid
	}{
		{"the defaults", func(*config.Config) {}, ""},
		{"an address with an empty host", func(c *config.Config) { c.Addr = ":8080" }, ""},
		{"an IPv6 address", func(c *config.Config) { c.Addr = "[::1]:8080" }, ""},
		{"an address without a port", func(c *config.Config) { c.Addr = "localhost" }, "--addr"},
		{"an empty address", func(c *config.Config) { c.Addr = "" }, "--addr"},
		{"a postgres URL", func(c *config.Config) { c.DatabaseURL = "postgres://db/aims" }, ""},
		{"a postgresql URL without a data directory", func(c *config.Config) { c.DatabaseURL = "postgresql://db/aims"; c.DataDir = "" }, ""},
		{"a MySQL URL", func(c *config.Config) { c.DatabaseURL = "mysql://db/aims" }, "--database"},
		{"a bare host as database", func(c *config.Config) { c.DatabaseURL = "db.example.com" }, "--database"},
		{"neither data directory nor database", func(c *config.Config) { c.DataDir = "" }, "--data or --database"},
		{"an https public URL", func(c *config.Config) { c.PublicURL = "https://aims.example.com" }, ""},
		{"an ftp public URL", func(c *config.Config) { c.PublicURL = "ftp://aims.example.com" }, "--public-url"},
		{"a public URL without a host", func(c *config.Config) { c.PublicURL = "https://" }, "--public-url"},
		{"a public URL without a scheme", func(c *config.Config) { c.PublicURL = "aims.example.com" }, "--public-url"},
		{"a certificate and key", func(c *config.Config) { c.TLSCert, c.TLSKey = "c.pem", "k.pem" }, ""},
		{"a certificate without a key", func(c *config.Config) { c.TLSCert = "c.pem" }, "--tls-cert and --tls-key"},
		{"a key without a certificate", func(c *config.Config) { c.TLSKey = "k.pem" }, "--tls-cert and --tls-key"},
		{"every log level", func(c *config.Config) { c.LogLevel = "warn" }, ""},
		{"an unknown log level", func(c *config.Config) { c.LogLevel = "verbose" }, "--log-level"},
		{"a log level in capitals", func(c *config.Config) { c.LogLevel = "INFO" }, "--log-level"},
		{"text logs", func(c *config.Config) { c.LogFormat = "text" }, ""},
		{"an unknown log format", func(c *config.Config) { c.LogFormat = "xml" }, "--log-format"},
		{"a zero idle timeout", func(c *config.Config) { c.SessionIdle = 0 }, "durations must be positive"},
		{"a negative session limit", func(c *config.Config) { c.SessionMax = -time.Hour }, "durations must be positive"},
		{"a zero shutdown timeout", func(c *config.Config) { c.ShutdownTimeout = 0 }, "durations must be positive"},
		{"a zero BOM limit", func(c *config.Config) { c.BOMMaxBytes = 0 }, "--bom-max-bytes"},
		{"a zero evaluation limit", func(c *config.Config) { c.EvalMaxBytes = 0 }, "--eval-max-bytes"},
		{"SQLite synchronous full", func(c *config.Config) { c.SQLiteSynchronous = "full" }, ""},
		{"SQLite synchronous off", func(c *config.Config) { c.SQLiteSynchronous = "off" }, "--sqlite-synchronous must be normal or full"},
		{"SQLite synchronous in capitals", func(c *config.Config) { c.SQLiteSynchronous = "FULL" }, "--sqlite-synchronous"},
		{"SQLite synchronous empty", func(c *config.Config) { c.SQLiteSynchronous = "" }, "--sqlite-synchronous"},
		{"checkpoints", func(c *config.Config) { c.CheckpointDir, c.CheckpointKey = "/cp", "/cp.key" }, ""},
		{"a checkpoint directory without a key", func(c *config.Config) { c.CheckpointDir = "/cp" }, "--checkpoint-dir and --checkpoint-key"},
		{"a checkpoint key without a directory", func(c *config.Config) { c.CheckpointKey = "/cp.key" }, "--checkpoint-dir and --checkpoint-key"},
		{"checkpoints every second", func(c *config.Config) { c.CheckpointInterval = time.Second }, "--checkpoint-interval"},
		{"a zero BOM component limit", func(c *config.Config) { c.BOMMaxComponents = 0 }, "--bom-max-components"},
		{"a zero import row limit", func(c *config.Config) { c.ImportMaxRows = 0 }, "--import-max-rows"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := config.Default()
			tc.change(&c)
			err := c.Validate()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Validate = %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Validate = %v, want an error mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestSecure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name      string
		publicURL string
		tlsCert   string
		want      bool
	}{
		{"nothing set", "", "", false},
		{"an http public URL", "http://aims.example.com", "", false},
		{"an https public URL", "https://aims.example.com", "", true},
		{"TLS served directly", "", "cert.pem", true},
		{"TLS with an http public URL", "http://aims.example.com", "cert.pem", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := config.Default()
			c.PublicURL, c.TLSCert = tc.publicURL, tc.tlsCert
			if got := c.Secure(); got != tc.want {
				t.Fatalf("Secure() = %v, want %v", got, tc.want)
			}
		})
	}
}
