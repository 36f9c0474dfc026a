#!/usr/bin/env node
/**
 * The `immutable-infra` command (the package's `bin`): `plan`, `deploy`, `rollback`, `promote`, `graph`, `gitops` and `init`.
 * Without a build: `npm run -s cli -- plan dist-a dist-b`.
 */
import { processIo } from './process-io';
import { runCli } from './run-cli';

const io = processIo(process);
void runCli(process.argv.slice(2), io).then((code) => {
  process.exitCode = code;
});
