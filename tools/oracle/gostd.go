package main

// Queries answered with Go's standard library, for the differential tests of src/go:
//
//	{"op":"json","fn":"marshal|marshalIndent|marshalNoHTML","data":<JSON>,"prefix":"","indent":"  "}
//	  -> {"ok":true,"out":"..."}   (data decoded into interface{}: objects are map[string]interface{})
//	{"op":"quote","s":"..."} -> {"ok":true,"out":"..."}   (strconv.Quote)
//	{"op":"strings","fn":"ToUpper|ToLower|Title|TrimSpace|Trim|Fields|Split|Len|Compare|EqualFold","s":"...","sep":"...","n":-1}
//	  -> {"ok":true,"out":"..."}; Fields and Split: "out" is the JSON of the list; Len, Compare, EqualFold: of the number or boolean
//	{"op":"strconv","fn":"ParseInt|ParseUint|Atoi|FormatFloat","s":"...","base":0,"f":1.5,"bitSize":32}
//	  -> {"ok":true,"out":"..."} / {"ok":false,"err":"..."}
//	{"op":"time","s":"..."} -> {"ok":true,"out":"<unix seconds> <nanoseconds>"} / {"ok":false,"err":"..."}
//	  (time.Parse(time.RFC3339, s))
//	{"op":"unicode","runes":[...]} -> {"ok":true,"out":"<JSON>"}: per rune [flags, upper, lower, title], flags
//	  holding P, L, D, S for IsPrint, IsLetter, IsDigit, IsSpace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
)

type stdQuery struct {
	Fn      string          `json:"fn"`
	S       string          `json:"s"`
	Sep     string          `json:"sep"`
	N       *int            `json:"n"`
	Data    json.RawMessage `json:"data"`
	Prefix  string          `json:"prefix"`
	Indent  string          `json:"indent"`
	Base    int             `json:"base"`
	F       float64         `json:"f"`
	BitSize int             `json:"bitSize"`
	Runes   []rune          `json:"runes"`
}

func okOut(s string) answer { return answer{Ok: true, Out: &s} }

// okJSON answers a non-string result as the JSON text of it in "out".
func okJSON(v interface{}) answer {
	b, err := json.Marshal(v)
	if err != nil {
		return answer{Err: "oracle: " + err.Error()}
	}
	return okOut(string(b))
}

func parseStd(line []byte) (stdQuery, error) {
	var q stdQuery
	err := json.Unmarshal(line, &q)
	return q, err
}

func runJSON(q stdQuery) answer {
	var v interface{}
	if err := json.Unmarshal(q.Data, &v); err != nil {
		return answer{Err: "oracle: bad data: " + err.Error()}
	}
	switch q.Fn {
	case "marshal":
		b, err := json.Marshal(v)
		if err != nil {
			return answer{Err: err.Error()}
		}
		return okOut(string(b))
	case "marshalIndent":
		b, err := json.MarshalIndent(v, q.Prefix, q.Indent)
		if err != nil {
			return answer{Err: err.Error()}
		}
		return okOut(string(b))
	case "marshalNoHTML":
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return answer{Err: err.Error()}
		}
		return okOut(strings.TrimSuffix(buf.String(), "\n"))
	}
	return answer{Err: "oracle: unknown json fn " + q.Fn}
}

func runStrings(q stdQuery) answer {
	switch q.Fn {
	case "ToUpper":
		return okOut(strings.ToUpper(q.S))
	case "ToLower":
		return okOut(strings.ToLower(q.S))
	case "Title":
		//lint:ignore SA1019 Sprig's title is strings.Title; the deprecated function is the point.
		return okOut(strings.Title(q.S)) //nolint:staticcheck
	case "TrimSpace":
		return okOut(strings.TrimSpace(q.S))
	case "Trim":
		return okOut(strings.Trim(q.S, q.Sep))
	case "Fields":
		return okJSON(nonNil(strings.Fields(q.S)))
	case "Split":
		n := -1
		if q.N != nil {
			n = *q.N
		}
		return okJSON(nonNil(strings.SplitN(q.S, q.Sep, n)))
	case "Len":
		return okJSON(len(q.S))
	case "EqualFold":
		return okJSON(strings.EqualFold(q.S, q.Sep))
	case "Compare":
		return okJSON(strings.Compare(q.S, q.Sep))
	}
	return answer{Err: "oracle: unknown strings fn " + q.Fn}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}

func runStrconv(q stdQuery) answer {
	switch q.Fn {
	case "Quote":
		return okOut(strconv.Quote(q.S))
	case "ParseInt":
		v, err := strconv.ParseInt(q.S, q.Base, 64)
		if err != nil {
			return answer{Err: err.Error()}
		}
		return okOut(strconv.FormatInt(v, 10))
	case "ParseUint":
		v, err := strconv.ParseUint(q.S, q.Base, 64)
		if err != nil {
			return answer{Err: err.Error()}
		}
		return okOut(strconv.FormatUint(v, 10))
	case "Atoi":
		v, err := strconv.Atoi(q.S)
		if err != nil {
			return answer{Err: err.Error()}
		}
		return okOut(strconv.Itoa(v))
	case "FormatFloat":
		return okOut(strconv.FormatFloat(q.F, 'g', -1, q.BitSize))
	}
	return answer{Err: "oracle: unknown strconv fn " + q.Fn}
}

func runUnicode(q stdQuery) answer {
	out := make([][4]interface{}, 0, len(q.Runes))
	for _, r := range q.Runes {
		flags := ""
		for _, c := range []struct {
			f func(rune) bool
			s string
		}{{unicode.IsPrint, "P"}, {unicode.IsLetter, "L"}, {unicode.IsDigit, "D"}, {unicode.IsSpace, "S"}} {
			if c.f(r) {
				flags += c.s
			}
		}
		out = append(out, [4]interface{}{flags, unicode.ToUpper(r), unicode.ToLower(r), unicode.ToTitle(r)})
	}
	return okJSON(out)
}

// runGoStd answers the json, quote, strings, strconv, time and unicode queries.
func runGoStd(op string, line []byte) answer {
	q, err := parseStd(line)
	if err != nil {
		return answer{Err: "oracle: bad query: " + err.Error()}
	}
	switch op {
	case "json":
		return runJSON(q)
	case "quote":
		return okOut(strconv.Quote(q.S))
	case "strings":
		return runStrings(q)
	case "strconv":
		return runStrconv(q)
	case "time":
		t, err := time.Parse(time.RFC3339, q.S)
		if err != nil {
			return answer{Err: err.Error()}
		}
		return okOut(fmt.Sprintf("%d %d", t.Unix(), t.Nanosecond()))
	}
	return runUnicode(q)
}
