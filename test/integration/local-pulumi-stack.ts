/**
 * A Pulumi stack of the real Pulumi CLI and Kubernetes provider (built by
 * scripts/engines/build.sh), with its state in a local folder and an inline
 * program, deploying to the suite's cluster: what the Pulumi integration tests
 * run `pulumi up` on.
 */
import { execFileSync } from 'child_process';
import { mkdirSync } from 'fs';
import { join } from 'path';
import { LocalWorkspace, PulumiCommand, Stack } from '@pulumi/pulumi/automation';
import { engines, REPO_ROOT } from './engines';

/** The Kubernetes provider's version, as versions.env pins it (without the `v`). */
const PROVIDER_VERSION = execFileSync('bash', ['-c', 'source scripts/engines/versions.env && echo "${PULUMI_KUBERNETES_VERSION#v}"'], {
  cwd: REPO_ROOT,
  encoding: 'utf8',
}).trim();

/**
 * Creates stack `stackName` of project `projectName` running `program`, its
 * Pulumi home, state and project folders under `work`, the provider plugin
 * installed from the built binary, no update checks, no plugin downloads.
 * Dynamic providers (the library's CanaryWalk) find Pulumi's Node.js SDK
 * through PATH and NODE_PATH.
 */
export async function localPulumiStack(
  work: string,
  stackName: string,
  projectName: string,
  program: () => Promise<Record<string, unknown>>,
): Promise<Stack> {
  const { bin, home } = engines();
  const env: Record<string, string> = {
    PULUMI_HOME: join(work, 'home'),
    PULUMI_CONFIG_PASSPHRASE: 'integration-only',
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: 'true',
    KUBECONFIG: process.env.KUBECONFIG!,
    PATH: `${bin}:${join(REPO_ROOT, 'node_modules', '@pulumi', 'pulumi')}:${process.env.PATH}`,
    NODE_PATH: join(REPO_ROOT, 'node_modules'),
  };
  for (const dir of [env.PULUMI_HOME, join(work, 'state'), join(work, 'project')]) {
    mkdirSync(dir, { recursive: true });
  }
  execFileSync(join(bin, 'pulumi'), ['plugin', 'install', 'resource', 'kubernetes', `v${PROVIDER_VERSION}`, '--file', join(bin, 'pulumi-resource-kubernetes')], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  const pulumiCommand = await PulumiCommand.get({ root: home, skipVersionCheck: true });
  return LocalWorkspace.createOrSelectStack(
    { stackName, projectName, program },
    {
      pulumiCommand,
      pulumiHome: env.PULUMI_HOME,
      envVars: env,
      workDir: join(work, 'project'),
      projectSettings: { name: projectName, runtime: 'nodejs', backend: { url: `file://${join(work, 'state')}` } },
    },
  );
}
