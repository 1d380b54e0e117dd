// Command testdb creates or drops a throwaway PostgreSQL database for the test suite, so that the test
// command does not need psql: testdb create|drop ADMIN_URL NAME.
package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"regexp"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func main() {
	if len(os.Args) != 4 || (os.Args[1] != "create" && os.Args[1] != "drop") {
		fmt.Fprintln(os.Stderr, "usage: testdb create|drop ADMIN_URL NAME")
		os.Exit(2)
	}
	name := os.Args[3]
	if !regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`).MatchString(name) {
		fmt.Fprintf(os.Stderr, "testdb: bad database name %q\n", name)
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", os.Args[2])
	if err != nil {
		fmt.Fprintf(os.Stderr, "testdb: %v\n", err)
		os.Exit(1)
	}
	defer db.Close()
	stmt := "CREATE DATABASE " + name
	if os.Args[1] == "drop" {
		stmt = "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"
	}
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		fmt.Fprintf(os.Stderr, "testdb: %s: %v\n", stmt, err)
		os.Exit(1)
	}
}
