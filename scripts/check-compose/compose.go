// docker-compose.yml and .env.example: Compose Specification validity, required
// secrets, and this project's rules for the stores and the services.

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

func (c *checker) load(env map[string]string) (*types.Project, error) {
	details := types.ConfigDetails{
		WorkingDir:  c.root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(c.root, "docker-compose.yml")}},
		Environment: env,
	}
	return loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SetProjectName("user-engagement", true)
	})
}

var secretName = regexp.MustCompile(`SECRET|PASSWORD|TOKEN`)

var varRef = regexp.MustCompile(`(^|[^$])\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[?+-])?`)

func (c *checker) checkCompose() *types.Project {
	raw, err := os.ReadFile(filepath.Join(c.root, "docker-compose.yml"))
	if err != nil {
		c.fail("docker-compose.yml: %v", err)
		return nil
	}
	example, documented, err := readEnvFile(filepath.Join(c.root, ".env.example"))
	if err != nil {
		c.fail(".env.example: %v", err)
		return nil
	}
	// Every variable the compose file interpolates is documented in .env.example, and back.
	used, required := map[string]bool{}, map[string]bool{}
	// Full-line comments are not interpolated; skip them.
	uncommented := regexp.MustCompile(`(?m)^\s*#.*$`).ReplaceAllString(string(raw), "")
	for _, m := range varRef.FindAllStringSubmatch(uncommented, -1) {
		used[m[2]] = true
		if strings.HasSuffix(m[3], "?") {
			required[m[2]] = true
		}
	}
	for v := range used {
		if !documented[v] {
			c.fail(".env.example does not document %s (used by docker-compose.yml)", v)
		}
	}
	for v := range documented {
		if !used[v] {
			c.fail(".env.example documents %s, which docker-compose.yml never uses", v)
		}
		// A secret the example sets (rather than comments out as optional) must be required.
		if _, set := example[v]; set && secretName.MatchString(v) && !required[v] {
			c.fail("docker-compose.yml: secret %s needs the ${%s:?message} form", v, v)
		}
	}
	project, err := c.load(example)
	if err != nil {
		c.fail("docker-compose.yml with .env.example: %v", err)
		return nil
	}
	c.notes = append(c.notes, fmt.Sprintf("docker-compose.yml: valid Compose Specification (%d services, env from .env.example)", len(project.Services)))
	// A missing secret must stop compose before anything starts.
	for v := range required {
		env := map[string]string{}
		for k, val := range example {
			if k != v {
				env[k] = val
			}
		}
		if _, err := c.load(env); err == nil || !strings.Contains(err.Error(), v) {
			c.fail("docker-compose.yml: without %s compose should refuse to start (got %v)", v, err)
		}
	}
	c.notes = append(c.notes, fmt.Sprintf("docker-compose.yml: each of %d required variables fails loudly when unset", len(required)))
	c.checkStores(project)
	c.checkTokens(example)
	return project
}

// readEnvFile returns the values set in an env file and every name it documents; a
// commented `# NAME=` line documents an optional variable left unset.
func readEnvFile(path string) (values map[string]string, documented map[string]bool, err error) {
	dt, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	values, documented = map[string]string{}, map[string]bool{}
	name := regexp.MustCompile(`^[A-Z_][A-Z0-9_]*$`)
	for _, line := range strings.Split(string(dt), "\n") {
		line = strings.TrimSpace(line)
		commented := strings.HasPrefix(line, "#")
		k, v, ok := strings.Cut(strings.TrimSpace(strings.TrimPrefix(line, "#")), "=")
		if !ok || !name.MatchString(k) {
			continue
		}
		documented[k] = true
		if v = strings.Trim(v, `"'`); !commented && v != "" {
			values[k] = v
		}
	}
	return values, documented, nil
}

// checkTokens: PROFILES_TOKENS is assembled from several variables; check it renders as
// the name:token list profiles parses, with and without the optional agent tokens.
func (c *checker) checkTokens(example map[string]string) {
	entry := regexp.MustCompile(`^[\w.\-]+:\S{8,}$`)
	for _, agents := range []string{"", "carol:carol-token-1,dave:dave-token-2"} {
		env := map[string]string{}
		for k, v := range example {
			env[k] = v
		}
		// ingest, bff and review, plus the agents.
		want := 3
		if agents != "" {
			env["AGENT_PROFILES_TOKENS"] = agents
			want = 5
		}
		p, err := c.load(env)
		if err != nil {
			continue // reported by checkCompose
		}
		svc, ok := p.Services["profiles"]
		if !ok || svc.Environment["PROFILES_TOKENS"] == nil {
			continue
		}
		parts := strings.Split(*svc.Environment["PROFILES_TOKENS"], ",")
		for _, part := range parts {
			if !entry.MatchString(part) {
				c.fail("profiles: PROFILES_TOKENS entry %q is not name:token (8+ characters)", part)
			}
		}
		if len(parts) != want {
			c.fail("profiles: PROFILES_TOKENS has %d entries, want %d", len(parts), want)
		}
	}
	c.notes = append(c.notes, "profiles: PROFILES_TOKENS renders as name:token pairs, with and without agent tokens")
}

func (c *checker) checkStores(p *types.Project) {
	stores := []struct{ name, image, healthWord, mount string }{
		{"mongo", "mongo", "mongosh", "/data/db"},
		{"redis", "redis", "redis-cli", "/data"},
	}
	for _, s := range stores {
		svc, ok := p.Services[s.name]
		if !ok {
			c.fail("docker-compose.yml: no %s service", s.name)
			continue
		}
		repo, tag, _ := strings.Cut(svc.Image, ":")
		major := 0
		fmt.Sscanf(tag, "%d", &major)
		if repo != s.image || major < 7 {
			c.fail("%s: image %q, want the official %s image, version 7 or later, pinned to a major", s.name, svc.Image, s.image)
		}
		if svc.HealthCheck == nil || !strings.Contains(strings.Join(svc.HealthCheck.Test, " "), s.healthWord) {
			c.fail("%s: needs a healthcheck using %s", s.name, s.healthWord)
		}
		hasVolume := false
		for _, v := range svc.Volumes {
			if v.Type == types.VolumeTypeVolume && v.Target == s.mount {
				hasVolume = true
			}
		}
		if !hasVolume {
			c.fail("%s: %s must be a named volume", s.name, s.mount)
		}
		if len(svc.Ports) > 0 {
			c.fail("%s: must not publish ports", s.name)
		}
	}
	if redis, ok := p.Services["redis"]; ok {
		cmd := strings.Join(redis.Command, " ")
		if !strings.Contains(cmd, "--appendonly yes") || !strings.Contains(cmd, "--maxmemory-policy noeviction") {
			c.fail("redis: command must enable AOF (--appendonly yes) and noeviction (BullMQ)")
		}
	}
}

func (c *checker) checkBuiltService(name string, svc types.ServiceConfig) {
	if svc.Restart != "unless-stopped" {
		c.fail("%s: restart is %q, want unless-stopped", name, svc.Restart)
	}
	if len(svc.Ports) > 0 && !publishable[name] {
		c.fail("%s: publishes ports; only %v may", name, keys(publishable))
	}
	for dep, d := range svc.DependsOn {
		if d.Condition != types.ServiceConditionHealthy {
			c.fail("%s: depends_on %s with condition %q, want service_healthy", name, dep, d.Condition)
		}
	}
	df := dockerfilePath(svc.Build)
	if _, err := os.Stat(df); err != nil {
		c.fail("%s: Dockerfile %s not found", name, df)
	}
	c.checkServiceEnv(name, svc)
}

// checkServiceEnv compares what compose sets with DESIGN §2 and with the names the
// service's own config.ts parses, so a typo or a renamed variable fails here, not in prod.
func (c *checker) checkServiceEnv(name string, svc types.ServiceConfig) {
	want, known := designEnv[name]
	if !known {
		c.fail("%s: not a service DESIGN §2 knows (profiles, ingest, bff, review)", name)
		return
	}
	for _, v := range want {
		if _, ok := svc.Environment[v]; !ok {
			c.fail("%s: environment lacks %s (DESIGN §2)", name, v)
		}
	}
	cfgPath := filepath.Join(c.root, "services", name, "src", "config.ts")
	src, err := os.ReadFile(cfgPath)
	if err != nil {
		c.notes = append(c.notes, fmt.Sprintf("%s: no src/config.ts yet, checked against DESIGN §2 only", name))
		return
	}
	parsed := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^\s+([A-Z][A-Z0-9_]*):`).FindAllStringSubmatch(string(src), -1) {
		parsed[m[1]] = true
	}
	var extra []string
	for v := range svc.Environment {
		if !parsed[v] {
			extra = append(extra, v)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		c.fail("%s: compose sets %s, which services/%s/src/config.ts never parses", name, strings.Join(extra, ", "), name)
	}
	c.notes = append(c.notes, fmt.Sprintf("%s: %d variables match DESIGN §2 and src/config.ts", name, len(svc.Environment)))
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
