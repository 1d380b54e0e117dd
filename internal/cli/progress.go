package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// progress draws a progress bar for a long-running job on a writer meant for people (stderr): one line
// redrawn in place when it is a terminal, otherwise a line at each quarter and each new step, so that logs
// of CI jobs show how far the job got without being flooded.
type progress struct {
	w      io.Writer
	tty    bool
	label  string
	pct    int
	step   string
	logged int // the last quarter written (non-terminal)
	drawn  bool
}

// newProgress returns a progress bar for label on w.
func newProgress(w io.Writer, label string) *progress {
	return &progress{w: w, tty: isTerminal(w), label: label, logged: -1}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// set moves the bar to pct (0 to 100) at step.
func (p *progress) set(pct int, step string) {
	pct = max(0, min(100, pct))
	if pct == p.pct && step == p.step && p.drawn {
		return
	}
	newStep := step != p.step
	p.pct, p.step, p.drawn = pct, step, true
	if p.tty {
		const width = 30
		filled := width * pct / 100
		fmt.Fprintf(p.w, "\r%s [%s%s] %3d%% %-12s", p.label, strings.Repeat("#", filled), strings.Repeat(".", width-filled), pct, step)
		return
	}
	if q := pct / 25; q > p.logged || newStep {
		p.logged = q
		fmt.Fprintf(p.w, "%s: %3d%% %s\n", p.label, pct, step)
	}
}

// done ends the bar.
func (p *progress) done() {
	if p.drawn && p.tty {
		fmt.Fprintln(p.w)
	}
}

// readWithProgress reads the file at path, moving p (if any) from 0 to upto percent as it goes. A file of
// more than limit bytes is a *TooLargeFileError, found before it is read (or, for one that grows while
// read, at limit+1 bytes), so that an import never holds more than its limit in memory.
func readWithProgress(path string, p *progress, upto int, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := st.Size()
	if size > limit {
		return nil, &TooLargeFileError{Path: path, Limit: limit}
	}
	buf := make([]byte, 0, size+1)
	chunk := make([]byte, 256<<10)
	r := io.LimitReader(f, limit+1)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if int64(len(buf)) > limit {
			return nil, &TooLargeFileError{Path: path, Limit: limit}
		}
		if p != nil && size > 0 {
			p.set(int(int64(upto)*int64(len(buf))/size), "reading")
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// TooLargeFileError is a file larger than an import takes; nothing of it was read.
type TooLargeFileError struct {
	Path  string
	Limit int64
}

func (e *TooLargeFileError) Error() string {
	return fmt.Sprintf("%s is larger than %d MiB, the most an import takes; split it", e.Path, e.Limit>>20)
}
