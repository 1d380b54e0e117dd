package control

import (
	"fmt"
	"strings"
)

// VersionName is "vN" for an approved version and "live" for the live SoA.
func (s *SoA) VersionName() string {
	if s.Version == 0 {
		return Live
	}
	return fmt.Sprintf("v%d", s.Version)
}

// Label returns the words for people of an applicability or a status.
func Label(v string) string {
	switch v {
	case NotStarted:
		return "Not started"
	case "":
		return ""
	}
	return strings.ToUpper(v[:1]) + strings.ReplaceAll(v[1:], "_", " ")
}
