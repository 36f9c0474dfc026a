/** The text of `immutable-infra --help`. */
export const HELP = `immutable-infra: plan, deploy and draw releases of immutable Kubernetes objects

Usage:
  immutable-infra plan <before-dist> <after-dist> [--json | --format text|markdown] [--promotion <lock>]
  immutable-infra plan <dist> --kubeconfig <file> [--context <name>] [--request-timeout <duration>]
                       [--keep <n>] [--json | --format text|markdown] [--promotion <lock>]
  immutable-infra deploy <dist> --kubeconfig <file> [--context <name>] [--request-timeout <duration>]
                         [--keep <n>] [--timeout <duration>] [--until <percent> | --step] [--remove-failed]
                         [--skip-function-gate] [--force-conflicts] [--prometheus-url <url>]
  immutable-infra rollback <dist> --kubeconfig <file> [--context <name>] [--request-timeout <duration>]
                           [--timeout <duration>] [--force-conflicts]
  immutable-infra deploy|rollback <dist> --fleet <file> [the options above but --kubeconfig, --context]
  immutable-infra promote --from <dist> --to <environment> [--namespace <name>] [--output <file>]
  immutable-infra graph <dist> [--format svg|mermaid] [--output <file>] [--namespace <name>]
  immutable-infra gitops <dist> <out> --flavor argocd|flux --repo-url <url> [--branch <name>]
                         [--path <folder>] [--name <name>] [--allow-secrets] [--timeout <duration>]
  immutable-infra init [<dir>] [--name <name>] [--library <spec>]
  immutable-infra --help

A dist is a folder of *.yaml (or *.yml, any case) files, as cdk8s synth writes
them (npm run synth: <chart>.k8s.yaml). Anything else in it (a *.json file, a
sub-folder) is refused with its name rather than skipped, and so is a dist
without objects.

plan    Compares two syntheses, or the cluster against a synthesis: revision
        objects and pointers created, pointers updated (weights and selectors
        shown), objects retired, workloads that restart and why. Fails when an
        immutable object (immutable: true, or carrying the revision label
        immutable-infra.dev/revision) keeps its name but changes content;
        scale (replicas, autoscaler bounds) may change.
deploy  Applies a synthesis in release order with server-side apply (field
        manager immutable-infra), each step in bulk: prerequisites, new
        revision objects; then waits until every revision Deployment is
        available before any pointer moves; moves the pointers and checks
        they hold (Services have ready endpoints of their revisions, Knative
        Services are Ready), else puts them all back; then deletes the app's
        live objects the synthesis no longer has (pointers first, Namespaces
        last), keeping the replaced release live for a rollback. Refuses to
        start on a guard violation or a kind the cluster does not serve;
        stops at the first error or failed gate, before deleting anything;
        running it again converges.
rollback
        Returns the app the dist names to its previous release, pointers only,
        once that release's revisions (kept live by deploy) are healthy.
promote Writes the promotion lock of a synthesis that passed in one
        environment (promotion.<environment>.json, or --output): per service
        its revision id, images (by digest: a tag is refused), the content
        of its ConfigMaps and its pod template; Secrets only by their
        content-addressed names. The next environment's stack reads it with
        Promotion, runs those images, and refuses at synth a revision that
        differs other than in its declared environment-specific values.
        One revision per service (a finished release); --namespace picks the
        environment in a synthesis of several.
fleet   deploy or rollback --fleet runs on every cluster of the fleet file,
        wave by wave: the clusters of a wave at once (each output line
        prefixed [<cluster>]), the next wave only once each of them
        succeeded. A failed cluster (its pointers put back, as one cluster's
        deploy does) stops the fleet: later waves are not touched. Fleet file
        (YAML or JSON; kubeconfig paths relative to it):
          waves:
            - name: canary
              clusters: [{ name: eu-1, kubeconfig: eu-1.kubeconfig }]
            - name: rest
              clusters: [{ name: us-1, kubeconfig: us.kubeconfig, context: us-1 }]
graph   Draws the synthesis's topology, read from its objects: gateways →
        routes → services and functions → live revisions with their traffic
        shares; declared dependencies (dashed); event triggers and sources;
        KEDA scalers. Each namespace in a frame. SVG (laid out with dagre) or
        Mermaid text; the same dist always gives the same bytes.
gitops  Writes the synthesis into <out> for a GitOps engine, in release
        order: steps/1-prepare, steps/2-revisions, steps/3-pointers (the
        objects), and sync/: for argocd an Application whose sync waves are
        those steps (each wave waits until the one before is healthy) and
        that prunes last; for flux a GitRepository and one Kustomization per
        step (dependsOn the one before, wait: true), then one that prunes
        retired revisions once the pointers moved. <out> must be new, empty
        or an earlier output (its steps/ and sync/ are replaced). Refuses a
        synthesis with a Secret (it would be committed in plain text).
init    Writes a new project into <dir> (default: the current folder), which
        must be new or empty (a .git folder may be there): package.json
        depending on this library, tsconfig.json, cdk8s.yaml, Pulumi.yaml, a
        one-service stack (stacks/) in three environments (dev, staging, and
        prod running what promote wrote from staging), a jest snapshot test
        (test/), .gitignore, a README and a GitHub Actions pipeline
        (.github/workflows/immutable-infra.yml: tests, synth, the plan with
        the promotion as a pull request comment, the guard, deploy, and
        promote staging to prod as a pull request); then prints the next
        steps.

Options:
  --json               plan: print the plan as JSON, for CI
  --promotion <lock>   plan: show each service of the after synthesis against
                       the lock: promoted (the same revision) or why it
                       differs (config keys, resources, env, images …)
  --fleet <file>       deploy, rollback: the clusters, wave by wave (above)
  --from <dist>        promote: the synthesis that passed
  --to <environment>   promote: the environment the lock is for (a DNS label)
  --namespace <name>   promote: the environment (namespace) to promote, when
                       the synthesis has several
  --output <file>      promote: where to write the lock
                       (default: promotion.<environment>.json)
  --format <format>    plan: text (default) or markdown, a summary ready to
                       post as a pull request comment (not with --json)
  --kubeconfig <file>  the cluster; plan compares it with <dist>; deploy needs it
  --context <name>     the kubeconfig context (default: its current context)
  --request-timeout <duration>
                       plan --kubeconfig, deploy, rollback: how long each request
                       to the API server, or a credential plugin, may take (like
                       kubectl --request-timeout), e.g. 30s, 2m (default: 60s)
  --keep <n>           keep n retired revisions of each workload, those of the
                       replaced release first, then the most recent, with their
                       ConfigMaps, Secrets and per-revision objects (default: 1)
  --timeout <duration> deploy, rollback: how long each health gate may wait,
                       e.g. 90s, 10m, 1h (default: 10m)
  --until <percent>    deploy: walk a stepped canary (CanaryRelease steps) up to
                       the first step at or above this share, then pause
                       (exit 0; deploying again walks on)
  --step               deploy: walk one more step of a stepped canary, then pause
  --prometheus-url <url>
                       deploy: the Prometheus that canary steps with an analysis
                       query during their pause (its HTTP API, /api/v1/query),
                       e.g. http://127.0.0.1:9090; a canary that does worse than
                       the stable revision by more than the declared margin, or
                       that cannot be judged (Prometheus unreachable, too few
                       canary requests all through the pause), is rolled back
                       like a failed health gate. Needed when a step to walk
                       declares an analysis
  --remove-failed      deploy: when a gate fails, delete the failed release's
                       new revision objects (default: left for inspection)
  --skip-function-gate deploy: do not wait for Knative Services to be Ready
                       (a cluster without Knative Serving's controller)
  --force-conflicts    deploy: take over fields another field manager owns
                       (default: such a conflict stops the deploy, naming the
                       field and its manager: someone changed a pointer by hand)
  --format <format>    graph: svg or mermaid (default: the one --output's
                       extension names; else svg)
  --output <file>      graph: write the drawing to <file> (default: stdout);
                       its extension names the format: .svg, or .mmd or
                       .mermaid (any other is refused; --format must agree;
                       without an extension, --format is needed)
  --namespace <name>   graph: draw only the objects of this namespace
                       (default: every namespace)
  --flavor <engine>    gitops: argocd or flux
  --repo-url <url>     gitops: the git repository the engine reads (flux:
                       http://, https:// or ssh://)
  --branch <name>      gitops: the branch the engine follows (default: main)
  --path <folder>      gitops: <out>'s folder in the repository, from its root
                       (default: <out>, so run gitops from the repository's root)
  --name <name>        gitops: the Application, or the GitRepository and the
                       prefix of the Kustomizations (default: the synthesis's
                       app.kubernetes.io/part-of value)
  --allow-secrets      gitops: write Secrets too, for a private repository
  --timeout <duration> gitops (flux): how long each step's Kustomization may
                       take to turn healthy before it fails and the steps after
                       it wait, e.g. 90s, 10m (default: 10m)
  --name <name>        init: the project's name, a DNS label of at most 55
                       characters: its package, Pulumi project, and the prefix
                       of its charts and namespaces (<name>-dev …) (default:
                       the folder's name, lower-cased, other characters as -)
  --library <spec>     init: the package.json dependency on immutable-infra,
                       e.g. ^0.1.0 or file:../immutable-infra-0.1.0.tgz
                       (default: the running version, exactly)
  -h, --help           show this help

The app's live objects are those labelled
app.kubernetes.io/managed-by=immutable-infra and app.kubernetes.io/part-of=<a
value the synthesis uses>, in the synthesis's namespaces, that deploy applied.
Only those are ever deleted.

Human output is coloured only when stdout is a terminal and NO_COLOR is unset.

The kubeconfig is checked before anything is sent to the cluster: it must be
a readable kubeconfig file, and the context (--context, else its
current-context) one of its contexts, naming one of its clusters.

Errors are one line on stderr, "error: <message>". With --json, stdout holds
one JSON document whatever happens: the plan (exit 0, or 1 with violations),
or the error:
  {"error":{"code":<exit code>,"message":"<message>"}}
An unexpected error (a bug) prints its stack trace only with
IMMUTABLE_INFRA_DEBUG=1. Output into a closed pipe (plan … | head -1) is
dropped quietly.

Exit codes:
  0  done (plan: no guard violation)
  1  a guard violation, a failed deploy or rollback (a write, a health
     gate, nothing to roll back to), or an error while running
     (unreadable, empty or unusable dist, unusable kubeconfig, a cluster
     that cannot be reached, refuses a read or does not answer in time,
     an output file that cannot be written, an unexpected error)
  2  usage error: unknown command or option, missing or extra arguments, a bad or empty value,
     a graph --output extension it cannot write, an init folder that is not empty
`;
