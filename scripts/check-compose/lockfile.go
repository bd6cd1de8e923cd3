// package-lock.json: complete enough for the images' `npm ci`.

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

type lockEntry struct {
	Link                 bool                       `json:"link"`
	InBundle             bool                       `json:"inBundle"`
	Dependencies         map[string]string          `json:"dependencies"`
	OptionalDependencies map[string]string          `json:"optionalDependencies"`
	DevDependencies      map[string]string          `json:"devDependencies"`
	PeerDependencies     map[string]string          `json:"peerDependencies"`
	PeerDependenciesMeta map[string]map[string]bool `json:"peerDependenciesMeta"`
}

// checkLockfile: the images install with `npm ci`, which refuses a lockfile that lacks an
// entry for any declared dependency, optional platform packages included (npm resolves
// them before it skips the ones for other platforms). Checked offline, as node would
// resolve each name from each entry's folder.
func (c *checker) checkLockfile() {
	dt, err := os.ReadFile(filepath.Join(c.root, "package-lock.json"))
	if err != nil {
		c.fail("package-lock.json: %v", err)
		return
	}
	var lock struct {
		Packages map[string]lockEntry `json:"packages"`
	}
	if err := json.Unmarshal(dt, &lock); err != nil {
		c.fail("package-lock.json: %v", err)
		return
	}
	var missing []string
	for from, e := range lock.Packages {
		if e.Link || e.InBundle {
			continue
		}
		for name := range declaredDeps(e) {
			if !lockResolves(lock.Packages, from, name) {
				missing = append(missing, fmt.Sprintf("%s (for %s)", name, displayKey(from)))
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		shown := missing
		if len(shown) > 4 {
			shown = append(shown[:4:4], fmt.Sprintf("and %d more", len(missing)-4))
		}
		c.fail("package-lock.json lacks entries that `npm ci` (the images' install) requires, "+
			"even for other platforms; add them (version, os, cpu, optional): %s", strings.Join(shown, ", "))
		return
	}
	c.notes = append(c.notes, fmt.Sprintf("package-lock.json: every declared dependency of %d entries resolves (npm ci accepts it)", len(lock.Packages)))
}

func declaredDeps(e lockEntry) map[string]bool {
	deps := map[string]bool{}
	for _, m := range []map[string]string{e.Dependencies, e.OptionalDependencies, e.DevDependencies} {
		for name := range m {
			deps[name] = true
		}
	}
	for name := range e.PeerDependencies {
		if !e.PeerDependenciesMeta[name]["optional"] {
			deps[name] = true
		}
	}
	return deps
}

// lockResolves looks name up from the folder `from` the way node does: its own
// node_modules, then each enclosing node_modules up to the root.
func lockResolves(pkgs map[string]lockEntry, from, name string) bool {
	dir := from
	for {
		candidate := "node_modules/" + name
		if dir != "" {
			candidate = dir + "/node_modules/" + name
		}
		if _, ok := pkgs[candidate]; ok {
			return true
		}
		if dir == "" {
			return false
		}
		if i := strings.LastIndex(dir, "/node_modules/"); i >= 0 {
			dir = dir[:i]
		} else {
			dir = "" // a top-level package or a workspace folder: next is the root
		}
	}
}

func displayKey(k string) string {
	if k == "" {
		return "the root package"
	}
	return strings.TrimPrefix(k, "node_modules/")
}
