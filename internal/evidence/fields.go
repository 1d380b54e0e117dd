package evidence

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/record"
)

// relabel makes an input error of a link about field.
func relabel(err error, field string) error {
	var ae *aims.Error
	if errors.As(err, &ae) && ae.Code == aims.EINVALID {
		return aims.FieldError(field, "%s", ae.Message)
	}
	return err
}

// parseEvidences reads the records new evidence is to be linked to.
func parseEvidences(ss []string) ([]record.Ref, error) {
	if len(ss) > 100 {
		return nil, aims.FieldError("evidences", "Link evidence to at most 100 records at once.")
	}
	var refs []record.Ref
	for _, s := range ss {
		if strings.TrimSpace(s) == "" {
			continue
		}
		r, err := record.ParseRef(s, "evidences")
		if err != nil {
			return nil, err
		}
		refs = append(refs, r)
	}
	return refs, nil
}

// cleanName keeps the base name of a file name a browser or client sent, bounded.
func cleanName(name string) string {
	name = filepath.Base(strings.ReplaceAll(strings.TrimSpace(name), `\`, "/"))
	if name == "." || name == "/" {
		name = ""
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if len(name) > 200 {
		name = name[:200]
	}
	return name
}

// mediaTypeOf is the media type given (unless generic), else the one of the file name's extension, else
// the one the first bytes tell.
func mediaTypeOf(given, name string, head []byte) string {
	if mt, _, err := mime.ParseMediaType(given); err == nil && mt != "application/octet-stream" && mt != "" {
		return mt
	}
	if t := mime.TypeByExtension(strings.ToLower(filepath.Ext(name))); t != "" {
		if mt, _, err := mime.ParseMediaType(t); err == nil {
			return mt
		}
	}
	mt, _, _ := mime.ParseMediaType(http.DetectContentType(head))
	return mt
}

const (
	maxTitle = 300
	maxText  = 20000
	maxBody  = 200000
)

// check validates e's fields for its kind; hasFile tells whether a file came with it.
func (s *Service) check(e *Evidence, hasFile bool) error {
	e.Title, e.Description, e.Source = strings.TrimSpace(e.Title), strings.TrimSpace(e.Description), strings.TrimSpace(e.Source)
	e.URL, e.CollectedOn, e.ValidUntil = strings.TrimSpace(e.URL), strings.TrimSpace(e.CollectedOn), strings.TrimSpace(e.ValidUntil)
	switch e.Kind {
	case KindFile:
		if !hasFile && e.File == nil {
			return aims.FieldError("file", "Attach the file this evidence is.")
		}
		if e.URL != "" || e.Body != "" {
			return aims.FieldError("kind", "File evidence has neither a URL nor a body: add those as link or record evidence.")
		}
	case KindLink:
		if hasFile || e.Body != "" {
			return aims.FieldError("kind", "Link evidence has only a URL.")
		}
		u, err := url.Parse(e.URL)
		if e.URL == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(e.URL) > 2000 {
			return aims.FieldError("url", "Give the document's address as an http or https URL.")
		}
	case KindRecord:
		if hasFile || e.URL != "" {
			return aims.FieldError("kind", "Record evidence has only a body of text.")
		}
		if strings.TrimSpace(e.Body) == "" {
			return aims.FieldError("body", "Write what the record holds.")
		}
		if len(e.Body) > maxBody {
			return aims.FieldError("body", "The record is longer than %d characters; attach it as a file instead.", maxBody)
		}
	default:
		return aims.FieldError("kind", "Unknown kind %q: use file, link or record.", clip(e.Kind))
	}
	if e.Title == "" {
		return aims.FieldError("title", "Give the evidence a title.")
	}
	if len(e.Title) > maxTitle {
		return aims.FieldError("title", "The title is longer than %d characters.", maxTitle)
	}
	if len(e.Description) > maxText || len(e.Source) > 1000 {
		return aims.FieldError("description", "The description is longer than %d characters.", maxText)
	}
	if e.CollectedOn == "" {
		e.CollectedOn = s.Today()
	}
	if !validDate(e.CollectedOn) {
		return aims.FieldError("collected_on", "Give the date the evidence was collected as YYYY-MM-DD.")
	}
	if e.CollectedOn > s.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly) {
		return aims.FieldError("collected_on", "The evidence cannot be collected in the future.")
	}
	if e.ValidUntil != "" {
		if !validDate(e.ValidUntil) {
			return aims.FieldError("valid_until", "Give the last date the evidence holds as YYYY-MM-DD, or leave it empty.")
		}
		if e.ValidUntil < e.CollectedOn {
			return aims.FieldError("valid_until", "The evidence cannot lapse before it was collected.")
		}
	}
	return nil
}

func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
