import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { expect } from 'chai';
import { runProvider } from '../../src/cli/provider.ts';
import { FAULTS } from '../../src/provider/index.ts';
import { repoPath } from '../helpers.ts';
import { bearer, keyUrl } from '../provider/client.ts';

// A canary admin key, built at run time: it must reach the provider through the environment and never
// appear in anything the command prints.
const CANARY = `sk-admin-canary${process.pid}${Date.now().toString(36)}`;

interface Captured {
  stdout: string;
  stderr: string;
}

const runIn = (
  argv: string[],
  env: Record<string, string | undefined>,
  stop = new AbortController().signal,
) => {
  const captured: Captured = { stdout: '', stderr: '' };
  const io = {
    stdout: (text: string) => {
      captured.stdout += text;
    },
    stderr: (text: string) => {
      captured.stderr += text;
    },
  };
  return { captured, done: runProvider(argv, io, { env, stop }) };
};

const URL_LINE = /listening on (http:\/\/\S+)/;
const idOf = (stdout: string, label: RegExp) => (label.exec(stdout)?.[1] ?? '') as string;

describe('npm run provider', () => {
  describe('usage errors: one line on stderr, exit 2', () => {
    const cases: {
      description: string;
      argv: string[];
      env?: Record<string, string | undefined>;
      stderr: RegExp;
    }[] = [
      {
        description: 'no OPENAI_ADMIN_KEY',
        argv: [],
        env: { OPENAI_ADMIN_KEY: undefined },
        stderr: /OPENAI_ADMIN_KEY is not set/,
      },
      {
        description: 'an empty OPENAI_ADMIN_KEY',
        argv: [],
        env: { OPENAI_ADMIN_KEY: '' },
        stderr: /OPENAI_ADMIN_KEY is not set/,
      },
      { description: 'an unknown fault', argv: ['--fault', 'nope'], stderr: /unknown fault "nope"/ },
      { description: 'an unknown flag', argv: ['--bogus'], stderr: /--bogus/ },
      {
        description: 'a port that is not a number',
        argv: ['--port', 'eighty'],
        stderr: /--port must be a port/,
      },
      { description: 'a port out of range', argv: ['--port', '70000'], stderr: /--port must be a port/ },
      {
        description: 'a state-change path that is not a path',
        argv: ['--state-change-path', 'http://x/state'],
        stderr: /--state-change-path must be a plain absolute path/,
      },
      { description: 'a bad PORT in env', argv: [], env: { PORT: '-1' }, stderr: /PORT must be a port/ },
      {
        description: 'a shape that is neither seed nor current',
        argv: ['--shape', 'tomorrow'],
        stderr: /--shape must be seed or current, not "tomorrow"/,
      },
      {
        description: 'one key',
        argv: ['--keys', '1'],
        stderr: /--keys must be a whole number from 2 to 100000, got "1"/,
      },
      { description: 'too many keys', argv: ['--keys', '100001'], stderr: /--keys must be a whole number/ },
      {
        description: 'keys that are not a number',
        argv: ['--keys', 'many'],
        stderr: /--keys must be a whole number/,
      },
      {
        description: 'a prefix that is not a path',
        argv: ['--prefix', '/v1?x=1'],
        stderr: /not a plain path/,
      },
    ];
    for (const { description, argv, env = {}, stderr } of cases) {
      it(description, async () => {
        // Already stopped: should the command start after all, it closes at once and the exit code says so.
        const { captured, done } = runIn(argv, { OPENAI_ADMIN_KEY: CANARY, ...env }, AbortSignal.abort());
        expect(await done).to.equal(2);
        expect(captured.stderr).to.match(stderr);
        expect(captured.stderr.trim().split('\n')).to.have.length(1);
        expect(captured.stderr).not.to.include(CANARY);
        expect(captured.stdout).to.equal('');
      });
    }

    it('a port already in use', async () => {
      const blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        const { captured, done } = runIn(['--port', String(port)], { OPENAI_ADMIN_KEY: CANARY });
        expect(await done).to.equal(2);
        expect(captured.stderr.trim()).to.equal(
          `provider: cannot listen on 127.0.0.1:${port}: address in use`,
        );
      } finally {
        blocker.close();
      }
    });
  });

  it('--list-faults prints every fault with its description', async () => {
    const { captured, done } = runIn(['--list-faults'], {});
    expect(await done).to.equal(0);
    const lines = captured.stdout.trim().split('\n');
    expect(lines).to.have.length(FAULTS.length);
    FAULTS.forEach((fault, index) => {
      expect(lines[index])
        .to.match(new RegExp(`^${fault.name}\\s+`))
        .and.include(fault.description);
    });
  });

  it('--keys N seeds N keys in the project and says where they are listed', async () => {
    const stop = new AbortController();
    const { captured, done } = runIn(['--keys', '150'], { OPENAI_ADMIN_KEY: CANARY, PORT: '0' }, stop.signal);
    let listed: number[];
    try {
      while (!URL_LINE.test(captured.stdout) && captured.stderr === '') await new Promise(setImmediate);
      expect(captured.stdout).to.match(/keys in the project\s+150 \(listed at GET http:\/\/\S+\/api_keys\)/);
      const list = /listed at GET (\S+)\)/.exec(captured.stdout)?.[1] as string;
      const first = (await (await fetch(`${list}?limit=100`, { headers: bearer(CANARY) })).json()) as {
        data: unknown[];
        last_id: string;
      };
      const second = (await (
        await fetch(`${list}?limit=100&after=${first.last_id}`, { headers: bearer(CANARY) })
      ).json()) as {
        data: unknown[];
      };
      listed = [first.data.length, second.data.length];
    } finally {
      stop.abort();
    }
    expect(listed).to.deep.equal([100, 50]);
    expect(await done).to.equal(0);
  });

  it('serves until stopped, printing its URL and seeded ids but never the admin key', async () => {
    const stop = new AbortController();
    const { captured, done } = runIn(
      ['--prefix', '/v1', '--fault', 'wrong-id'],
      { OPENAI_ADMIN_KEY: CANARY, PORT: '0' },
      stop.signal,
    );
    let served: { status: number; id: string; keyId: string };
    try {
      while (!URL_LINE.test(captured.stdout) && captured.stderr === '') await new Promise(setImmediate);
      const url = URL_LINE.exec(captured.stdout)?.[1] as string;
      expect(url).to.match(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      expect(captured.stdout).to.match(/fault\s+wrong-id: /);
      expect(captured.stdout).to.contain(`npm run conformance -- --base-url ${url} --project-id proj_`);
      const params = {
        projectId: idOf(captured.stdout, /project_id\s+(proj_\S+)/),
        keyId: idOf(captured.stdout, /key_id \(owned by a user\)\s+(key_\S+)/),
      };
      const response = await fetch(keyUrl(url, params), { headers: bearer(CANARY) });
      served = {
        status: response.status,
        id: ((await response.json()) as { id: string }).id,
        keyId: params.keyId,
      };
    } finally {
      stop.abort(); // never leave a provider running behind a failed assertion
    }
    expect(served.status).to.equal(200);
    expect(served.id).not.to.equal(served.keyId); // the fault is on
    expect(await done).to.equal(0);
    expect(captured.stdout).to.match(/stopped\n$/);
    expect(captured.stdout + captured.stderr).not.to.include(CANARY);
  });

  const shapes = [
    { shape: 'seed', has: 'added_at', lacks: 'last_used_at', flags: '' },
    {
      shape: 'current',
      has: 'last_used_at',
      lacks: 'added_at',
      flags:
        ' --spec schemas/openai-openapi-f85dbe2.yaml --pact contracts/project-api-key-client-current-openai-admin-api.json',
    },
  ];
  for (const { shape, has, lacks, flags } of shapes) {
    it(`--shape ${shape}: serves that document's bodies and prints the run that holds it to that document`, async () => {
      const stop = new AbortController();
      const { captured, done } = runIn(['--shape', shape], { OPENAI_ADMIN_KEY: CANARY }, stop.signal);
      let text = '';
      try {
        while (!/npm run conformance/.test(captured.stdout) && captured.stderr === '')
          await new Promise(setImmediate);
        const url = URL_LINE.exec(captured.stdout)?.[1] as string;
        const params = {
          projectId: idOf(captured.stdout, /project_id\s+(proj_\S+)/),
          keyId: idOf(captured.stdout, /key_id \(owned by a user\)\s+(key_\S+)/),
        };
        text = await (await fetch(keyUrl(url, params), { headers: bearer(CANARY) })).text();
      } finally {
        stop.abort();
      }
      expect(await done).to.equal(0);
      expect(captured.stdout).to.match(new RegExp(`shape\\s+${shape} \\(schemas/`));
      expect(captured.stdout).to.match(new RegExp(`--service-account-key-id key_\\S+${flags}\n`));
      expect(text).to.include(`"${has}"`).and.not.include(`"${lacks}"`);
    });
  }

  it('--state-change-path serves Pact provider states there, outside the prefix, and says where', async () => {
    const stop = new AbortController();
    const { captured, done } = runIn(
      ['--prefix', '/v1', '--state-change-path', '/_pact/state'],
      { OPENAI_ADMIN_KEY: CANARY, PORT: '0' },
      stop.signal,
    );
    let answer: { status: number; body: unknown };
    try {
      while (!/provider states/.test(captured.stdout) && captured.stderr === '')
        await new Promise(setImmediate);
      const stateUrl = /provider states \(Pact\)\s+(\S+)/.exec(captured.stdout)?.[1] as string;
      expect(stateUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+\/_pact\/state$/);
      const response = await fetch(stateUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          state: 'a project API key owned by a user exists',
          params: { projectId: 'proj_p', keyId: 'key_k' },
          action: 'setup',
        }),
      });
      answer = { status: response.status, body: await response.json() };
    } finally {
      stop.abort();
    }
    expect(answer).to.deep.equal({ status: 200, body: { projectId: 'proj_p', keyId: 'key_k' } });
    expect(await done).to.equal(0);
  });

  it('as a process: starts on port 0, answers, exits 0 on SIGTERM, never prints the key', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', repoPath('src/cli/provider.ts'), '--port', '0'],
      {
        env: { ...process.env, OPENAI_ADMIN_KEY: CANARY, PORT: undefined },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on('exit', (code, signal) => resolve([code, signal])),
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          stdout += chunk;
          const match = URL_LINE.exec(stdout);
          if (match && /key_id \(service account\)/.test(stdout)) resolve(match[1] as string);
        });
        child.on('exit', () => reject(new Error(`provider exited early: ${stderr}`)));
      });
      const params = {
        projectId: idOf(stdout, /project_id\s+(proj_\S+)/),
        keyId: idOf(stdout, /key_id \(service account\)\s+(key_\S+)/),
      };
      const response = await fetch(keyUrl(url, params), { headers: bearer(CANARY) });
      expect(response.status).to.equal(200);
      expect(((await response.json()) as { owner: { type: string } }).owner.type).to.equal('service_account');
      child.kill('SIGTERM');
    } finally {
      if (child.exitCode === null && child.signalCode === null && !child.killed) child.kill('SIGKILL');
    }
    expect(await exited).to.deep.equal([0, null]);
    expect(stdout).to.match(/stopped\n$/);
    expect(stderr).to.equal('');
    expect(stdout + stderr).not.to.include(CANARY);
  });
});
