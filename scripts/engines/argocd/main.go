// Command argocd is Argo CD's multi-call binary cut down to the three programs the integration
// suite runs: the application-controller, the repo-server, and the git-ask-pass helper the
// repo-server hands to git. Argo CD's own cmd/main.go links every program (CLI, API server, Dex,
// notifications, ApplicationSet's SCM providers): a third more packages to compile on a
// fresh machine. build.sh copies this file into Argo CD's module as cmd/immutable-infra-argocd;
// like upstream, the program is chosen by ARGOCD_BINARY_NAME, else by the binary's own name.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	appcontroller "github.com/argoproj/argo-cd/v3/cmd/argocd-application-controller/commands"
	gitaskpass "github.com/argoproj/argo-cd/v3/cmd/argocd-git-ask-pass/commands"
	reposerver "github.com/argoproj/argo-cd/v3/cmd/argocd-repo-server/commands"
	"github.com/argoproj/argo-cd/v3/common"
	"github.com/argoproj/argo-cd/v3/util/log"
)

func init() {
	klog.SetLogger(log.NewLogrusLogger(log.NewWithCurrentConfig()))
}

func main() {
	// Argo CD's main calls grpc.DisableSRVLookups here, to undo what gRPC's grpclb balancer turns
	// on in its init: a DNS SRV lookup for every gRPC connection. This binary does not link grpclb
	// (only its state package, which turns nothing on), so the lookups stay off; and
	// DisableSRVLookups, which panics when it finds them off already, is not called.
	name := filepath.Base(os.Args[0])
	if fromEnv := os.Getenv("ARGOCD_BINARY_NAME"); fromEnv != "" {
		name = fromEnv
	}
	var command *cobra.Command
	switch name {
	case common.CommandApplicationController:
		command = appcontroller.NewCommand()
	case common.CommandRepoServer:
		command = reposerver.NewCommand()
	case common.CommandGitAskPass:
		command = gitaskpass.NewCommand()
	default:
		fmt.Fprintf(os.Stderr, "argocd: this build runs %s, %s or %s (set ARGOCD_BINARY_NAME), not %q\n",
			common.CommandApplicationController, common.CommandRepoServer, common.CommandGitAskPass, name)
		os.Exit(2)
	}
	if err := command.Execute(); err != nil {
		os.Exit(1)
	}
}
