import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { ApiStatusError, ClusterError, KubeApi, KubeApiOptions, KubeconfigError } from '../../../lib';
import { CA_PEM, FakeApiServer, statusAnswer, tlsFile } from './fake-api-server';

const VERSION = { major: '1', minor: '31', gitVersion: 'v1.31.0-test' };
const ENV = { PATH: process.env.PATH };

let server: FakeApiServer;
beforeAll(async () => {
  server = await FakeApiServer.start(() => ({ status: 200, body: VERSION }));
});
afterEach(() => server.answer(() => ({ status: 200, body: VERSION })));
afterAll(() => server.close());

/** Connects with `file`, sends `GET /version`, closes; returns the request the server saw. */
async function versionRequest(file: string, options: KubeApiOptions = {}): Promise<(typeof server.requests)[number]> {
  const api = KubeApi.connect({ kubeconfig: file }, { env: ENV, ...options });
  try {
    expect(await api.request({ method: 'GET', path: '/version' })).toEqual(VERSION);
  } finally {
    api.close();
  }
  return server.requests[server.requests.length - 1];
}

/** Writes an executable shell script into `dir`. */
function script(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

/** An ExecCredential as a plugin prints it. */
function execCredential(apiVersion: string, status: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion, kind: 'ExecCredential', status });
}

describe('the credentials of a kubeconfig user reach the API server', () => {
  test('token: a bearer token', async () => {
    const { file } = server.kubeconfig({ token: 'abc' });
    expect((await versionRequest(file)).headers.authorization).toBe('Bearer abc');
  });

  test('tokenFile: relative to the kubeconfig\'s folder, read again for each request (a rotated token is picked up)', async () => {
    const { file, dir } = server.kubeconfig({ tokenFile: 'token' });
    writeFileSync(join(dir, 'token'), 'first\n');
    const api = KubeApi.connect({ kubeconfig: file }, { env: ENV });
    await api.request({ method: 'GET', path: '/version' });
    writeFileSync(join(dir, 'token'), 'second\n');
    await api.request({ method: 'GET', path: '/version' });
    api.close();
    expect(server.requests.slice(-2).map((r) => r.headers.authorization)).toEqual(['Bearer first', 'Bearer second']);
  });

  test('username and password: basic authentication', async () => {
    const { file } = server.kubeconfig({ username: 'ann', password: 's3cret' });
    expect((await versionRequest(file)).headers.authorization).toBe(`Basic ${Buffer.from('ann:s3cret').toString('base64')}`);
  });

  test('a client certificate and key: as files (relative to the kubeconfig\'s folder) or as data', async () => {
    const { file, dir } = server.kubeconfig({ 'client-certificate': 'client.crt', 'client-key': 'client.key' });
    writeFileSync(join(dir, 'client.crt'), readFileSync(tlsFile('client.crt')));
    writeFileSync(join(dir, 'client.key'), readFileSync(tlsFile('client.key')));
    const fromFiles = await versionRequest(file);
    expect(fromFiles.clientCommonName).toBe('cert-user');
    expect(fromFiles.headers.authorization).toBeUndefined();
    const data = server.kubeconfig({
      'client-certificate-data': readFileSync(tlsFile('client.crt')).toString('base64'),
      'client-key-data': readFileSync(tlsFile('client.key')).toString('base64'),
    });
    expect((await versionRequest(data.file)).clientCommonName).toBe('cert-user');
  });

  test('no credentials: anonymous', async () => {
    const { file } = server.kubeconfig({});
    const request = await versionRequest(file);
    expect(request.headers.authorization).toBeUndefined();
    expect(request.clientCommonName).toBeUndefined();
  });
});

describe('the API server\'s certificate', () => {
  test('certificate-authority: a file relative to the kubeconfig\'s folder', async () => {
    const { file, dir } = server.kubeconfig({ token: 't' }, { 'certificate-authority': 'ca.crt' });
    writeFileSync(join(dir, 'ca.crt'), CA_PEM);
    expect((await versionRequest(file)).path).toBe('/version');
  });

  test('one no trusted CA signed is refused; insecure-skip-tls-verify accepts it', async () => {
    const { file } = server.kubeconfig({ token: 't' }, {});
    const api = KubeApi.connect({ kubeconfig: file }, { env: ENV });
    await expect(api.request({ method: 'GET', path: '/version' })).rejects.toThrow(
      new RegExp(`^cannot reach the API server at ${server.url} \\(GET /version\\): (unable to get local issuer certificate|self[- ]signed certificate)`));
    api.close();
    expect((await versionRequest(server.kubeconfig({ token: 't' }, { 'insecure-skip-tls-verify': true }).file)).path).toBe('/version');
  });

  test('tls-server-name: the name the certificate must carry instead of the server\'s address', async () => {
    const ca = { 'certificate-authority-data': CA_PEM.toString('base64') };
    expect((await versionRequest(server.kubeconfig({ token: 't' }, { ...ca, 'tls-server-name': 'api.test' }).file)).path).toBe('/version');
    const api = KubeApi.connect({ kubeconfig: server.kubeconfig({ token: 't' }, { ...ca, 'tls-server-name': 'other.test' }).file }, { env: ENV });
    await expect(api.request({ method: 'GET', path: '/version' })).rejects.toThrow(/Hostname\/IP does not match certificate's altnames: Host: other\.test/);
    api.close();
  });
});

describe('exec credential plugins', () => {
  test('v1: runs the command (relative to the kubeconfig\'s folder) with its args, env and KUBERNETES_EXEC_INFO; the token is kept until it expires', async () => {
    const { file, dir } = server.kubeconfig({
      exec: {
        apiVersion: 'client.authentication.k8s.io/v1',
        command: './bin/issue',
        args: ['--audience', 'cluster'],
        env: [{ name: 'ISSUER', value: 'test' }],
        provideClusterInfo: true,
        interactiveMode: 'Never',
      },
    });
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    mkdirSync(join(dir, 'bin'));
    script(join(dir, 'bin'), 'issue', [
      `echo "$@ $ISSUER" >> '${join(dir, 'runs')}'`,
      `printf '%s' "$KUBERNETES_EXEC_INFO" > '${join(dir, 'info')}'`,
      `echo '${execCredential('client.authentication.k8s.io/v1', { token: 'from-plugin', expirationTimestamp: expires })}'`,
    ].join('\n'));
    const api = KubeApi.connect({ kubeconfig: file }, { env: ENV });
    await Promise.all([1, 2, 3].map(() => api.request({ method: 'GET', path: '/version' })));
    api.close();
    expect(server.requests.slice(-3).map((r) => r.headers.authorization)).toEqual(Array(3).fill('Bearer from-plugin'));
    expect(readFileSync(join(dir, 'runs'), 'utf8')).toBe('--audience cluster test\n');
    const info = JSON.parse(readFileSync(join(dir, 'info'), 'utf8'));
    expect(info).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      spec: { interactive: false, cluster: { 'server': server.url, 'certificate-authority-data': CA_PEM.toString('base64') } },
    });
  });

  test('v1beta1: a client certificate and key; an expired credential runs the plugin again', async () => {
    const { file, dir } = server.kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: 'issue-cert' } });
    const credential = execCredential('client.authentication.k8s.io/v1beta1', {
      clientCertificateData: readFileSync(tlsFile('client.crt'), 'utf8'),
      clientKeyData: readFileSync(tlsFile('client.key'), 'utf8'),
      expirationTimestamp: '2020-01-01T00:00:00Z',
    });
    script(dir, 'issue-cert', `echo run >> '${join(dir, 'runs')}'\ncat <<'EOF'\n${credential}\nEOF`);
    const api = KubeApi.connect({ kubeconfig: file }, { env: { PATH: `${dir}:${process.env.PATH}` } });
    await api.request({ method: 'GET', path: '/version' });
    await api.request({ method: 'GET', path: '/version' });
    api.close();
    expect(server.requests.slice(-2).map((r) => r.clientCommonName)).toEqual(['cert-user', 'cert-user']);
    expect(readFileSync(join(dir, 'runs'), 'utf8')).toBe('run\nrun\n');
  });

  test('a 401 runs the plugin again and sends the request once more', async () => {
    const { file, dir } = server.kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './issue' } });
    script(dir, 'issue', `echo run >> '${join(dir, 'runs')}'\necho '${execCredential('client.authentication.k8s.io/v1', { token: 'fresh' })}'`);
    let refused = false;
    server.answer(() => {
      if (!refused) {
        refused = true;
        return statusAnswer(401, 'Unauthorized', 'Unauthorized');
      }
      return { status: 200, body: VERSION };
    });
    await versionRequest(file);
    expect(readFileSync(join(dir, 'runs'), 'utf8')).toBe('run\nrun\n');
  });

  test('one that never returns is stopped after the request timeout, with one error naming it', async () => {
    const { file, dir } = server.kubeconfig({ exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './hang' } });
    script(dir, 'hang', 'exec sleep 600');
    const api = KubeApi.connect({ kubeconfig: file }, { env: ENV, requestTimeoutSeconds: 1 });
    const started = Date.now();
    const failure = api.request({ method: 'GET', path: '/version' });
    await expect(failure).rejects.toThrow(KubeconfigError);
    await expect(failure).rejects.toThrow(`kubeconfig ${file}: user 'me': the exec credential plugin '${join(dir, 'hang')}' did not return within 1s and was stopped`);
    expect(Date.now() - started).toBeLessThan(10_000);
    api.close();
  });

  test.each([
    ['not found: its install hint', () => ({ command: 'no-such-plugin', installHint: 'install it with\nbrew install it' }),
      () => "the exec credential plugin 'no-such-plugin' was not found (install it with brew install it)"],
    ['failing: its exit code and stderr', (dir: string) => ({ command: script(dir, 'fail', 'echo "token expired, log in again" >&2\nexit 3') }),
      (dir: string) => `the exec credential plugin '${join(dir, 'fail')}' failed (exit 3): token expired, log in again`],
    ['printing something else', (dir: string) => ({ command: script(dir, 'other', `echo '${JSON.stringify({ apiVersion: 'v1', kind: 'Secret' })}'`) }),
      (dir: string) => `the exec credential plugin '${join(dir, 'other')}' printed no usable ExecCredential: expected kind ExecCredential of apiVersion client.authentication.k8s.io/v1, got Secret of v1`],
    ['issuing nothing', (dir: string) => ({ command: script(dir, 'empty', `echo '${execCredential('client.authentication.k8s.io/v1', {})}'`) }),
      (dir: string) => `the exec credential plugin '${join(dir, 'empty')}' printed no usable ExecCredential: status has neither token nor clientCertificateData and clientKeyData`],
  ])('one %s', async (_name, exec, message) => {
    const { file, dir } = server.kubeconfig({});
    const config = JSON.parse(readFileSync(file, 'utf8'));
    config.users[0].user = { exec: { apiVersion: 'client.authentication.k8s.io/v1', ...exec(dir) } };
    writeFileSync(file, JSON.stringify(config));
    const before = server.requests.length;
    const api = KubeApi.connect({ kubeconfig: file }, { env: ENV });
    await expect(api.request({ method: 'GET', path: '/version' })).rejects.toThrow(`kubeconfig ${file}: user 'me': ${message(dir)}`);
    api.close();
    expect(server.requests.length).toBe(before);
  });
});

describe('what is not supported is refused, one line naming the file', () => {
  test.each([
    ['auth-provider', { 'auth-provider': { name: 'gcp' } }, {}, "user 'me': auth-provider plugins were removed from kubectl (1.26); use an exec credential plugin"],
    ['impersonation', { token: 't', as: 'admin' }, {}, "user 'me': impersonation (as) is not supported"],
    ['two ways to authenticate', { token: 't', username: 'u', password: 'p' }, {}, "user 'me' sets more than one way to authenticate (token, username/password); keep one"],
    ['a certificate without its key', { 'client-certificate-data': 'YQ==' }, {}, "user 'me' sets a client-certificate without a client-key"],
    ['an unreadable client key', { 'client-certificate-data': 'YQ==', 'client-key': '/nonexistent/key' }, {}, "user 'me': cannot read client-key /nonexistent/key: no such file or directory"],
    ['an exec apiVersion no longer served', { exec: { apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' } }, {},
      "user 'me': exec apiVersion 'client.authentication.k8s.io/v1alpha1' is not supported; use client.authentication.k8s.io/v1 or client.authentication.k8s.io/v1beta1"],
    ['an exec plugin that needs a terminal', { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'x', interactiveMode: 'Always' } }, {},
      "user 'me': the exec credential plugin needs a terminal (interactiveMode: Always), which immutable-infra does not give it"],
    ['proxy-url', { token: 't' }, { 'proxy-url': 'http://proxy:3128' }, "cluster 'test' sets proxy-url, which immutable-infra does not support; reach the API server directly"],
    ['a CA with insecure-skip-tls-verify', { token: 't' }, { 'insecure-skip-tls-verify': true, 'certificate-authority': '/ca' },
      "cluster 'test' sets both insecure-skip-tls-verify and a certificate-authority; keep one"],
  ])('%s', (_name, user, cluster, message) => {
    const { file } = server.kubeconfig(user, cluster);
    expect(() => KubeApi.connect({ kubeconfig: file }, { env: ENV })).toThrow(new KubeconfigError(`kubeconfig ${file}: ${message}`));
  });
});

describe('answers', () => {
  test('an API Status reads like kubectl\'s error: Error from server (<reason>): <message>', async () => {
    server.answer(() => statusAnswer(422, 'Invalid', 'Service "web" is invalid: spec.ports[0].port: Invalid value: 70000'));
    const api = KubeApi.connect({ kubeconfig: server.kubeconfig({ token: 't' }).file }, { env: ENV });
    const failure = api.request({ method: 'GET', path: '/api/v1/namespaces/a/services/web' });
    await expect(failure).rejects.toThrow(new ApiStatusError(422, 'Invalid', 'Service "web" is invalid: spec.ports[0].port: Invalid value: 70000'));
    await expect(failure).rejects.toThrow('Error from server (Invalid): Service "web" is invalid: spec.ports[0].port: Invalid value: 70000');
    server.answer(() => ({ status: 503, body: 'overloaded' }));
    await expect(api.request({ method: 'GET', path: '/api' })).rejects.toThrow('Error from server (ServiceUnavailable): "overloaded"');
    api.close();
  });

  test('asked to come back later (429, a 5xx with Retry-After), the request is sent again; a 5xx without it is an error', async () => {
    const answers = [
      statusAnswer(429, 'TooManyRequests', 'storage is (re)initializing', { 'Retry-After': '0' }),
      statusAnswer(503, 'ServiceUnavailable', 'starting', { 'Retry-After': '0' }),
    ];
    server.answer(() => answers.shift() ?? { status: 200, body: VERSION });
    const before = server.requests.length;
    expect((await versionRequest(server.kubeconfig({ token: 't' }).file)).path).toBe('/version');
    expect(server.requests.length - before).toBe(3);
    server.answer(() => statusAnswer(503, 'ServiceUnavailable', 'down'));
    const api = KubeApi.connect({ kubeconfig: server.kubeconfig({ token: 't' }).file }, { env: ENV });
    await expect(api.request({ method: 'GET', path: '/version' })).rejects.toThrow('Error from server (ServiceUnavailable): down');
    api.close();
  });

  test('a server that never answers: an error after the request timeout', async () => {
    server.answer(() => 'hang');
    const api = KubeApi.connect({ kubeconfig: server.kubeconfig({ token: 't' }).file }, { env: ENV, requestTimeoutSeconds: 1 });
    const started = Date.now();
    await expect(api.request({ method: 'GET', path: '/version' })).rejects.toThrow(
      new ClusterError(`the API server at ${server.url} did not answer GET /version within 1s (the request timeout)`));
    expect(Date.now() - started).toBeLessThan(5_000);
    api.close();
  });

  test('the context\'s namespace, else default; $KUBECONFIG\'s first file when none is given', () => {
    const { file } = server.kubeconfig({ token: 't' }, undefined, 'shop');
    expect(KubeApi.connect({}, { env: { KUBECONFIG: `${file}:/nonexistent` } }).namespace).toBe('shop');
    expect(KubeApi.connect({ kubeconfig: server.kubeconfig({ token: 't' }).file }, { env: ENV }).namespace).toBe('default');
  });
});
