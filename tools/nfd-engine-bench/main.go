// Command imgcompat-nfd-engine-bench is the NFD side of bench/many-nodes.bench.mjs: it evaluates an
// image-compatibility spec against many nodes' features with NFD's own rule engine
// (sigs.k8s.io/node-feature-discovery/pkg/apis/nfd/nodefeaturerule, `ExecuteGroupRule`), the way
// `nfd compat validate-node` does for one node (NFD v0.19.0
// pkg/client-nfd/compat/node-validator/node-validator.go `Execute`): every rule of every compatibility
// set with failFast=false, each rule's vars fed back into `rule.matched`, then the per-expression
// report rows. Used by the benchmark only; never shipped.
//
// Usage: imgcompat-nfd-engine-bench SPEC FEATURES_JSONL
//
// SPEC is the compatibility spec (YAML or JSON, read with sigs.k8s.io/yaml as NFD's artifact client
// reads it); FEATURES_JSONL holds one node's Features object (NFD's JSON) per line. Nodes are read and
// decoded in batches of 250, as bench/lib/many-nodes.mjs does; only evaluation is timed: wall-clock
// time, and the process's CPU time over the same spans, after a forced collection of the decoding
// garbage. Prints one JSON object: nodes, compatibleNodes, reportRows (a checksum of the report's
// shape: per rule, its matchFeatures rows + 1), evaluationWallMs, evaluationCpuMs, peakRssMB, go.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"sort"
	"syscall"
	"time"

	compatv1alpha1 "sigs.k8s.io/node-feature-discovery/api/image-compatibility/v1alpha1"
	nfdv1alpha1 "sigs.k8s.io/node-feature-discovery/api/nfd/v1alpha1"
	"sigs.k8s.io/node-feature-discovery/pkg/apis/nfd/nodefeaturerule"
	"sigs.k8s.io/yaml"
)

const batchSize = 250

type result struct {
	Nodes            int     `json:"nodes"`
	CompatibleNodes  int     `json:"compatibleNodes"`
	ReportRows       int     `json:"reportRows"`
	EvaluationWallMs float64 `json:"evaluationWallMs"`
	EvaluationCpuMs  float64 `json:"evaluationCpuMs"`
	PeakRssMB        float64 `json:"peakRssMB"`
	Go               string  `json:"go"`
}

// row is one line of NFD's validate-node report (its MatchedExpression), kept only as far as the
// sort and the OK/FAIL verdict need.
type row struct {
	feature, name, expr string
	isMatch             bool
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: imgcompat-nfd-engine-bench SPEC FEATURES_JSONL")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "imgcompat-nfd-engine-bench:", err)
		os.Exit(1)
	}
}

func run(specPath, featuresPath string) error {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err
	}
	var spec compatv1alpha1.Spec
	if err := yaml.Unmarshal(raw, &spec); err != nil {
		return fmt.Errorf("%s: %w", specPath, err)
	}
	f, err := os.Open(featuresPath)
	if err != nil {
		return err
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	lines.Buffer(make([]byte, 0, 1<<20), 64<<20)

	var out result
	var wall time.Duration
	var cpu time.Duration
	for {
		batch := make([]*nfdv1alpha1.Features, 0, batchSize)
		for len(batch) < batchSize && lines.Scan() {
			features := &nfdv1alpha1.Features{}
			if err := json.Unmarshal(lines.Bytes(), features); err != nil {
				return fmt.Errorf("%s: node %d: %w", featuresPath, out.Nodes+len(batch)+1, err)
			}
			batch = append(batch, features)
		}
		if err := lines.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			break
		}
		// The decoder's garbage is collected now so it is not charged to the evaluation.
		runtime.GC()
		cpu0 := cpuTime()
		t0 := time.Now()
		for _, features := range batch {
			compatible, rows, err := validateNode(&spec, features)
			if err != nil {
				return fmt.Errorf("node %d: %w", out.Nodes+1, err)
			}
			if compatible {
				out.CompatibleNodes++
			}
			out.ReportRows += rows
			out.Nodes++
		}
		wall += time.Since(t0)
		cpu += cpuTime() - cpu0
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	out.EvaluationWallMs = round1(float64(wall) / 1e6)
	out.EvaluationCpuMs = round1(float64(cpu) / 1e6)
	out.PeakRssMB = round1(float64(ru.Maxrss) / 1024) // kilobytes on Linux
	out.Go = runtime.Version()
	return json.NewEncoder(os.Stdout).Encode(out)
}

// validateNode evaluates every rule of every compatibility set against one node as validate-node
// does and builds its report rows. It returns whether some set had every rule matching (the
// verdict imgcompat adds to NFD's report) and the row checksum.
func validateNode(spec *compatv1alpha1.Spec, features *nfdv1alpha1.Features) (bool, int, error) {
	compatible := false
	rows := 0
	for _, c := range spec.Compatibilties {
		setOk := true
		for i := range c.Rules {
			r := &c.Rules[i]
			out, err := nodefeaturerule.ExecuteGroupRule(r, features, false)
			if err != nil {
				return false, 0, err
			}
			status := out.MatchStatus
			setOk = setOk && status.IsMatch
			var terms nfdv1alpha1.FeatureMatcher
			if status.MatchFeatureStatus != nil {
				terms = status.MatchedFeaturesTerms
			}
			rows += len(reportRows(r.MatchFeatures, terms)) + 1
			for j, elem := range r.MatchAny {
				var anyTerms nfdv1alpha1.FeatureMatcher
				if j < len(status.MatchAny) && status.MatchAny[j] != nil {
					anyTerms = status.MatchAny[j].MatchedFeaturesTerms
				}
				_ = reportRows(elem.MatchFeatures, anyTerms)
			}
			// The rule.matched back-reference for later rules, after every rule.
			features.InsertAttributeFeatures(nfdv1alpha1.RuleBackrefDomain, nfdv1alpha1.RuleBackrefFeature, out.Vars)
		}
		compatible = compatible || setOk
	}
	return compatible, rows, nil
}

// reportRows builds one matcher's report rows: a row per matchExpressions key and per matchName,
// OK when a recorded term of the same feature held the same op and values; sorted by feature, name
// and the expression's display string.
func reportRows(matcher, recorded nfdv1alpha1.FeatureMatcher) []row {
	var rows []row
	for _, term := range matcher {
		if term.MatchExpressions != nil {
			for name, exp := range *term.MatchExpressions {
				ok := false
				for _, p := range recorded {
					if p.Feature != term.Feature || p.MatchExpressions == nil {
						continue
					}
					if q, found := (*p.MatchExpressions)[name]; found && q.Op == exp.Op && slices.Equal(q.Value, exp.Value) {
						ok = true
						break
					}
				}
				rows = append(rows, row{term.Feature, name, exp.String(), ok})
			}
		}
		if term.MatchName != nil {
			ok := false
			for _, p := range recorded {
				if p.Feature == term.Feature && p.MatchName != nil && p.MatchName.Op == term.MatchName.Op &&
					slices.Equal(p.MatchName.Value, term.MatchName.Value) {
					ok = true
					break
				}
			}
			rows = append(rows, row{term.Feature, "", term.MatchName.String(), ok})
		}
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].feature != rows[j].feature {
			return rows[i].feature < rows[j].feature
		}
		if rows[i].name != rows[j].name {
			return rows[i].name < rows[j].name
		}
		return rows[i].expr < rows[j].expr
	})
	return rows
}

// cpuTime is the process's user + system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }
