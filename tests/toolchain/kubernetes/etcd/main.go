// Command etcd is a thin wrapper that builds the etcd server from its Go module
// at the version pinned in tests/toolchain/versions.env (see go.mod).
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
