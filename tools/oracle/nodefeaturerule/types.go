// Package nodefeaturerule mirrors the template data types of NFD's package of the same name
// (pkg/apis/nfd/nodefeaturerule), so that type names in Go's error messages match NFD's exactly.
package nodefeaturerule

// MatchedElement is one matched feature element (NFD: expression.go).
type MatchedElement map[string]string

// DomainMatchedFeatures is NFD's domainMatchedFeatures (rule.go).
type domainMatchedFeatures map[string][]MatchedElement

// MatchedFeatures is NFD's matchedFeatures (rule.go), the data a template sees.
type matchedFeatures map[string]domainMatchedFeatures

// Data is the exported handle on the unexported NFD type; the names in reflect output stay
// nodefeaturerule.matchedFeatures and nodefeaturerule.domainMatchedFeatures, as in NFD.
type Data = matchedFeatures
