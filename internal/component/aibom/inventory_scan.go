package aibom

import (
	"encoding/json"
	"fmt"
	"io"
)

// ScanInventory reads an Inventory encoded as JSON (as json.Marshal encodes it) from r one item at a
// time: it calls component with the JSON text of each component (a copy, to keep or to decode) and
// dependency with each dependency, in order, and returns their first error. It holds one item at a
// time, so that a stored inventory of a large BOM need not be decoded whole.
func ScanInventory(r io.Reader, component func(raw json.RawMessage) error, dependency func(*Dependency) error) error {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	switch {
	case err != nil:
		return fmt.Errorf("cannot read inventory: %w", err)
	case tok == nil:
		return nil // an inventory of nothing
	case tok != json.Delim('{'):
		return fmt.Errorf("cannot read inventory: %v where { was expected", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("cannot read inventory: %w", err)
		}
		key, _ := tok.(string)
		switch key {
		case "components", "dependencies":
			if err := expectDelim(dec, '['); err != nil {
				return err
			}
			for dec.More() {
				if key == "components" {
					var raw json.RawMessage
					if err := dec.Decode(&raw); err != nil {
						return fmt.Errorf("cannot read a component of the inventory: %w", err)
					}
					if err := component(raw); err != nil {
						return err
					}
					continue
				}
				var d Dependency
				if err := dec.Decode(&d); err != nil {
					return fmt.Errorf("cannot read a dependency of the inventory: %w", err)
				}
				if err := dependency(&d); err != nil {
					return err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return err
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fmt.Errorf("cannot read inventory %s: %w", key, err)
			}
		}
	}
	return expectDelim(dec, '}')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("cannot read inventory: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("cannot read inventory: %v where %v was expected", tok, want)
	}
	return nil
}
