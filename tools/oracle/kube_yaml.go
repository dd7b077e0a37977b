package main

// The kubeYAML query reads a YAML stream the way kubectl does, so the tests can check that what we print
// for Kubernetes is read back as the objects we meant:
//
//	{"op":"kubeYAML","yaml":"..."} -> {"ok":true,"out":"[<doc1 JSON>,<doc2 JSON>,...]"} / {"ok":false,"err":"..."}
//
// kubectl's resource builder (k8s.io/cli-runtime pkg/resource visitor.go StreamVisitor) reads a stream
// with k8s.io/apimachinery/pkg/util/yaml's YAMLOrJSONDecoder: documents are split by YAMLReader (lines
// starting with "---") and each is converted by sigs.k8s.io/yaml (YAMLToJSON: gopkg.in/yaml.v2's YAML 1.1
// decoding into interface{}, non-string map keys turned into their text); empty documents ("null") are
// skipped. This handler does the same with the same modules, at the versions k8s.io/kubernetes v1.35.4
// builds with.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"

	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

type kubeYAMLQuery struct {
	YAML string `json:"yaml"`
}

func runKubeYAML(line []byte) answer {
	var q kubeYAMLQuery
	if err := json.Unmarshal(line, &q); err != nil {
		return answer{Err: "oracle: bad query: " + err.Error()}
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader([]byte(q.YAML))))
	docs := []json.RawMessage{}
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return answer{Err: err.Error()}
		}
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return answer{Err: err.Error()}
		}
		if len(j) == 0 || bytes.Equal(j, []byte("null")) {
			continue
		}
		docs = append(docs, j)
	}
	out, err := json.Marshal(docs)
	if err != nil {
		return answer{Err: err.Error()}
	}
	s := string(out)
	return answer{Ok: true, Out: &s}
}
