package aims_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The repository stands alone: a clone with nothing beside it must pass the test command, so no Go file
// may name a path that climbs above the repository root (by "../" in a string or ".." arguments of
// filepath.Join), and no script may mention the team folder beside it.
func TestRepositoryStandsAlone(t *testing.T) {
	fset := token.NewFileSet()
	var escapes []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "." && (strings.HasPrefix(name, ".") && name != ".ci" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		depth := strings.Count(filepath.ToSlash(filepath.Dir(path)), "/") + 1
		if filepath.Dir(path) == "." {
			depth = 0
		}
		switch {
		case strings.HasSuffix(path, ".go"):
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					return false // table rows of path-validation tests, not paths read
				case *ast.BasicLit:
					if n.Kind != token.STRING {
						return true
					}
					s, err := strconv.Unquote(n.Value)
					if err == nil && climbs(s) > depth {
						escapes = append(escapes, fset.Position(n.Pos()).String()+": "+s)
					}
				case *ast.CallExpr:
					if sel, ok := n.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Join" {
						ups := 0
						for _, a := range n.Args {
							lit, ok := a.(*ast.BasicLit)
							if !ok || lit.Value != `".."` {
								break
							}
							ups++
						}
						if ups > depth {
							escapes = append(escapes, fset.Position(n.Pos()).String()+": filepath.Join climbs "+strconv.Itoa(ups))
						}
					}
				}
				return true
			})
		case strings.HasPrefix(path, "scripts/") || strings.HasPrefix(path, ".ci/"):
			b, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			if teamFolder.Match(b) {
				escapes = append(escapes, path+": names the team folder beside the repository")
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range escapes {
		t.Errorf("reads outside the repository: %s", e)
	}
}

var teamFolder = regexp.MustCompile(`\.\./shared\b`)

// climbs tells how many directories a relative path climbs from where it starts ("../../x" climbs 2).
func climbs(s string) int {
	if strings.Contains(s, "://") || strings.ContainsAny(s, "\n ") {
		return 0
	}
	n := 0
	for strings.HasPrefix(s, "../") {
		n++
		s = s[3:]
	}
	if s == "" {
		return 0 // a bare "../", not a path to anything
	}
	return n
}
