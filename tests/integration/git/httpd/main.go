// Command git-httpd serves the bare repositories under -root, read-only, over
// Git's smart HTTP protocol by running `git http-backend` as a CGI program.
// It is the HTTP side of the loopback Git server of the integration tests
// (tests/integration/git/up.sh); pushes go over SSH.
package main

import (
	"flag"
	"log"
	"net"
	"net/http"
	"net/http/cgi"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:17080", "loopback address to listen on")
	root := flag.String("root", "", "directory holding the bare repositories (<name>.git)")
	flag.Parse()
	if *root == "" {
		log.Fatal("-root is required")
	}
	if host, _, err := net.SplitHostPort(*addr); err != nil || !net.ParseIP(host).IsLoopback() {
		log.Fatalf("-addr %q: only loopback addresses are allowed", *addr)
	}
	out, err := exec.Command("git", "--exec-path").Output()
	if err != nil {
		log.Fatalf("git --exec-path: %v", err)
	}
	backend := filepath.Join(strings.TrimSpace(string(out)), "git-http-backend")
	if _, err := os.Stat(backend); err != nil {
		log.Fatalf("git http-backend: %v", err)
	}

	cgiHandler := &cgi.Handler{
		Path: backend,
		Dir:  *root,
		Env: []string{
			"GIT_PROJECT_ROOT=" + *root,
			// Serve every repository under root without a
			// git-daemon-export-ok file.
			"GIT_HTTP_EXPORT_ALL=1",
		},
		InheritEnv: []string{"PATH", "HOME"},
		Logger:     log.Default(),
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read-only: no receive-pack (push) over HTTP.
		if strings.HasSuffix(r.URL.Path, "/git-receive-pack") ||
			r.URL.Query().Get("service") == "git-receive-pack" {
			http.Error(w, "push is not served over HTTP", http.StatusForbidden)
			return
		}
		start := time.Now()
		cgiHandler.ServeHTTP(w, r)
		log.Printf("%s %s %s", r.Method, r.URL.RequestURI(), time.Since(start).Round(time.Millisecond))
	})

	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("serving %s on http://%s/", *root, *addr)
	log.Fatal(srv.ListenAndServe())
}
