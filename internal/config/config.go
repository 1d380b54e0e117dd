// Package config builds aims's typed configuration: defaults, then AIMS_* environment variables (and
// AIMS_*_FILE for secrets), then command-line flags, then Validate.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration of aims.
type Config struct {
	Addr            string        // listen address for serve
	DataDir         string        // SQLite file and local files
	DatabaseURL     string        // postgres:// URL; empty means SQLite in DataDir
	PublicURL       string        // the URL people reach aims at (https:// makes cookies Secure)
	TLSCert, TLSKey string        // serve TLS directly with these files
	Migrate         bool          // serve: apply pending migrations on start
	Demo            bool          // serve: load the demo organization
	LogLevel        string        // debug, info, warn, error
	LogFormat       string        // json or text
	SessionIdle     time.Duration // idle session timeout
	SessionMax      time.Duration // absolute session lifetime
	ShutdownTimeout time.Duration // how long in-flight requests may take to finish on SIGTERM
	TrustProxy      bool          // take the client address from X-Forwarded-For (behind a trusted proxy)
	BOMMaxBytes     int64         // bom_max_bytes: the largest CycloneDX BOM an import takes
	EvalMaxBytes    int64         // eval_max_bytes: the largest evaluation result file an import takes
	// SQLiteSynchronous is SQLite's synchronous setting, normal or full: see store.Options.Synchronous.
	SQLiteSynchronous string
	// CheckpointDir, when set, is where serve writes a signed checkpoint of every organization's activity
	// trail each CheckpointInterval, signed with the Ed25519 key in the file CheckpointKey.
	CheckpointDir      string
	CheckpointKey      string
	CheckpointInterval time.Duration
	MetricsToken       string // when set, /metrics needs "Authorization: Bearer <it>"
	// BOMMaxComponents (bom_max_components) bounds the components of one BOM import, and twice that its
	// dependencies; the import stops reading as soon as a document passes it.
	BOMMaxComponents int
	// ImportMaxRows (import_max_rows) bounds the AI systems of one inventory import, CSV rows or JSON
	// items; the import stops reading at the first one over it. See system.DefaultImportMaxRows.
	ImportMaxRows int
	// SMTPURL (smtp://user:pass@host:port?from=ADDR, or smtps://) is the server aims sends e-mail
	// through; empty sends none. See notify.ParseSMTPURL.
	SMTPURL string
	// BlobURL is where evidence files are stored (file:///DIR, s3://BUCKET?endpoint=...); empty keeps
	// them in the blobs directory under DataDir. See BlobStoreURL.
	BlobURL string
	// EvidenceMaxBytes bounds one evidence file.
	EvidenceMaxBytes int64
}

// BlobStoreURL returns the URL of the evidence blob store: BlobURL, or the directory blobs under DataDir.
func (c *Config) BlobStoreURL() string {
	if c.BlobURL != "" {
		return c.BlobURL
	}
	dir := c.DataDir
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(filepath.Join(dir, "blobs"))
	if err != nil {
		abs = filepath.Join(dir, "blobs")
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
}

// Default returns the configuration before environment and flags.
func Default() Config {
	return Config{Addr: "127.0.0.1:8080", DataDir: "./aims-data", LogLevel: "info", LogFormat: "json",
		SessionIdle: 12 * time.Hour, SessionMax: 7 * 24 * time.Hour, ShutdownTimeout: 20 * time.Second, BOMMaxBytes: 32 << 20, EvalMaxBytes: 256 << 20,
		SQLiteSynchronous: "normal", CheckpointInterval: time.Hour, BOMMaxComponents: 100_000,
		ImportMaxRows: 500, EvidenceMaxBytes: 100 << 20}
}

// Getenv reads an environment variable; tests pass their own.
type Getenv func(string) string

// secret returns AIMS_<name>, or the trimmed content of the file named by AIMS_<name>_FILE.
func secret(getenv Getenv, name string) (string, error) {
	if v := getenv(name); v != "" {
		return v, nil
	}
	if path := getenv(name + "_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("%s_FILE: %w", name, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return "", nil
}

// Secret reads a secret setting the way the configuration does: AIMS_X, or the file named by AIMS_X_FILE.
func Secret(getenv Getenv, name string) (string, error) { return secret(getenv, name) }

// FromEnv applies the AIMS_* environment to c.
func (c *Config) FromEnv(getenv Getenv) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("AIMS_ADDR", &c.Addr)
	str("AIMS_DATA", &c.DataDir)
	str("AIMS_BLOB_URL", &c.BlobURL)
	str("AIMS_PUBLIC_URL", &c.PublicURL)
	str("AIMS_TLS_CERT", &c.TLSCert)
	str("AIMS_TLS_KEY", &c.TLSKey)
	str("AIMS_LOG_LEVEL", &c.LogLevel)
	str("AIMS_LOG_FORMAT", &c.LogFormat)
	str("AIMS_SQLITE_SYNCHRONOUS", &c.SQLiteSynchronous)
	str("AIMS_CHECKPOINT_DIR", &c.CheckpointDir)
	str("AIMS_CHECKPOINT_KEY", &c.CheckpointKey)
	url, err := secret(getenv, "AIMS_DATABASE_URL")
	if err != nil {
		return err
	}
	if url != "" {
		c.DatabaseURL = url
	}
	smtpURL, err := secret(getenv, "AIMS_SMTP_URL")
	if err != nil {
		return err
	}
	if smtpURL != "" {
		c.SMTPURL = smtpURL
	}
	metrics, err := secret(getenv, "AIMS_METRICS_TOKEN")
	if err != nil {
		return err
	}
	if metrics != "" {
		c.MetricsToken = metrics
	}
	for name, dst := range map[string]*bool{"AIMS_MIGRATE": &c.Migrate, "AIMS_TRUST_PROXY": &c.TrustProxy} {
		if v := getenv(name); v != "" {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("%s must be true or false, not %q", name, v)
			}
			*dst = b
		}
	}
	if v := getenv("AIMS_BOM_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("AIMS_BOM_MAX_BYTES must be a number of bytes, not %q", v)
		}
		c.BOMMaxBytes = n
	}
	if v := getenv("AIMS_EVIDENCE_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("AIMS_EVIDENCE_MAX_BYTES must be a number of bytes, not %q", v)
		}
		c.EvidenceMaxBytes = n
	}
	if v := getenv("AIMS_EVAL_MAX_BYTES"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return fmt.Errorf("AIMS_EVAL_MAX_BYTES must be a number of bytes, not %q", v)
		}
		c.EvalMaxBytes = n
	}
	if v := getenv("AIMS_BOM_MAX_COMPONENTS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("AIMS_BOM_MAX_COMPONENTS must be a number of components, not %q", v)
		}
		c.BOMMaxComponents = n
	}
	if v := getenv("AIMS_IMPORT_MAX_ROWS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("AIMS_IMPORT_MAX_ROWS must be a number of rows, not %q", v)
		}
		c.ImportMaxRows = n
	}
	for name, dst := range map[string]*time.Duration{"AIMS_SESSION_IDLE": &c.SessionIdle, "AIMS_SESSION_MAX": &c.SessionMax,
		"AIMS_SHUTDOWN_TIMEOUT": &c.ShutdownTimeout, "AIMS_CHECKPOINT_INTERVAL": &c.CheckpointInterval} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil {
				return fmt.Errorf("%s must be a duration like 30m or 12h, not %q", name, v)
			}
			*dst = d
		}
	}
	return nil
}

// StoreFlags registers the flags that choose and tune the store (--data, --database, --sqlite-synchronous) on fs.
func (c *Config) StoreFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.DataDir, "data", c.DataDir, "data directory for the embedded SQLite database (AIMS_DATA)")
	fs.StringVar(&c.DatabaseURL, "database", c.DatabaseURL, "PostgreSQL URL; overrides --data (AIMS_DATABASE_URL, AIMS_DATABASE_URL_FILE)")
	fs.StringVar(&c.SQLiteSynchronous, "sqlite-synchronous", c.SQLiteSynchronous,
		"normal or full: full makes SQLite sync the disk on every commit, so no committed change is lost to a power cut, at the cost of slower writes (AIMS_SQLITE_SYNCHRONOUS)")
}

// ServeFlags registers the flags of aims serve on fs.
func (c *Config) ServeFlags(fs *flag.FlagSet) {
	c.StoreFlags(fs)
	fs.StringVar(&c.Addr, "addr", c.Addr, "listen address HOST:PORT (AIMS_ADDR)")
	fs.StringVar(&c.PublicURL, "public-url", c.PublicURL, "URL people reach aims at; https:// marks cookies Secure (AIMS_PUBLIC_URL)")
	fs.StringVar(&c.TLSCert, "tls-cert", c.TLSCert, "TLS certificate file, to serve HTTPS directly (AIMS_TLS_CERT)")
	fs.StringVar(&c.TLSKey, "tls-key", c.TLSKey, "TLS private key file (AIMS_TLS_KEY)")
	fs.BoolVar(&c.Migrate, "migrate", c.Migrate, "apply pending database migrations before serving (AIMS_MIGRATE)")
	fs.BoolVar(&c.Demo, "demo", c.Demo, "load the Lumen Labs demo organization and print a login")
	fs.StringVar(&c.LogLevel, "log-level", c.LogLevel, "debug, info, warn or error (AIMS_LOG_LEVEL)")
	fs.StringVar(&c.LogFormat, "log-format", c.LogFormat, "json or text (AIMS_LOG_FORMAT)")
	fs.DurationVar(&c.SessionIdle, "session-idle", c.SessionIdle, "log out sessions idle this long (AIMS_SESSION_IDLE)")
	fs.DurationVar(&c.SessionMax, "session-max", c.SessionMax, "log out every session this long after login (AIMS_SESSION_MAX)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", c.ShutdownTimeout, "time in-flight requests get to finish on shutdown (AIMS_SHUTDOWN_TIMEOUT)")
	fs.BoolVar(&c.TrustProxy, "trust-proxy", c.TrustProxy, "take client addresses from X-Forwarded-For (AIMS_TRUST_PROXY)")
	fs.StringVar(&c.SMTPURL, "smtp-url", c.SMTPURL, "SMTP server for e-mail notifications: smtp://user:pass@host:587?from=aims@example.com (STARTTLS when offered; ?starttls=required), or smtps://host:465 (AIMS_SMTP_URL, AIMS_SMTP_URL_FILE)")
	fs.StringVar(&c.MetricsToken, "metrics-token", c.MetricsToken, "bearer token /metrics requires; empty leaves /metrics public (AIMS_METRICS_TOKEN, AIMS_METRICS_TOKEN_FILE)")
	fs.StringVar(&c.CheckpointDir, "checkpoint-dir", c.CheckpointDir, "write signed checkpoints of every activity trail into this directory (AIMS_CHECKPOINT_DIR)")
	fs.StringVar(&c.CheckpointKey, "checkpoint-key", c.CheckpointKey, "private key that signs checkpoints, from 'aims audit keygen' (AIMS_CHECKPOINT_KEY)")
	fs.DurationVar(&c.CheckpointInterval, "checkpoint-interval", c.CheckpointInterval, "how often to write checkpoints (AIMS_CHECKPOINT_INTERVAL)")
	c.ImportFlags(fs)
	c.SystemImportFlags(fs)
	c.BlobFlags(fs)
}

// BlobFlags registers the flags of the evidence blob store (--blob-url, --evidence-max-bytes) on fs: serve
// and aims evidence take them.
func (c *Config) BlobFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.BlobURL, "blob-url", c.BlobURL, "where evidence files are stored: file:///DIR or s3://BUCKET?endpoint=URL&region=R; default the blobs directory under --data (AIMS_BLOB_URL)")
	fs.Int64Var(&c.EvidenceMaxBytes, "evidence-max-bytes", c.EvidenceMaxBytes, "largest evidence file aims takes, in bytes (AIMS_EVIDENCE_MAX_BYTES)")
}

// ImportFlags registers the flags that bound an import (--bom-max-bytes, --bom-max-components) on fs:
// serve and the CLI's import commands take them.
func (c *Config) ImportFlags(fs *flag.FlagSet) {
	fs.Int64Var(&c.BOMMaxBytes, "bom-max-bytes", c.BOMMaxBytes, "largest CycloneDX BOM an import takes, in bytes (AIMS_BOM_MAX_BYTES)")
	fs.Int64Var(&c.EvalMaxBytes, "eval-max-bytes", c.EvalMaxBytes, "largest evaluation result file an import takes, in bytes (AIMS_EVAL_MAX_BYTES)")
	fs.IntVar(&c.BOMMaxComponents, "bom-max-components", c.BOMMaxComponents,
		"most components one CycloneDX BOM import takes, and twice that many dependencies (AIMS_BOM_MAX_COMPONENTS)")
}

// SystemImportFlags registers the flag that bounds an import of the AI system inventory
// (--import-max-rows) on fs: serve and aims system import take it.
func (c *Config) SystemImportFlags(fs *flag.FlagSet) {
	fs.IntVar(&c.ImportMaxRows, "import-max-rows", c.ImportMaxRows,
		"most AI systems (CSV rows or JSON items) one inventory import takes (AIMS_IMPORT_MAX_ROWS)")
}

// Secure reports whether aims is reached over TLS, so cookies must be Secure.
func (c *Config) Secure() bool {
	return c.TLSCert != "" || strings.HasPrefix(c.PublicURL, "https://")
}

// Validate checks the configuration as a whole.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("--addr must be HOST:PORT, not %q", c.Addr)
	}
	if c.DatabaseURL == "" && c.DataDir == "" {
		return fmt.Errorf("--data or --database is required")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("--database must be a postgres:// URL")
	}
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("--public-url must be an http:// or https:// URL, not %q", c.PublicURL)
		}
	}
	if c.SMTPURL != "" {
		if u, err := url.Parse(c.SMTPURL); err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			return fmt.Errorf("--smtp-url must look like smtp://user:password@host:587 or smtps://host:465")
		}
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("--tls-cert and --tls-key go together")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("--log-level must be debug, info, warn or error, not %q", c.LogLevel)
	}
	if c.LogFormat != "json" && c.LogFormat != "text" {
		return fmt.Errorf("--log-format must be json or text, not %q", c.LogFormat)
	}
	switch c.SQLiteSynchronous {
	case "normal", "full":
	default:
		return fmt.Errorf("--sqlite-synchronous must be normal or full, not %q", c.SQLiteSynchronous)
	}
	if c.EvidenceMaxBytes <= 0 {
		return fmt.Errorf("--evidence-max-bytes must be a positive number of bytes")
	}
	if c.BlobURL != "" {
		u, err := url.Parse(c.BlobURL)
		if err != nil || (u.Scheme != "file" && u.Scheme != "s3" && u.Scheme != "mem") {
			return fmt.Errorf("--blob-url must be a file://, s3:// or mem:// URL")
		}
	}
	if c.BOMMaxBytes <= 0 {
		return fmt.Errorf("--bom-max-bytes must be a positive number of bytes")
	}
	if c.EvalMaxBytes <= 0 {
		return fmt.Errorf("--eval-max-bytes must be a positive number of bytes")
	}
	if (c.CheckpointDir == "") != (c.CheckpointKey == "") {
		return fmt.Errorf("--checkpoint-dir and --checkpoint-key go together")
	}
	if c.CheckpointInterval < time.Minute {
		return fmt.Errorf("--checkpoint-interval must be at least 1m, not %s", c.CheckpointInterval)
	}
	if c.BOMMaxComponents <= 0 {
		return fmt.Errorf("--bom-max-components must be a positive number of components")
	}
	if c.ImportMaxRows <= 0 {
		return fmt.Errorf("--import-max-rows must be a positive number of rows")
	}
	if c.SessionIdle <= 0 || c.SessionMax <= 0 || c.ShutdownTimeout <= 0 {
		return fmt.Errorf("session and shutdown durations must be positive")
	}
	return nil
}
