package system

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/aimsproject/aims"
)

// ExportSystems writes every system of orgID to w, as CSV (format "csv", the layout of DecodeCSV) or as
// a JSON array of their Fields (format "json"; indented by indent when it is not ""), a page at a time:
// an export of 50,000 systems holds one page of them, not the whole file. start, when not nil, is called
// once just before the first byte is written, so that a caller can set its headers and still answer an
// error found earlier (an unknown organization, a failing store) cleanly. An error after that cuts the
// output short and is returned.
func (s *Service) ExportSystems(ctx context.Context, orgID, format, indent string, w io.Writer, start func()) error {
	if format != "csv" && format != "json" {
		return fmt.Errorf("cannot export systems as %q", format)
	}
	out := aims.OnFirstWrite(w, start)
	bw := bufio.NewWriterSize(out, 64<<10)
	n := 0
	var cw *CSVWriter
	if format == "csv" {
		cw = NewCSVWriter(bw)
	}
	err := s.EachSystem(ctx, orgID, Filter{}, func(sys *System) error {
		f := FieldsOf(sys)
		if cw != nil {
			return cw.Write(&f)
		}
		b, err := marshal(&f, indent)
		if err != nil {
			return err
		}
		sep := ","
		if n == 0 {
			sep = "["
		}
		if indent != "" {
			sep += "\n" + indent
		}
		n++
		_, err = bw.WriteString(sep + string(b))
		return err
	})
	if err != nil {
		return err
	}
	switch {
	case cw != nil:
		err = cw.Flush()
	case n == 0:
		_, err = bw.WriteString("[]\n")
	case indent != "":
		_, err = bw.WriteString("\n]\n")
	default:
		_, err = bw.WriteString("]\n")
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func marshal(f *Fields, indent string) ([]byte, error) {
	if indent == "" {
		return json.Marshal(f)
	}
	return json.MarshalIndent(f, indent, indent)
}
