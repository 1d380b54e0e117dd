package auditpack

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/csvsafe"
	"github.com/aimsproject/aims/internal/evaluation"
	"github.com/aimsproject/aims/internal/evidence"
)

// EvidenceIndex is the pack's part listing every piece of evidence with its file's SHA-256, so that a
// certification body can match a file it samples to the record.
func EvidenceIndex(s *evidence.Service) Part {
	return func(ctx context.Context, orgID string, add func(string, func(io.Writer) error) error) error {
		return add("evidence/index.csv", func(w io.Writer) error {
			cw := csvsafe.NewWriter(w)
			if err := cw.Write([]string{"id", "title", "kind", "status", "collected_on", "valid_until", "expired", "owner", "source",
				"filename", "media_type", "size", "sha256", "url"}); err != nil {
				return err
			}
			cursor := ""
			for {
				es, next, err := s.List(ctx, orgID, evidence.Filter{}, aims.Page{Limit: aims.MaxPageLimit, Cursor: cursor})
				if err != nil {
					return err
				}
				for _, e := range es {
					row := []string{e.ID, e.Title, e.Kind, e.Status, e.CollectedOn, e.ValidUntil, strconv.FormatBool(e.Expired), e.OwnerName,
						e.Source, "", "", "", "", e.URL}
					if e.File != nil {
						row[9], row[10], row[11], row[12] = e.File.Name, e.File.MediaType, strconv.FormatInt(e.File.Size, 10), e.File.SHA256
					}
					if err := cw.Write(row); err != nil {
						return err
					}
				}
				if next == "" {
					break
				}
				cursor = next
			}
			return cw.Flush()
		})
	}
}

// EvaluationSummary is the pack's part listing every evaluation run with its verdict against the
// system's acceptance criteria and the SHA-256 of the file it was read from.
func EvaluationSummary(s *evaluation.Service) Part {
	return func(ctx context.Context, orgID string, add func(string, func(io.Writer) error) error) error {
		return add("evaluations/summary.csv", func(w io.Writer) error {
			cw := csvsafe.NewWriter(w)
			if err := cw.Write([]string{"id", "system", "tool", "tool_version", "model", "name", "status", "started_at", "red_team",
				"verdict", "model_mismatch", "filename", "sha256", "notes"}); err != nil {
				return err
			}
			cursor := ""
			for {
				rs, next, err := s.List(ctx, orgID, evaluation.Filter{}, aims.Page{Limit: aims.MaxPageLimit, Cursor: cursor})
				if err != nil {
					return err
				}
				for _, r := range rs {
					started := ""
					if r.StartedAt != nil {
						started = r.StartedAt.UTC().Format(time.RFC3339)
					}
					notes := ""
					for i, n := range r.Notes {
						if i > 0 {
							notes += " | "
						}
						notes += n
					}
					if err := cw.Write([]string{r.ID, r.SystemName, r.Tool, r.ToolVersion, r.Model, r.Name, r.Status, started,
						strconv.FormatBool(r.RedTeam), r.Verdict, strconv.FormatBool(r.ModelMismatch), r.Filename, r.SHA256, notes}); err != nil {
						return err
					}
				}
				if next == "" {
					break
				}
				cursor = next
			}
			if err := cw.Flush(); err != nil {
				return fmt.Errorf("cannot write the evaluation summary: %w", err)
			}
			return nil
		})
	}
}
