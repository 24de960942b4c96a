import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { repoPath } from '../helpers.ts';

// Runs a step of one of our GitHub workflows as the runner would (bash -eo pipefail), with the
// environment its `env:` would give: the workflows' broker steps are tested against the real broker.

export interface Step {
  name?: string;
  run?: string;
  uses?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, { if?: string; needs?: string | string[]; steps: Step[] }>;
}

export const workflow = (file: string): Workflow =>
  parse(readFileSync(repoPath(`.github/workflows/${file}`), 'utf8')) as Workflow;

export const stepsOf = (w: Workflow): Step[] => Object.values(w.jobs).flatMap((job) => job.steps);

export const stepNamed = (file: string, name: string): Step => {
  const step = stepsOf(workflow(file)).find((s) => s.name === name);
  if (!step?.run) throw new Error(`${file} has no step "${name}" with a script`);
  return step;
};

export interface StepRun {
  code: number;
  output: string;
}

/** Runs the step's script in `cwd` (the repository root) with `env` only (plus PATH and HOME). */
export const runStep = (
  file: string,
  name: string,
  env: Record<string, string>,
  cwd: string = repoPath('.'),
): Promise<StepRun> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'bash',
      ['--noprofile', '--norc', '-eo', 'pipefail', '-c', stepNamed(file, name).run ?? ''],
      {
        cwd,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, PACT_DO_NOT_TRACK: 'true', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const output: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => output.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => output.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, output: Buffer.concat(output).toString('utf8') }));
  });
