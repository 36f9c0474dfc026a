// The end of `npm run build`, after tsc: makes the CLI's bin executable (tsc writes it 644, and
// npx then fails with 'Permission denied') and copies the files the built code reads at run time,
// the templates of `immutable-infra init`, beside it (tsc copies only what it compiles).
import { chmodSync, cpSync, rmSync } from 'fs';

chmodSync('build/lib/release/cli/main.js', 0o755);
rmSync('build/lib/release/cli/init-template', { recursive: true, force: true });
cpSync('lib/release/cli/init-template', 'build/lib/release/cli/init-template', { recursive: true });
