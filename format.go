package aims

import (
	"fmt"
	"io"
	"strings"
)

// Thousands writes the integer n with a comma between each group of three digits: 62,000.
func Thousands(n any) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if neg {
		return "-" + s
	}
	return s
}

// OnFirstWrite returns a writer to w that calls start (if not nil) before its first write: an export
// sets its headers once it has something to say, and answers with an error otherwise.
func OnFirstWrite(w io.Writer, start func()) io.Writer { return &startWriter{w: w, start: start} }

type startWriter struct {
	w     io.Writer
	start func()
}

func (s *startWriter) Write(p []byte) (int, error) {
	if s.start != nil {
		s.start()
		s.start = nil
	}
	return s.w.Write(p)
}
