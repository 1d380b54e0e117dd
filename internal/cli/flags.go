package cli

// required returns a usage error naming the first flag, in the order given, that has no value.
// Arguments alternate between a flag's name and its value.
func required(nameValues ...string) error {
	for i := 0; i+1 < len(nameValues); i += 2 {
		if nameValues[i+1] == "" {
			return usageError("--%s is required", nameValues[i])
		}
	}
	return nil
}
