package api_test

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestMain runs the tests and then, when the whole suite ran, fails if a response that openapi.json
// documents was never received: a documented status that no test produces is either untested or wrong.
// Internal errors (500) cannot be provoked from outside and are left out.
func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if code != 0 || flag.Lookup("test.run").Value.String() != "" || flag.Lookup("test.skip").Value.String() != "" ||
		flag.Lookup("test.fuzz").Value.String() != "" || flag.Lookup("test.list").Value.String() != "" || testing.Short() {
		os.Exit(code)
	}
	c, err := loadContract()
	if err != nil {
		os.Exit(code)
	}
	var missing []string
	for _, op := range c.operations() {
		method, path, _ := strings.Cut(op, " ")
		for status := range c.doc.Paths.Find(path).GetOperation(method).Responses.Map() {
			n, _ := strconv.Atoi(status)
			if n == 500 || seen.m[op][n] {
				continue
			}
			missing = append(missing, op+" "+status)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		fmt.Fprintln(os.Stderr, "FAIL: documented responses that no test received:")
		for _, m := range missing {
			fmt.Fprintln(os.Stderr, "\t"+m)
		}
		code = 1
	}
	os.Exit(code)
}
