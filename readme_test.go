package aims_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// envName matches an AIMS_* environment variable's name.
var envName = regexp.MustCompile(`\bAIMS_[A-Z0-9]+(?:_[A-Z0-9]+)*\b`)

// envPlaceholders are names that stand for any variable in comments ("AIMS_X, or the file named by
// AIMS_X_FILE"), not variables.
var envPlaceholders = map[string]bool{"AIMS_X": true, "AIMS_X_FILE": true}

// TestReadmeNamesEveryVariable checks that every AIMS_* variable that the code, the scripts or the tests
// read is in the README's configuration section, so that no setting is known only to the source.
func TestReadmeNamesEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, _ := strings.Cut(string(readme), "\n## Configuration\n")
	if i := strings.Index(section, "\n## "); i >= 0 {
		section = section[:i]
	}
	if section == "" {
		t.Fatal("README.md has no Configuration section")
	}
	used := map[string][]string{}
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && strings.HasPrefix(name, ".") && name != ".ci" {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(path, ".md") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".txtar") ||
			strings.HasPrefix(filepath.ToSlash(path), "scripts/") || strings.HasPrefix(filepath.ToSlash(path), ".ci/")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, name := range envName.FindAllString(string(b), -1) {
			if !envPlaceholders[name] {
				used[name] = append(used[name], path)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(used) < 10 {
		t.Fatalf("found only %d AIMS_* names in the repository; the walk is broken", len(used))
	}
	var missing []string
	for name, paths := range used {
		if !strings.Contains(section, "`"+name+"`") {
			missing = append(missing, name+" (used in "+paths[0]+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("README.md's Configuration section does not name:\n  %s", strings.Join(missing, "\n  "))
	}
}
