package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/aimsproject/aims"
)

// zipMagic starts a zip archive, which is what an Inspect .eval log is.
var zipMagic = []byte("PK\x03\x04")

// isZip reports whether br holds a zip archive, leaving it unread.
func isZip(br *bufio.Reader) bool {
	head, _ := br.Peek(len(zipMagic))
	return bytes.Equal(head, zipMagic)
}

// Bounds on an .eval archive's content, against archives that inflate far beyond their size.
const (
	archiveHeaderMax  = 64 << 20 // header.json or the journal's start.json
	archiveInflateMax = 8 << 30  // all the entries read, inflated
)

// readInspectArchive reads an Inspect log in its .eval form, Inspect's default: a zip archive holding
// header.json (the log without its samples), samples/<id>_epoch_<n>.json (one sample each), and a
// journal (_journal/start.json with the eval, written when the run starts). A run that did not finish
// has no header.json: it is read from the journal's start, as a run that did not complete. The archive
// is spooled to a temporary file (zip needs to seek), removed when read; each entry is streamed.
func readInspectArchive(r io.Reader, o Options) (*Run, error) {
	f, err := os.CreateTemp("", "aims-inspect-*.eval")
	if err != nil {
		return nil, fmt.Errorf("cannot spool the .eval archive: %w", err)
	}
	defer func() {
		f.Close()
		os.Remove(f.Name())
	}()
	size, err := io.Copy(f, r)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(f, size)
	if err != nil {
		return nil, fieldErr("The file starts as a zip archive (an Inspect .eval log) but is not a readable one: " + zipProblem(err) + ".")
	}
	entries := map[string]*zip.File{}
	var samples []*zip.File
	for _, zf := range zr.File {
		entries[zf.Name] = zf
		if strings.HasPrefix(zf.Name, "samples/") && strings.HasSuffix(zf.Name, ".json") {
			samples = append(samples, zf)
		}
	}
	slices.SortFunc(samples, func(a, b *zip.File) int { return strings.Compare(a.Name, b.Name) })
	budget := &inflateBudget{left: archiveInflateMax}
	l := newInspectLog(o)
	started := false
	head := entries["header.json"]
	if head == nil {
		if head = entries["_journal/start.json"]; head == nil {
			return nil, fieldErr("The zip archive is not an Inspect .eval log: it has neither header.json nor _journal/start.json.")
		}
		started = true
	}
	if err := readEntry(head, budget, archiveHeaderMax, func(w *walker) error { return l.read(w) }); err != nil {
		return nil, err
	}
	for _, zf := range samples {
		if err := readEntry(zf, budget, archiveInflateMax, l.sample); err != nil {
			return nil, err
		}
	}
	if started {
		l.run.Status = "started"
		l.run.Notes = append(l.run.Notes, "The .eval log has no header: the run did not finish, and its samples so far are counted.")
	}
	return l.finish()
}

// readEntry streams the JSON value of zf into read, at most max bytes of it inflated, naming the entry
// in what is wrong with it.
func readEntry(zf *zip.File, budget *inflateBudget, max int64, read func(*walker) error) error {
	rc, err := zf.Open()
	if err != nil {
		return fieldErr(fmt.Sprintf("%s in the .eval archive cannot be read: %s.", zf.Name, zipProblem(err)))
	}
	defer rc.Close()
	lim := &limitedEntry{r: rc, left: max, budget: budget}
	w := newWalker(lim)
	err = read(w)
	if err == nil {
		err = w.end()
	}
	switch {
	case err == nil:
		return nil
	case lim.over:
		return fieldErr(fmt.Sprintf("%s in the .eval archive inflates beyond what aims reads (%d MiB for the entry, %d GiB in all).",
			zf.Name, max>>20, archiveInflateMax>>30))
	case aims.ErrorCode(err) == aims.EINVALID:
		return fieldErr(fmt.Sprintf("%s in the .eval archive: %s", zf.Name, aims.ErrorMessage(err)))
	case errors.Is(err, zip.ErrChecksum) || errors.Is(err, zip.ErrFormat) || errors.Is(err, io.ErrUnexpectedEOF) || corruptDeflate(err):
		return fieldErr(fmt.Sprintf("%s in the .eval archive is damaged: %s.", zf.Name, zipProblem(err)))
	}
	return err
}

func zipProblem(err error) string {
	switch {
	case errors.Is(err, zip.ErrChecksum):
		return "its checksum does not match"
	case errors.Is(err, zip.ErrFormat), errors.Is(err, io.ErrUnexpectedEOF):
		return "it is truncated or not a zip archive"
	case errors.Is(err, zip.ErrAlgorithm):
		return "it is compressed in a way zip readers do not support"
	case corruptDeflate(err):
		return "its compressed data is corrupt"
	}
	return err.Error()
}

// corruptDeflate reports whether err is a deflate stream that does not decode.
func corruptDeflate(err error) bool {
	var ce flate.CorruptInputError
	return errors.As(err, &ce)
}

// inflateBudget is what is left of the bytes an archive may inflate to.
type inflateBudget struct{ left int64 }

// limitedEntry reads an entry until its own limit or the archive's budget runs out, then fails.
type limitedEntry struct {
	r      io.Reader
	left   int64
	budget *inflateBudget
	over   bool
}

func (l *limitedEntry) Read(p []byte) (int, error) {
	if l.left <= 0 || l.budget.left <= 0 {
		l.over = true
		return 0, errors.New("the entry inflates beyond the limit")
	}
	p = p[:min(int64(len(p)), l.left, l.budget.left)]
	n, err := l.r.Read(p)
	l.left -= int64(n)
	l.budget.left -= int64(n)
	return n, err
}
