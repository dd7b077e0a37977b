// imgcompat-kube-testenv starts a real Kubernetes API server for imgcompat's tests: an embedded etcd
// (go.etcd.io/etcd/server/v3/embed) and kube-apiserver (k8s.io/kubernetes/cmd/kube-apiserver/app) in one
// process, both on 127.0.0.1 with ephemeral ports. It writes an admin kubeconfig and prints one line
// `READY {"kubeconfig":...,"server":...}` on stdout once /readyz answers, then runs until it gets
// SIGTERM/SIGINT (or, with -exit-on-stdin-eof, until its standard input closes).
//
// With -scheduler, kube-scheduler (k8s.io/kubernetes/cmd/kube-scheduler/app) runs in the same process
// with the admin kubeconfig, leader election off and no serving port, and READY is printed once it has
// started. It is started through app.Setup and app.Run rather than app.NewSchedulerCommand, because the
// command installs a process-wide signal handler (k8s.io/apiserver/pkg/server.SetupSignalHandler) that
// kube-apiserver's command has already installed, and a second install panics.
//
// Authentication: a static bearer token for user "admin" in group system:masters (--token-auth-file).
// Authorization: RBAC, so the tests can also exercise "forbidden" with a second, unprivileged token.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/pflag"
	"go.etcd.io/etcd/server/v3/embed"
	"k8s.io/kubernetes/cmd/kube-apiserver/app"
	schedulerapp "k8s.io/kubernetes/cmd/kube-scheduler/app"
	scheduleroptions "k8s.io/kubernetes/cmd/kube-scheduler/app/options"
)

func freePort() int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal("no free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "kube-testenv: "+format+"\n", args...)
	os.Exit(1)
}

func randomToken() string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		fatal("random: %v", err)
	}
	return hex.EncodeToString(b)
}

func main() {
	dir := flag.String("dir", "", "work directory (etcd data, certificates, kubeconfig); required")
	extraArgs := flag.String("apiserver-args", "", "extra kube-apiserver flags, JSON array of strings")
	stdinEOF := flag.Bool("exit-on-stdin-eof", false, "also exit when standard input reaches end of file")
	withScheduler := flag.Bool("scheduler", false, "also run kube-scheduler against the API server")
	flag.Parse()
	if *dir == "" {
		fatal("-dir is required")
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		fatal("%v", err)
	}

	etcdURL := startEtcd(filepath.Join(*dir, "etcd"))

	saKey := filepath.Join(*dir, "sa.key")
	writeRSAKey(saKey)
	adminToken, userToken := randomToken(), randomToken()
	tokens := filepath.Join(*dir, "tokens.csv")
	// Format: token,user,uid,"group1,group2" (kube-apiserver --token-auth-file).
	csv := fmt.Sprintf("%s,admin,admin-uid,\"system:masters\"\n%s,unprivileged,unprivileged-uid\n", adminToken, userToken)
	if err := os.WriteFile(tokens, []byte(csv), 0o600); err != nil {
		fatal("%v", err)
	}

	port := freePort()
	args := []string{
		"--etcd-servers=" + etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", port),
		"--cert-dir=" + filepath.Join(*dir, "certs"),
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + saKey,
		"--service-account-signing-key-file=" + saKey,
		"--token-auth-file=" + tokens,
		"--authorization-mode=RBAC",
		"--service-cluster-ip-range=10.0.0.0/24",
		// No controller-manager runs, so no default ServiceAccount is ever created; pods created by
		// the tests would be rejected by the ServiceAccount admission plugin.
		"--disable-admission-plugins=ServiceAccount",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--v=0",
	}
	if *extraArgs != "" {
		var more []string
		if err := json.Unmarshal([]byte(*extraArgs), &more); err != nil {
			fatal("-apiserver-args: %v", err)
		}
		args = append(args, more...)
	}

	cmd := app.NewAPIServerCommand()
	cmd.SetArgs(args)
	cmd.SilenceUsage = true
	go func() {
		if err := cmd.Execute(); err != nil {
			fatal("kube-apiserver: %v", err)
		}
		os.Exit(0)
	}()

	server := fmt.Sprintf("https://127.0.0.1:%d", port)
	waitReady(server, adminToken)

	caFile := filepath.Join(*dir, "certs", "apiserver.crt")
	ca, err := os.ReadFile(caFile)
	if err != nil {
		fatal("reading serving certificate: %v", err)
	}
	kubeconfig := filepath.Join(*dir, "kubeconfig")
	writeKubeconfig(kubeconfig, server, ca, map[string]string{"admin": adminToken, "unprivileged": userToken})
	if *withScheduler {
		startScheduler(kubeconfig)
	}

	ready, _ := json.Marshal(map[string]any{
		"kubeconfig": kubeconfig,
		"server":     server,
		"caFile":     caFile,
		"etcd":       etcdURL,
	})
	fmt.Printf("READY %s\n", ready)

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	stdinClosed := make(chan struct{})
	if *stdinEOF {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			close(stdinClosed)
		}()
	}
	select {
	case <-sig:
	case <-stdinClosed:
	}
	os.Exit(0)
}

// startScheduler runs kube-scheduler in this process until it exits. Flags: the admin kubeconfig, no
// leader election (one scheduler), and --secure-port=0, which switches its HTTPS endpoint (healthz,
// metrics) off so that it needs no port (k8s.io/kubernetes/cmd/kube-scheduler/app/options Config).
func startScheduler(kubeconfig string) {
	opts := scheduleroptions.NewOptions()
	fs := pflag.NewFlagSet("kube-scheduler", pflag.ContinueOnError)
	for _, set := range opts.Flags.FlagSets {
		fs.AddFlagSet(set)
	}
	if err := fs.Parse([]string{
		"--kubeconfig=" + kubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
	}); err != nil {
		fatal("kube-scheduler flags: %v", err)
	}
	ctx := context.Background()
	cc, sched, err := schedulerapp.Setup(ctx, opts)
	if err != nil {
		fatal("kube-scheduler: %v", err)
	}
	go func() {
		if err := schedulerapp.Run(ctx, cc, sched); err != nil {
			fatal("kube-scheduler: %v", err)
		}
	}()
}

func startEtcd(dataDir string) string {
	cfg := embed.NewConfig()
	cfg.Dir = dataDir
	cfg.LogLevel = "error"
	client := mustURL(fmt.Sprintf("http://127.0.0.1:%d", freePort()))
	peer := mustURL(fmt.Sprintf("http://127.0.0.1:%d", freePort()))
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []urlT{client}, []urlT{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []urlT{peer}, []urlT{peer}
	cfg.InitialCluster = cfg.Name + "=" + peer.String()
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		fatal("etcd: %v", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		fatal("etcd did not become ready in 60s")
	}
	return client.String()
}

func writeRSAKey(path string) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		fatal("rsa: %v", err)
	}
	der := x509.MarshalPKCS1PrivateKey(key)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		fatal("%v", err)
	}
}

func waitReady(server, token string) {
	client := &http.Client{
		Timeout: 5 * time.Second,
		// Only for the readiness probe: the serving certificate is created by the apiserver at start
		// and is not known yet; the kubeconfig written afterwards carries it as the CA.
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	}
	ctx, cancel := context.WithTimeout(context.Background(), 180*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, server+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	fatal("kube-apiserver not ready after 180s")
}

func writeKubeconfig(path, server string, ca []byte, tokens map[string]string) {
	users := ""
	contexts := ""
	for _, name := range []string{"admin", "unprivileged"} {
		users += fmt.Sprintf("- name: %s\n  user:\n    token: %s\n", name, tokens[name])
		contexts += fmt.Sprintf("- name: %s\n  context:\n    cluster: testenv\n    user: %s\n", name, name)
	}
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: %s
    certificate-authority-data: %s
users:
%scontexts:
%scurrent-context: admin
`, server, base64.StdEncoding.EncodeToString(ca), users, contexts)
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		fatal("%v", err)
	}
}
