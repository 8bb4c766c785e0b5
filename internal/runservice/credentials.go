package runservice

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
)

// accessKeyID is the form IAM gives access key IDs (16 to 128 word
// characters); "ASIA" keys are the temporary ones the run service's STS
// issues, so configured keys may not use that prefix.
var accessKeyID = regexp.MustCompile(`^\w{16,128}$`)

// LoadCredentialsFile reads the run service's credentials: one key per
// line, "ACCESS_KEY_ID SECRET_ACCESS_KEY", separated by spaces or tabs;
// empty lines and lines starting with '#' are skipped. The file holds
// secrets, so it must not be readable by group or others (chmod 600).
func LoadCredentialsFile(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--credentials-file: %w", err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return nil, fmt.Errorf("--credentials-file: %w", err)
	} else if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("--credentials-file %s is readable by others (mode %04o): it holds secret keys; run chmod 600 %s", path, st.Mode().Perm(), path)
	}
	keys := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Fields(line)
		if len(fields) != 2 {
			return nil, fmt.Errorf("--credentials-file %s line %d: want \"ACCESS_KEY_ID SECRET_ACCESS_KEY\", got %d fields", path, n, len(fields))
		}
		if err := checkKey(fields[0], fields[1]); err != nil {
			return nil, fmt.Errorf("--credentials-file %s line %d: %w", path, n, err)
		}
		if _, dup := keys[fields[0]]; dup {
			return nil, fmt.Errorf("--credentials-file %s line %d: access key ID %s appears twice", path, n, fields[0])
		}
		keys[fields[0]] = fields[1]
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--credentials-file %s: %w", path, err)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("--credentials-file %s holds no key (one \"ACCESS_KEY_ID SECRET_ACCESS_KEY\" per line)", path)
	}
	return keys, nil
}

func checkKey(id, secret string) error {
	if !accessKeyID.MatchString(id) {
		return fmt.Errorf("access key ID %q must be 16 to 128 letters, digits or '_'", id)
	}
	if strings.HasPrefix(id, "ASIA") {
		return fmt.Errorf("access key ID %q: the prefix ASIA is reserved for the temporary credentials the run service's STS issues", id)
	}
	if len(secret) < 16 {
		return fmt.Errorf("the secret access key of %s is shorter than 16 characters", id)
	}
	return nil
}
