// check-compose validates the production stack without a Docker engine, using the same
// libraries Docker uses: compose-go (the Compose Specification loader behind
// `docker compose config`: schema, interpolation, required variables) and BuildKit's
// Dockerfile frontend (the parser, the `docker build --check` rules, and the conversion of
// each target to a build graph). On top of that it checks this project's rules from
// DESIGN §2 and §7. Usage: check-compose [-v] <repo root>. Prints problems; exits 1 if any.
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/compose-spec/compose-go/v2/types"
)

// DESIGN §2: the variables each service must be given. PORT and LOG_LEVEL are set too.
var designEnv = map[string][]string{
	"profiles": {"MONGO_URL", "REDIS_URL", "PROFILES_TOKENS", "PORT", "METRICS_PORT", "LOG_LEVEL"},
	"ingest": {"REDIS_URL", "PROFILES_ADDR", "PROFILES_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN",
		"WHATSAPP_ACCESS_TOKEN", "WHATSAPP_API_BASE_URL", "PORT", "LOG_LEVEL"},
	"bff":    {"REDIS_URL", "PROFILES_ADDR", "PROFILES_TOKEN", "SESSION_SECRET", "BASE_PATH", "PORT", "LOG_LEVEL"},
	"review": {"REDIS_URL", "PROFILES_ADDR", "PROFILES_TOKEN", "REVIEW_PROVIDER", "PORT", "LOG_LEVEL"},
}

// Services whose ports may be published (DESIGN §2: profiles stays internal).
var publishable = map[string]bool{"bff": true, "ingest": true}

type checker struct {
	root     string
	targets  int
	problems []string
	notes    []string
}

func (c *checker) fail(format string, a ...any) {
	c.problems = append(c.problems, fmt.Sprintf(format, a...))
}

func main() {
	args := os.Args[1:]
	verbose := len(args) > 0 && args[0] == "-v"
	if verbose {
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: check-compose [-v] <repo root>")
		os.Exit(2)
	}
	root, err := filepath.Abs(args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	c := &checker{root: root}
	project := c.checkCompose()
	dockerfiles := map[string]bool{}
	if project != nil {
		for _, name := range sortedServiceNames(project) {
			svc := project.Services[name]
			if svc.Build != nil {
				dockerfiles[dockerfilePath(svc.Build)] = true
				c.checkBuiltService(name, svc)
			}
		}
	}
	for df := range dockerfiles {
		c.lintDockerfile(df, project)
	}
	c.checkDockerignore()
	c.checkLockfile()
	if verbose {
		for _, n := range c.notes {
			fmt.Println("  ok   " + n)
		}
	}
	for _, p := range c.problems {
		fmt.Println("  FAIL " + p)
	}
	if len(c.problems) > 0 {
		fmt.Printf("check-compose: %d problem(s)\n", len(c.problems))
		os.Exit(1)
	}
	fmt.Printf("check-compose: ok (%d checks: compose schema and env, %d Dockerfile target(s), .dockerignore)\n", len(c.notes), c.targets)
}

func sortedServiceNames(p *types.Project) []string {
	names := make([]string, 0, len(p.Services))
	for n := range p.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
