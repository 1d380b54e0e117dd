package aibom

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
)

// GzipJSON returns inv encoded as json.Marshal encodes it (see writeInventory), gzip-compressed at
// the fastest level: the inventory of a 20 MB BOM is about 15 MB of JSON, which compresses to a tenth in
// a tenth of a second, while storing it uncompressed took PostgreSQL half a second (its own compression
// included) and made SQLite write every byte twice (log and checkpoint).
func GzipJSON(inv *Inventory) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(zw, 64<<10)
	if err := writeInventory(bw, inv); err != nil { // flushes bw
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeInventory writes inv to w as json.Marshal encodes it, one component at a time, so that the text
// of a large inventory is never held whole.
func writeInventory(w *bufio.Writer, inv *Inventory) error {
	if inv == nil {
		w.WriteString("null")
		return w.Flush()
	}
	meta, err := json.Marshal(&inv.Metadata)
	if err != nil {
		return err
	}
	w.WriteString(`{"metadata":`)
	w.Write(meta)
	if len(inv.Components) > 0 {
		w.WriteString(`,"components":[`)
		for i := range inv.Components {
			c, err := json.Marshal(&inv.Components[i])
			if err != nil {
				return err
			}
			if i > 0 {
				w.WriteByte(',')
			}
			w.Write(c)
		}
		w.WriteByte(']')
	}
	if len(inv.Dependencies) > 0 {
		w.WriteString(`,"dependencies":[`)
		for i := range inv.Dependencies {
			d, err := json.Marshal(&inv.Dependencies[i])
			if err != nil {
				return err
			}
			if i > 0 {
				w.WriteByte(',')
			}
			w.Write(d)
		}
		w.WriteByte(']')
	}
	w.WriteByte('}')
	return w.Flush() // the bufio.Writer keeps its first error: this returns it
}
