#!/usr/bin/env node
/**
 * The `immutable-infra` command (the package's `bin`): `plan`, `deploy`, `rollback` and `graph`.
 * Without a build: `npm run -s cli -- plan dist-a dist-b`.
 */
import { runCli } from './run-cli';

void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
  process.exitCode = code;
});
