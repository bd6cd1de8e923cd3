// .dockerignore, read with the same pattern matcher as Docker.

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

func (c *checker) checkDockerignore() {
	f, err := os.Open(filepath.Join(c.root, ".dockerignore"))
	if err != nil {
		c.fail(".dockerignore: %v", err)
		return
	}
	defer f.Close()
	patterns, err := ignorefile.ReadAll(f)
	if err != nil {
		c.fail(".dockerignore: %v", err)
		return
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		c.fail(".dockerignore: %v", err)
		return
	}
	mustSkip := []string{".git/HEAD", ".env", "node_modules/x/package.json", "services/bff/node_modules/x.js",
		"services/bff/dist/main.js", "proto/src/gen/engagement/v1/users.ts", ".data/x", ".turbo/cache"}
	for _, path := range mustSkip {
		if ok, _ := pm.MatchesOrParentMatches(path); !ok {
			c.fail(".dockerignore: %s would be sent to the build", path)
		}
	}
	// Every source file the build stage reads must reach it.
	sent := 0
	_ = filepath.WalkDir(c.root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(c.root, path)
		if d.IsDir() {
			switch d.Name() {
			case "node_modules", ".git", "dist", "gen", ".turbo", ".data", "test", "e2e":
				return filepath.SkipDir
			}
			return nil
		}
		if !neededByBuild(rel) {
			return nil
		}
		sent++
		if ok, _ := pm.MatchesOrParentMatches(rel); ok {
			c.fail(".dockerignore excludes %s, which the build needs", rel)
		}
		return nil
	})
	c.notes = append(c.notes, fmt.Sprintf(".dockerignore: keeps secrets and build output out, lets %d build inputs in", sent))
}

func neededByBuild(rel string) bool {
	if strings.Contains(rel, ".test.") || strings.HasSuffix(rel, "vitest.config.ts") {
		return false
	}
	switch {
	case rel == "package-lock.json" || rel == "tsconfig.base.json" || rel == "turbo.json":
		return true
	case filepath.Base(rel) == "package.json": // every workspace manifest, for npm ci
		return true
	}
	for _, prefix := range []string{"proto/", "packages/", "services/", "web/"} {
		if strings.HasPrefix(rel, prefix) {
			return true
		}
	}
	return false
}
