module flux-gitops.local/integration/git-httpd

go 1.26.0
