package activity

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// A CheckpointDir is a directory of checkpoint files, as the server writes them on a schedule: one file per
// organization per period, named TIME-SLUG.json where TIME is the start of the period in UTC
// (20060102T150405Z), so that names sort by time. Several replicas writing into one directory make one
// file per organization and period: the first to finish keeps its file, the others see it and stop.
type CheckpointDir string

const dirTimeFormat = "20060102T150405Z"

// Name returns the file name of slug's checkpoint for the period starting at slot.
func (d CheckpointDir) Name(slot time.Time, slug string) string {
	return filepath.Join(string(d), slot.UTC().Format(dirTimeFormat)+"-"+slug+".json")
}

// Write stores c as the checkpoint of its organization for the period starting at slot. It returns the file
// name and whether this call wrote it: false when the file exists already (another replica, or an earlier
// run, took this period), which leaves the file as it was. The file appears whole or not at all.
func (d CheckpointDir) Write(c *Checkpoint, slot time.Time) (string, bool, error) {
	name := d.Name(slot, c.OrgSlug)
	if _, err := os.Stat(name); err == nil {
		return name, false, nil
	}
	tmp, err := os.CreateTemp(string(d), ".checkpoint-*.tmp")
	if err != nil {
		return name, false, fmt.Errorf("cannot write a checkpoint into %s: %w", d, err)
	}
	defer os.Remove(tmp.Name())
	if err := c.Encode(tmp); err != nil {
		tmp.Close()
		return name, false, fmt.Errorf("cannot write checkpoint %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return name, false, fmt.Errorf("cannot write checkpoint %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return name, false, fmt.Errorf("cannot write checkpoint %s: %w", name, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return name, false, fmt.Errorf("cannot write checkpoint %s: %w", name, err)
	}
	// A hard link never replaces an existing name, so of two replicas racing for one period, one wins and
	// the other learns it lost.
	switch err := os.Link(tmp.Name(), name); {
	case errors.Is(err, os.ErrExist):
		return name, false, nil
	case err != nil:
		// A file system without hard links (some object-store mounts): create the name exclusively instead,
		// which still never replaces another writer's file.
		var buf bytes.Buffer
		if err := c.Encode(&buf); err != nil {
			return name, false, err
		}
		switch err := writeNew(name, 0o644, buf.Bytes()); {
		case errors.Is(err, os.ErrExist):
			return name, false, nil
		case err != nil:
			return name, false, fmt.Errorf("cannot write checkpoint %s: %w", name, err)
		}
	}
	return name, true, nil
}

// Latest returns the newest checkpoint file of slug in d, by name, or "" when there is none.
func (d CheckpointDir) Latest(slug string) (string, error) {
	ents, err := os.ReadDir(string(d))
	if err != nil {
		return "", fmt.Errorf("cannot list checkpoints in %s: %w", d, err)
	}
	latest := ""
	for _, e := range ents { // ReadDir sorts by name, so by time.
		if e.Type().IsRegular() && slugOf(e.Name()) == slug {
			latest = filepath.Join(string(d), e.Name())
		}
	}
	return latest, nil
}

// slugOf returns the slug in a checkpoint file name TIME-SLUG.json, or "" for other names.
func slugOf(name string) string {
	rest, ok := strings.CutSuffix(name, ".json")
	if !ok || len(rest) < len(dirTimeFormat)+2 || rest[len(dirTimeFormat)] != '-' {
		return ""
	}
	if _, err := time.Parse(dirTimeFormat, rest[:len(dirTimeFormat)]); err != nil {
		return ""
	}
	return rest[len(dirTimeFormat)+1:]
}

// ReadCheckpointFile reads and decodes the checkpoint in path; errors name the file.
func ReadCheckpointFile(path string) (*Checkpoint, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := DecodeCheckpoint(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}
