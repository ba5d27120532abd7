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
			for _, svc := range []string{"api", "postgres"} {
				if get(m.doc, "services."+svc) == nil {
					t.Errorf("docker-compose.yml lacks service %s", svc)
				}
			}
			if get(m.doc, "services.postgres.healthcheck") == nil {
				t.Error("docker-compose.yml: postgres has no healthcheck")
			}
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
