// The Dockerfile: BuildKit's own checks and conversion per target, plus the image rules.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/types"
	"github.com/moby/buildkit/client/llb"
	"github.com/moby/buildkit/client/llb/sourceresolver"
	"github.com/moby/buildkit/frontend/dockerfile/dockerfile2llb"
	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerui"
	"github.com/opencontainers/go-digest"
)

// fakeResolver stands in for the registry: it answers every base image with a minimal
// config (as node:24-slim has), so the frontend can convert without pulling anything.
type fakeResolver struct{}

func (fakeResolver) ResolveImageConfig(_ context.Context, ref string, _ sourceresolver.Opt) (string, digest.Digest, []byte, error) {
	cfg := map[string]any{
		"architecture": "amd64", "os": "linux",
		"config": map[string]any{"Env": []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "NODE_VERSION=24.9.0"}},
		"rootfs": map[string]any{"type": "layers", "diff_ids": []string{}},
	}
	dt, err := json.Marshal(cfg)
	return ref, digest.FromBytes(dt), dt, err
}

func (c *checker) lintDockerfile(path string, p *types.Project) {
	rel, _ := filepath.Rel(c.root, path)
	dt, err := os.ReadFile(path)
	if err != nil {
		c.fail("%s: %v", rel, err)
		return
	}
	sm := llb.NewSourceMap(nil, rel, "Dockerfile", dt)
	sm.Definition = &llb.Definition{} // only read for its (empty) graph when reporting
	opt := dockerfile2llb.ConvertOpt{MetaResolver: fakeResolver{}, SourceMap: sm}
	res, err := dockerfile2llb.DockerfileLint(context.Background(), dt, opt)
	if err != nil {
		c.fail("%s: lint: %v", rel, err)
		return
	}
	if res.Error != nil {
		c.fail("%s: %s", rel, res.Error.Message)
	}
	for _, w := range res.Warnings {
		line := 0
		if w.Location != nil && len(w.Location.Ranges) > 0 {
			line = int(w.Location.Ranges[0].Start.Line)
		}
		c.fail("%s:%d: %s: %s", rel, line, w.RuleName, w.Detail)
	}
	c.notes = append(c.notes, fmt.Sprintf("%s: BuildKit check rules pass (%d warnings)", rel, len(res.Warnings)))

	ast, err := parser.Parse(bytes.NewReader(dt))
	if err != nil {
		c.fail("%s: %v", rel, err)
		return
	}
	stages, _, err := instructions.Parse(ast.AST, nil)
	if err != nil {
		c.fail("%s: %v", rel, err)
		return
	}
	c.checkCopyFrom(rel, stages)
	if p == nil {
		return
	}
	for _, name := range sortedServiceNames(p) {
		svc := p.Services[name]
		if svc.Build == nil || dockerfilePath(svc.Build) != path {
			continue
		}
		c.checkTarget(rel, dt, stages, name, svc.Build.Target)
	}
	c.checkManifests(rel, string(dt))
}

func dockerfilePath(b *types.BuildConfig) string {
	if filepath.IsAbs(b.Dockerfile) {
		return filepath.Clean(b.Dockerfile)
	}
	return filepath.Join(b.Context, b.Dockerfile)
}

// checkTarget converts one target to a build graph and checks the final image's settings.
func (c *checker) checkTarget(rel string, dt []byte, stages []instructions.Stage, service, target string) {
	if target == "" {
		c.fail("%s: compose builds %s without a target", rel, service)
		return
	}
	opt := dockerfile2llb.ConvertOpt{
		Config:       dockerui.Config{Target: target},
		MetaResolver: fakeResolver{},
		SourceMap:    llb.NewSourceMap(nil, rel, "Dockerfile", dt),
	}
	res, err := dockerfile2llb.Dockerfile2LLB(context.Background(), dt, opt)
	if err != nil {
		c.fail("%s: target %s does not convert: %v", rel, target, err)
		return
	}
	img := res.Image.Config
	if img.User == "" || img.User == "root" || img.User == "0" {
		c.fail("%s: target %s runs as root", rel, target)
	}
	if img.Healthcheck == nil || len(img.Healthcheck.Test) == 0 {
		c.fail("%s: target %s has no HEALTHCHECK", rel, target)
	}
	if strings.Join(img.Cmd, " ") != "node dist/main.js" || img.WorkingDir != "/app/services/"+service {
		c.fail("%s: target %s should run `node dist/main.js` in /app/services/%s (has %q in %s)", rel, target, service, img.Cmd, img.WorkingDir)
	}
	if img.StopSignal != "SIGTERM" {
		c.fail("%s: target %s: STOPSIGNAL is %q, want SIGTERM", rel, target, img.StopSignal)
	}
	if !contains(img.Env, "NODE_ENV=production") {
		c.fail("%s: target %s does not set NODE_ENV=production", rel, target)
	}
	// The final image must not inherit the build stage (its dev dependencies and sources).
	chain := stageChain(stages, target)
	for _, s := range chain {
		if s == "deps" || s == "build" {
			c.fail("%s: target %s is based on the %s stage; copy from it instead", rel, target, s)
		}
	}
	c.targets++
	c.notes = append(c.notes, fmt.Sprintf("%s: target %s converts; user %s, healthcheck, SIGTERM, NODE_ENV=production", rel, target, img.User))
}

// checkCopyFrom: BuildKit reads an unknown `COPY --from=name` as an image on a registry,
// so a misspelt stage only fails at build time. Here every --from must name a stage.
func (c *checker) checkCopyFrom(rel string, stages []instructions.Stage) {
	names := map[string]bool{}
	for _, s := range stages {
		for _, cmd := range s.Commands {
			if cp, ok := cmd.(*instructions.CopyCommand); ok && cp.From != "" && !names[strings.ToLower(cp.From)] {
				c.fail("%s: stage %s copies --from=%s, which is not an earlier stage", rel, s.Name, cp.From)
			}
		}
		names[strings.ToLower(s.Name)] = true
	}
}

func stageChain(stages []instructions.Stage, target string) []string {
	byName := map[string]instructions.Stage{}
	for _, s := range stages {
		byName[strings.ToLower(s.Name)] = s
	}
	var chain []string
	for name := strings.ToLower(target); name != ""; {
		s, ok := byName[name]
		if !ok {
			break
		}
		chain = append(chain, name)
		name = strings.ToLower(s.BaseName)
	}
	return chain
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkManifests: every npm workspace's package.json is copied before `npm ci`;
// otherwise npm finds the lockfile out of sync and the image build fails.
func (c *checker) checkManifests(rel, dockerfile string) {
	var root struct {
		Workspaces []string `json:"workspaces"`
	}
	dt, err := os.ReadFile(filepath.Join(c.root, "package.json"))
	if err == nil {
		err = json.Unmarshal(dt, &root)
	}
	if err != nil {
		c.fail("package.json: %v", err)
		return
	}
	count := 0
	for _, pattern := range root.Workspaces {
		matches, _ := filepath.Glob(filepath.Join(c.root, pattern, "package.json"))
		for _, m := range matches {
			dir, _ := filepath.Rel(c.root, filepath.Dir(m))
			count++
			if !strings.Contains(dockerfile, "COPY "+dir+"/package.json "+dir+"/") {
				c.fail("%s: workspace %s/package.json is not copied into the manifests stage", rel, dir)
			}
		}
	}
	c.notes = append(c.notes, fmt.Sprintf("%s: all %d workspace manifests are copied before npm ci", rel, count))
}
