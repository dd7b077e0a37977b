// Command imgcompat-oracle answers template, regexp and version queries with the Go code NFD itself
// runs (text/template + Sprig, Go regexp, Masterminds/semver), so the TypeScript ports can be tested
// differentially. Used by tests only; never shipped.
//
// Protocol: one JSON object per input line, one JSON answer per output line, in the same order.
//
//	{"op":"template","fn":"parse|execute|expandMap","template":"...","data":...,"dataType":"nfd|json"}
//	  -> {"ok":true,"out":"..."} / {"ok":true,"map":{...}} / {"ok":false,"err":"..."}
//	{"op":"regexp","pattern":"...","inputs":["..."]}
//	  -> {"ok":true,"matches":[true,false]} / {"ok":false,"err":"..."}
//	{"op":"version","a":"...","b":"..."}
//	  -> {"a":{"ok":true,"v":"1.2.3"},"b":{"ok":false,"err":"..."},"cmp":null}
//	{"op":"ping"} -> {"ok":true,"go":"go1.26..."}
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"text/template"

	"github.com/Masterminds/semver/v3"
	"github.com/Masterminds/sprig/v3"

	"imgcompat/tools/oracle/nodefeaturerule"
)

type query struct {
	Op       string          `json:"op"`
	Fn       string          `json:"fn"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
	DataType string          `json:"dataType"`
	Pattern  string          `json:"pattern"`
	Inputs   []string        `json:"inputs"`
	A        *string         `json:"a"`
	B        *string         `json:"b"`
}

type versionAnswer struct {
	Ok  bool   `json:"ok"`
	V   string `json:"v,omitempty"`
	Err string `json:"err,omitempty"`
}

type answer struct {
	Ok      bool              `json:"ok"`
	Out     *string           `json:"out,omitempty"`
	Map     map[string]string `json:"map,omitempty"`
	Err     string            `json:"err,omitempty"`
	Matches []bool            `json:"matches,omitempty"`
	A       *versionAnswer    `json:"a,omitempty"`
	B       *versionAnswer    `json:"b,omitempty"`
	Cmp     *int              `json:"cmp,omitempty"`
	Go      string            `json:"go,omitempty"`
}

// funcMap is NFD's: Sprig's text function map without the host-reading functions
// (pkg/apis/nfd/template/template.go).
var funcMap = func() template.FuncMap {
	m := sprig.TxtFuncMap()
	delete(m, "env")
	delete(m, "expandenv")
	delete(m, "getHostByName")
	return m
}()

// maxTemplateSize mirrors NFD's 64 KiB cap (ErrTemplateTooLarge).
const maxTemplateSize = 65536

func newTemplate(text string) (*template.Template, error) {
	if len(text) > maxTemplateSize {
		return nil, fmt.Errorf("template too large")
	}
	t, err := template.New("").Funcs(funcMap).Option("missingkey=error").Parse(text)
	if err != nil {
		return nil, fmt.Errorf("invalid template: %w", err)
	}
	return t, nil
}

func decodeData(raw json.RawMessage, dataType string) (interface{}, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	if dataType == "nfd" {
		// NFD's template data types (pkg/apis/nfd/nodefeaturerule). Named map types matter: they are
		// not assignable to map[string]interface{}, which Sprig's dict functions take, and a missing
		// key's zero value depends on the element type.
		var d nodefeaturerule.Data
		if err := json.Unmarshal(raw, &d); err != nil {
			return nil, err
		}
		return d, nil
	}
	var d interface{}
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, err
	}
	return d, nil
}

func runTemplate(q *query) (a answer) {
	t, err := newTemplate(q.Template)
	if err != nil {
		return answer{Err: err.Error()}
	}
	if q.Fn == "parse" {
		return answer{Ok: true}
	}
	data, err := decodeData(q.Data, q.DataType)
	if err != nil {
		return answer{Err: "oracle: bad data: " + err.Error()}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		return answer{Err: err.Error()}
	}
	out := buf.String()
	if q.Fn == "execute" {
		return answer{Ok: true, Out: &out}
	}
	// ExpandMap exactly as NFD's Helper.ExpandMap.
	m := map[string]string{}
	for _, item := range strings.Split(out, "\n") {
		if trimmed := strings.TrimSpace(item); trimmed != "" {
			split := strings.SplitN(trimmed, "=", 2)
			if len(split) == 1 {
				return answer{Err: fmt.Sprintf("missing value in expanded template line %q, (format must be '<key>=<value>')", trimmed)}
			}
			m[split[0]] = split[1]
		}
	}
	return answer{Ok: true, Map: m}
}

func runRegexp(q *query) answer {
	re, err := regexp.Compile(q.Pattern)
	if err != nil {
		return answer{Err: err.Error()}
	}
	matches := make([]bool, len(q.Inputs))
	for i, s := range q.Inputs {
		matches[i] = re.MatchString(s)
	}
	return answer{Ok: true, Matches: matches}
}

// parseVersion is what NFD's evaluateMatchExpression does for `type: version`.
func parseVersion(s string) (*semver.Version, *versionAnswer) {
	v, err := semver.NewVersion(s)
	if err != nil {
		return nil, &versionAnswer{Err: err.Error()}
	}
	nv, err := v.SetPrerelease("")
	if err != nil {
		return nil, &versionAnswer{Err: err.Error()}
	}
	return &nv, &versionAnswer{Ok: true, V: nv.String()}
}

func runVersion(q *query) answer {
	a := answer{Ok: true}
	var va, vb *semver.Version
	if q.A != nil {
		va, a.A = parseVersion(*q.A)
	}
	if q.B != nil {
		vb, a.B = parseVersion(*q.B)
	}
	if va != nil && vb != nil {
		c := va.Compare(vb)
		a.Cmp = &c
	}
	return a
}

func handle(line []byte) (a answer) {
	defer func() {
		if r := recover(); r != nil {
			a = answer{Err: fmt.Sprintf("oracle panic: %v", r)}
		}
	}()
	var q query
	if err := json.Unmarshal(line, &q); err != nil {
		return answer{Err: "oracle: bad query: " + err.Error()}
	}
	switch q.Op {
	case "template":
		return runTemplate(&q)
	case "regexp":
		return runRegexp(&q)
	case "version":
		return runVersion(&q)
	case "json", "quote", "strings", "strconv", "time", "unicode":
		return runGoStd(q.Op, line)
	case "kubeYAML":
		return runKubeYAML(line)
	case "ping":
		return answer{Ok: true, Go: runtime.Version()}
	}
	return answer{Err: "oracle: unknown op " + q.Op}
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for {
		line, err := in.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			_ = enc.Encode(handle(line))
			// Flush when no further query is already buffered, so a batch is answered in one write
			// and a lone query is not left waiting.
			if in.Buffered() == 0 {
				_ = out.Flush()
			}
		}
		if err != nil {
			_ = out.Flush()
			return
		}
	}
}
