package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aimsproject/aims/internal/activity"
	"github.com/aimsproject/aims/internal/config"
	"github.com/aimsproject/aims/internal/store"
)

// serveCheckpoints returns the scheduled checkpointing that c asks for, or nil when --checkpoint-dir is not
// set. The key must read and the directory must exist or be made, before serve listens.
func serveCheckpoints(c *config.Config) (*activity.Checkpoints, error) {
	if c.CheckpointDir == "" {
		return nil, nil
	}
	key, err := activity.ReadPrivateKey(c.CheckpointKey)
	if err != nil {
		return nil, usageError("--checkpoint-key: %s", err)
	}
	if err := os.MkdirAll(c.CheckpointDir, 0o755); err != nil {
		return nil, usageError("--checkpoint-dir: %s", err)
	}
	return &activity.Checkpoints{Dir: activity.CheckpointDir(c.CheckpointDir), Key: key, Interval: c.CheckpointInterval}, nil
}

// checkpointing writes a checkpoint of every organization's trail at start and then at the start of every
// period, until ctx ends. Replicas that share the directory write one file per organization and period.
func checkpointing(ctx context.Context, db *store.DB, cps *activity.Checkpoints, log *slog.Logger) {
	for {
		if err := writeCheckpoints(ctx, db, cps, log); err != nil && ctx.Err() == nil {
			log.Error("cannot write checkpoints", "err", err.Error())
		}
		now := db.Now()
		t := time.NewTimer(cps.Slot(now).Add(cps.Interval).Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// writeCheckpoints writes the checkpoints of the period of now; an organization whose trail does not verify
// gets none, and an error in the log.
func writeCheckpoints(ctx context.Context, db *store.DB, cps *activity.Checkpoints, log *slog.Logger) error {
	orgs, err := db.ListOrganizations(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, o := range orgs {
		name, wrote, err := cps.Write(ctx, db, o.ID, o.Slug, db.Now())
		var br *activity.Break
		switch {
		case errors.As(err, &br):
			log.Error("no checkpoint: the activity trail was tampered with", "org", o.Slug, "entry", br.Seq, "reason", br.Reason)
		case err != nil:
			errs = append(errs, fmt.Errorf("checkpoint of %s: %w", o.Slug, err))
		case wrote:
			log.Info("wrote a checkpoint", "org", o.Slug, "file", name)
		}
	}
	return errors.Join(errs...)
}
