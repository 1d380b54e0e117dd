package framework

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/framework/oscal"
)

// Formats of imports and exports.
const (
	FormatOSCAL = "oscal" // OSCAL JSON: a catalog, or for imports also a profile
	FormatCSV   = "csv"   // CSV with a header line (see ParseCSV and the licensed-text columns)
)

// MaxImportBytes bounds an imported file.
const MaxImportBytes = 32 << 20

// MaxImportRequirements bounds the requirements of one imported framework, and the rows of one CSV file
// (of requirements or of licensed texts). The whole NIST SP 800-53 rev. 5 catalog is about 1,300
// requirements, so no real framework comes near it; without it, 32 MiB of short CSV lines would be
// millions of requirements in one transaction, holding the store's writer for minutes; 10,000 take
// about 150 ms on SQLite (TestAFrameworkOfMoreRequirementsThanTheLimitIsRefusedAndStoresNothing logs it).
const MaxImportRequirements = 10_000

// tooManyError is a file of more than limit items (what: rows, requirements, texts). Nothing was
// imported.
func tooManyError(limit int, what string) error {
	return aims.Errorf(aims.ETOOLARGE, "The file holds more than %d %s, the most one import takes; split it. Nothing was imported.", limit, what)
}

// Stage is a step of an import, reported to ImportRequest.Progress.
type Stage string

const (
	StageValidating Stage = "validating" // checking the file against its schema or format
	StageResolving  Stage = "resolving"  // resolving a profile against its catalog
	StageConverting Stage = "converting" // turning it into requirements
	StageStoring    Stage = "storing"    // writing the framework in one transaction
)

// ImportRequest is a framework to import into an organization.
type ImportRequest struct {
	OrgID string
	// Key identifies the framework in the organization; default: from Filename, else from the document's
	// title. A key imported before gets a new revision.
	Key string
	// Name is shown to people; default: the document's title, else the key.
	Name string
	// Filename is the file's name, for the defaults and the record of where the framework came from.
	Filename string
	Data     []byte
	// Format is FormatOSCAL, FormatCSV, or "" to tell from the content.
	Format string
	// CatalogData (with CatalogFilename) is the OSCAL catalog to resolve a profile against; CatalogKey
	// instead names a framework the organization imported before. With neither, a profile's import is
	// matched to the organization's imported catalogs (see resolveProfile).
	CatalogData     []byte
	CatalogFilename string
	CatalogKey      string
	// Progress, when set, is told each stage as it starts.
	Progress func(Stage)
}

func (r *ImportRequest) stage(s Stage) {
	if r.Progress != nil {
		r.Progress(s)
	}
}

// Issue is one thing wrong with an imported file: where (a JSON pointer, or a CSV line) and what.
type Issue struct {
	Pointer string `json:"pointer,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
}

// MarshalJSON writes a CSV issue as {line, message} and any other as {pointer, message}, with the
// pointer "" (the whole document) included.
func (i Issue) MarshalJSON() ([]byte, error) {
	if i.Line > 0 {
		return json.Marshal(struct {
			Line    int    `json:"line"`
			Message string `json:"message"`
		}{i.Line, i.Message})
	}
	return json.Marshal(struct {
		Pointer string `json:"pointer"`
		Message string `json:"message"`
	}{i.Pointer, i.Message})
}

// String returns the issue as one line for people.
func (i Issue) String() string {
	switch {
	case i.Line > 0:
		return fmt.Sprintf("line %d: %s", i.Line, i.Message)
	case i.Pointer != "":
		return i.Pointer + ": " + i.Message
	}
	return i.Message
}

// ImportError is a refused import: an EINVALID error and the issues found in the file. Nothing was
// imported. errors.As finds the *aims.Error inside, so aims.ErrorCode reports EINVALID.
type ImportError struct {
	Err    *aims.Error
	Issues []Issue
}

func (e *ImportError) Error() string {
	var b strings.Builder
	b.WriteString(e.Err.Error())
	for _, i := range e.Issues {
		b.WriteString("; " + i.String())
	}
	return b.String()
}

// Unwrap returns the coded error.
func (e *ImportError) Unwrap() error { return e.Err }

// maxIssues bounds the issues an ImportError lists.
const maxIssues = oscal.MaxProblems

func importError(msg string, issues []Issue) *ImportError {
	return &ImportError{Err: aims.Errorf(aims.EINVALID, "%s", msg), Issues: issues}
}

// fromInvalid turns an OSCAL validation failure into an ImportError; prefix names the file when an
// import has two.
func fromInvalid(err error, prefix string) error {
	var inv *oscal.InvalidError
	if !errors.As(err, &inv) {
		return err
	}
	issues := make([]Issue, 0, len(inv.Problems))
	for _, p := range inv.Problems {
		issues = append(issues, Issue{Pointer: p.Pointer, Message: p.Message})
	}
	what := "OSCAL JSON"
	if inv.Kind != "" {
		what = "a valid OSCAL " + inv.Kind + " (checked against the OSCAL " + oscal.Version + " schema)"
	}
	return importError(fmt.Sprintf("%sThe file is not %s; nothing was imported.", prefix, what), issues)
}

// DetectFormat tells an OSCAL JSON document (which starts with "{") from CSV.
func DetectFormat(data []byte) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return FormatOSCAL
	}
	return FormatCSV
}

// Import validates and converts a file and stores it as one of the organization's frameworks, all or
// nothing, and returns it with its counts. A file that breaks its format is an *ImportError listing
// where; a bad key is EINVALID on "key"; the key of a built-in framework, or the same file imported
// twice under one key, is ECONFLICT.
func (s *Service) Import(ctx context.Context, req ImportRequest) (*Framework, error) {
	if req.OrgID == "" {
		return nil, aims.Errorf(aims.EINVALID, "An import needs an organization.")
	}
	if len(req.Data) > MaxImportBytes {
		return nil, aims.Errorf(aims.ETOOLARGE, "The file is larger than %d MiB.", MaxImportBytes>>20)
	}
	if len(bytes.TrimSpace(req.Data)) == 0 {
		return nil, aims.FieldError("file", "The file is empty.")
	}
	format := req.Format
	if format == "" {
		format = DetectFormat(req.Data)
	}
	var (
		f    *Framework
		reqs []*Requirement
		err  error
	)
	sum := sha256.Sum256(req.Data)
	hash := hex.EncodeToString(sum[:])
	switch format {
	case FormatOSCAL:
		f, reqs, hash, err = s.importOSCAL(ctx, &req, hash)
	case FormatCSV:
		req.stage(StageValidating)
		reqs, err = ParseCSV(req.Data)
		f = &Framework{Kind: KindCSV, Source: strings.TrimSpace("CSV file " + quoted(req.Filename))}
	default:
		return nil, aims.FieldError("format", "Import OSCAL JSON or CSV.")
	}
	if err != nil {
		return nil, err
	}
	if len(reqs) > MaxImportRequirements {
		return nil, tooManyError(MaxImportRequirements, "requirements")
	}
	if len(reqs) == 0 {
		return nil, aims.FieldError("file", "The file holds no requirements; nothing was imported.")
	}
	if err := s.finish(&req, f, format); err != nil {
		return nil, err
	}
	f.OrgID, f.SourceHash = req.OrgID, hash
	req.stage(StageStoring)
	if err := s.store.ImportFramework(ctx, f, reqs); err != nil {
		return nil, err
	}
	f.Requirements, f.Assessable = len(reqs), 0
	for _, r := range reqs {
		if r.Assessable {
			f.Assessable++
		}
	}
	return f, nil
}

// finish settles the framework's key and name from the request, the file name and the document.
func (s *Service) finish(req *ImportRequest, f *Framework, format string) error {
	key := strings.TrimSpace(req.Key)
	if key == "" {
		key = Slug(strings.TrimSuffix(path.Base(req.Filename), path.Ext(req.Filename)))
		if req.Filename == "" || key == "" {
			key = Slug(f.Name)
		}
	}
	if key == "" {
		return aims.FieldError("key", "Give the framework a key, like sp800-53.")
	}
	if !keyPattern.MatchString(key) {
		return aims.FieldError("key", "A key is 1 to 64 lower-case letters, digits, dots, hyphens and underscores, starting with a letter or digit.")
	}
	f.Key = key
	if n := strings.TrimSpace(req.Name); n != "" {
		f.Name = n
	}
	if f.Name == "" {
		f.Name = key
	}
	if utf8.RuneCountInString(f.Name) > 200 {
		return aims.FieldError("name", "A name is at most 200 characters.")
	}
	if f.Kind == "" {
		f.Kind = map[string]string{FormatOSCAL: KindOSCAL, FormatCSV: KindCSV}[format]
	}
	return nil
}

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ValidKey reports whether key has the shape of a framework key.
func ValidKey(key string) bool { return keyPattern.MatchString(key) }

// Slug turns a file name or title into a framework key: lower case, runs of other characters as one
// hyphen, at most 64 characters; "" when nothing is left.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(s) {
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '_'
		if !ok {
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
			continue
		}
		b.WriteRune(c)
		dash = false
	}
	out := strings.Trim(b.String(), "-._")
	if len(out) > 64 {
		out = strings.TrimRight(out[:64], "-._")
	}
	return out
}

// quoted returns a file's base name quoted, followed by a space, or "" when there is no name.
func quoted(name string) string {
	if name == "" {
		return ""
	}
	return fmt.Sprintf("%q ", path.Base(name))
}
