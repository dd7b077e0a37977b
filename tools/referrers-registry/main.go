// Command imgcompat-ggcr-registry serves go-containerregistry's registry (pkg/registry, the one behind
// `crane registry serve`) with its OCI 1.1 referrers API switched on. `crane registry serve` has no flag
// for that option, and the referrers-API registries (olareg, zot) are not served by the Go module proxy,
// so the end-to-end tests use this registry for the referrers-API path.
//
// Its referrers support is minimal, and the tests rely on that: no artifactType filtering (and no
// OCI-Filters-Applied header), each descriptor's artifactType is the manifest's config media type, and
// no OCI-Subject header on manifest PUTs. Nothing here changes the registry's behaviour.
//
// Usage: imgcompat-ggcr-registry [--address 127.0.0.1:0]; prints "serving on port N" when listening.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
)

func main() {
	address := flag.String("address", "127.0.0.1:0", "address to listen on")
	flag.Parse()
	listener, err := net.Listen("tcp", *address)
	if err != nil {
		log.Fatalln(err)
	}
	// The test harness reads the port from this line (stdout, unbuffered).
	fmt.Fprintf(os.Stdout, "serving on port %d\n", listener.Addr().(*net.TCPAddr).Port)
	s := &http.Server{
		ReadHeaderTimeout: 5 * time.Second,
		Handler: registry.New(
			registry.WithReferrersSupport(true),
			registry.Logger(log.New(os.Stderr, "", log.LstdFlags)),
		),
	}
	log.Fatalln(s.Serve(listener))
}
