package evidence_test

import (
	"bytes"
	"context"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"gocloud.dev/blob"

	"github.com/aimsproject/aims"
	"github.com/aimsproject/aims/internal/evidence"
)

// s3URL starts an S3 protocol server (gofakes3, in memory, over HTTP) for the test and returns the
// --blob-url of a bucket in it. The AWS SDK takes its credentials from the environment, as in production.
func s3URL(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(gofakes3.New(s3mem.New(), gofakes3.WithAutoBucket(true)).Server())
	t.Cleanup(srv.Close)
	t.Setenv("AWS_ACCESS_KEY_ID", "test")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	return "s3://evidence?endpoint=" + srv.URL + "&region=us-east-1&use_path_style=true&disable_https=true"
}

// TestTheS3BlobStoreStoresOnceVerifiesAndRefusesACorruptFile runs the blob store against a real S3
// protocol server: upload, a second upload of the same content, a verified read, a file over the limit,
// and a stored object changed behind aims's back.
func TestTheS3BlobStoreStoresOnceVerifiesAndRefusesACorruptFile(t *testing.T) {
	u := s3URL(t)
	ctx := context.Background()
	bs, err := evidence.OpenBlobs(ctx, u, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer bs.Close()
	content := strings.Repeat("garak probe result\n", 5000)
	b, err := bs.Put(ctx, strings.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := bs.Put(ctx, strings.NewReader(content)); err != nil || again.SHA256 != b.SHA256 {
		t.Fatalf("the same content again = %+v, %v", again, err)
	}
	raw, err := blob.OpenBucket(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var keys []string
	it := raw.List(nil)
	for {
		o, err := it.Next(ctx)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, o.Key)
	}
	if len(keys) != 1 || keys[0] != evidence.Key(b.SHA256) {
		t.Fatalf("the bucket holds %v, want only %s", keys, evidence.Key(b.SHA256))
	}
	r, err := bs.Open(ctx, b.SHA256, b.Size)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(r)
	r.Close()
	if err != nil || string(got) != content {
		t.Fatalf("read back %d bytes, %v", len(got), err)
	}
	if _, err := bs.Put(ctx, bytes.NewReader(make([]byte, 1<<20+10))); aims.ErrorCode(err) != aims.ETOOLARGE {
		t.Fatalf("a file over the limit = %v", err)
	}
	if err := raw.WriteAll(ctx, evidence.Key(b.SHA256), []byte(strings.Replace(content, "probe", "pr0be", 1)), nil); err != nil {
		t.Fatal(err)
	}
	if err := bs.Verify(ctx, b.SHA256, b.Size); aims.ErrorCode(err) != aims.ECORRUPT {
		t.Fatalf("Verify of a changed object = %v", err)
	}
	r, err = bs.Open(ctx, b.SHA256, b.Size)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(r)
	r.Close()
	if aims.ErrorCode(err) != aims.ECORRUPT {
		t.Fatalf("reading a changed object to its end = %v", err)
	}
	n := 0
	it = raw.List(nil)
	for {
		if _, err := it.Next(ctx); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("the refused upload left %d objects", n)
	}
	// A left-over upload in the bucket is swept once older than the cutoff (now, in the future); the
	// stored file stays.
	if err := raw.WriteAll(ctx, "tmp/crashed", []byte("half a file"), nil); err != nil {
		t.Fatal(err)
	}
	if n, err := bs.SweepTemporary(ctx, time.Now().Add(time.Hour)); n != 1 || err != nil {
		t.Errorf("swept %d, %v; want the left-over upload", n, err)
	}
	if ok, err := raw.Exists(ctx, "tmp/crashed"); ok || err != nil {
		t.Errorf("the left-over upload is still there: %v", err)
	}
	if ok, err := raw.Exists(ctx, evidence.Key(b.SHA256)); !ok || err != nil {
		t.Errorf("the stored file is gone: %v", err)
	}
}
