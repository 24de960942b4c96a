#!/usr/bin/env node
import { runCli } from './commands.ts';

// The `project-api-key-contract` executable. Leaves as soon as the command has answered: the reports are
// written by then, and Pact's native verifier may hold handles open.
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  process.exit();
});
