// Package deployments holds the deployment files; its test parses every
// manifest so that a typo fails CI rather than a rollout.
package deployments

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v4"
)

type manifest struct {
	file string
	doc  map[string]any
}

func load(t *testing.T) []manifest {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests: %v", err)
	}
	files = append(files, "docker-compose.yml")
	var out []manifest
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for {
			var doc map[string]any
			err := dec.Decode(&doc)
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if doc != nil {
				out = append(out, manifest{f, doc})
			}
		}
	}
	return out
}

// get walks a path of map keys and list indexes ("0").
func get(v any, path string) any {
	for _, k := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[k]
		case []any:
			if len(x) == 0 {
				return nil
			}
			v = x[0]
			if k != "0" {
				v = get(v, k)
			}
		default:
			return nil
		}
	}
	return v
}

func TestManifestsParse(t *testing.T) {
	kinds := map[string]manifest{}
	for _, m := range load(t) {
		if m.file == "docker-compose.yml" {
			checkCompose(t, m.doc)
			continue
		}
		kind, _ := m.doc["kind"].(string)
		if kind == "" || m.doc["apiVersion"] == nil {
			t.Errorf("%s: a document without kind or apiVersion", m.file)
			continue
		}
		if kind != "Kustomization" && get(m.doc, "metadata.name") == nil {
			t.Errorf("%s: %s without metadata.name", m.file, kind)
		}
		kinds[kind] = m
	}
	for _, k := range []string{"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job",
		"ConfigMap", "Secret", "Cluster", "Kustomization"} {
		if _, ok := kinds[k]; !ok {
			t.Errorf("no %s manifest", k)
		}
	}
	d := kinds["Deployment"].doc
	c := "spec.template.spec.containers.0."
	for path, want := range map[string]any{
		c + "readinessProbe.httpGet.path":                 "/readyz",
		c + "livenessProbe.httpGet.path":                  "/healthz",
		"spec.template.spec.securityContext.runAsNonRoot": true,
	} {
		if got := get(d, path); got != want {
			t.Errorf("Deployment %s = %v, want %v", path, got, want)
		}
	}
	if get(d, c+"resources.requests.cpu") == nil || get(d, c+"resources.limits.memory") == nil {
		t.Error("Deployment: no resource requests/limits")
	}
	if got := get(kinds["Cluster"].doc, "spec.instances"); got != 3 {
		t.Errorf("CloudNativePG Cluster instances = %v, want 3 (a primary and two replicas)", got)
	}
	sec := kinds["Secret"].doc
	for _, k := range []string{"DATABASE_URL", "DATABASE_READ_URLS"} {
		if get(sec, "stringData."+k) == nil {
			t.Errorf("Secret example lacks %s", k)
		}
	}
	res, _ := get(kinds["Kustomization"].doc, "resources").([]any)
	files, _ := filepath.Glob(filepath.Join("kubernetes", "*.yaml"))
	for _, f := range files {
		if base := filepath.Base(f); base != "kustomization.yaml" && !slices.Contains(res, any(base)) {
			t.Errorf("kustomization.yaml does not list %s", base)
		}
	}
}

// checkCompose checks the compose file's wiring: PostgreSQL 15 with a
// healthcheck, a one-shot migration from the repository's image, and the
// API built from the Dockerfile, waiting for both, on port 8080.
func checkCompose(t *testing.T, doc map[string]any) {
	t.Helper()
	for _, svc := range []string{"postgres", "migrate", "api"} {
		if get(doc, "services."+svc) == nil {
			t.Fatalf("docker-compose.yml lacks service %s", svc)
		}
	}
	if img, _ := get(doc, "services.postgres.image").(string); !strings.HasPrefix(img, "postgres:15") {
		t.Errorf("docker-compose.yml: postgres image = %q, want postgres:15", img)
	}
	if test, _ := get(doc, "services.postgres.healthcheck.test").([]any); !slices.ContainsFunc(test, func(v any) bool {
		s, _ := v.(string)
		return strings.Contains(s, "pg_isready")
	}) {
		t.Errorf("docker-compose.yml: postgres healthcheck %v does not run pg_isready", test)
	}
	db := "postgres"
	for _, svc := range []string{"migrate", "api"} {
		p := "services." + svc + "."
		if got := get(doc, p+"build.dockerfile"); got != "Dockerfile" {
			t.Errorf("docker-compose.yml: %s builds %v, want the repository's Dockerfile", svc, got)
		}
		if ctx, _ := get(doc, p+"build.context").(string); ctx == "" {
			t.Errorf("docker-compose.yml: %s has no build context", svc)
		} else if _, err := os.Stat(filepath.Join(ctx, "Dockerfile")); err != nil {
			t.Errorf("docker-compose.yml: %s: build context %s has no Dockerfile: %v", svc, ctx, err)
		}
		url, _ := get(doc, p+"environment.DATABASE_URL").(string)
		if !strings.HasPrefix(url, "postgres://") || !strings.Contains(url, "@"+db+":5432/") {
			t.Errorf("docker-compose.yml: %s DATABASE_URL = %q, want a postgres:// URL to the %s service", svc, url, db)
		}
		if got := get(doc, p+"depends_on.postgres.condition"); got != "service_healthy" {
			t.Errorf("docker-compose.yml: %s waits for postgres until %v, want service_healthy", svc, got)
		}
	}
	if got := get(doc, "services.migrate.command.0"); got != "migrate" {
		t.Errorf("docker-compose.yml: migrate runs %v, want the migrate subcommand", got)
	}
	if got := get(doc, "services.api.depends_on.migrate.condition"); got != "service_completed_successfully" {
		t.Errorf("docker-compose.yml: api waits for migrate until %v, want service_completed_successfully", got)
	}
	if got := get(doc, "services.api.ports.0"); got != "8080:8080" {
		t.Errorf("docker-compose.yml: api ports %v, want 8080:8080", got)
	}
	if got := get(doc, "services.api.healthcheck.test.0"); got != "CMD" {
		t.Errorf("docker-compose.yml: api healthcheck %v, want the desa-api healthcheck subcommand", get(doc, "services.api.healthcheck.test"))
	}
	if seed, _ := get(doc, "services.api.environment.AUTO_SEED").(string); seed != "" {
		for _, set := range strings.Split(seed, ",") {
			if !slices.Contains([]string{"regions", "scores", "indicator_values", "program", "true", "false"}, set) {
				t.Errorf("docker-compose.yml: AUTO_SEED names an unknown set %q", set)
			}
		}
	}
}
