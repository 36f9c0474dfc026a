/**
 * A git smart-HTTP server for the GitOps tests: `git http-backend` (CGI) behind Node's HTTP
 * server, serving the bare repositories under <root> read-only on 127.0.0.1:<port>.
 *
 *   node -r ts-node/register/transpile-only test/integration/git-http-server.ts <root> <port>
 */
import { spawn } from 'child_process';
import { createServer } from 'http';

const [root, port] = process.argv.slice(2);

const server = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(', ') : value ?? '';
  };
  const backend = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      REQUEST_METHOD: request.method ?? 'GET',
      CONTENT_TYPE: header('content-type'),
      HTTP_CONTENT_ENCODING: header('content-encoding'),
      GIT_PROTOCOL: header('git-protocol'),
      REMOTE_ADDR: '127.0.0.1',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  request.pipe(backend.stdin);
  const chunks: Buffer[] = [];
  backend.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  backend.on('close', () => {
    const output = Buffer.concat(chunks);
    const end = output.indexOf('\r\n\r\n');
    if (end < 0) {
      response.writeHead(502).end();
      return;
    }
    let status = 200;
    for (const line of output.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') {
        status = Number(value.split(' ')[0]);
      } else {
        response.setHeader(name, value);
      }
    }
    response.writeHead(status).end(output.subarray(end + 4));
  });
});
server.listen(Number(port), '127.0.0.1');
