import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { BIN, COMMANDS, type Command, runCli } from '../../src/cli/commands.ts';
import { repoPath } from '../helpers.ts';

const capture = async (argv: string[], commands?: Record<string, Command>) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, commands);
  return { code, stdout: out.join(''), stderr: err.join('') };
};

describe(`${BIN}: the installed CLI`, () => {
  it('has the subcommands, each module exporting main', async () => {
    expect(Object.keys(COMMANDS)).to.include.members([
      'conformance',
      'validate',
      'spec-lint',
      'provider',
      'drift',
      'publish',
    ]);
    for (const [name, command] of Object.entries(COMMANDS)) {
      expect(typeof (await command.load()).main, name).to.equal('function');
    }
  });

  for (const flag of ['--help', '-h', 'help']) {
    it(`${flag} lists every subcommand with its summary, exit 0`, async () => {
      const { code, stdout, stderr } = await capture([flag]);
      expect([code, stderr]).to.deep.equal([0, '']);
      for (const [name, command] of Object.entries(COMMANDS)) {
        expect(stdout).to.include(`  ${name.padEnd(11)}  ${command.summary}\n`);
      }
    });
  }

  const usageCases: [string, string[], RegExp][] = [
    [
      'an unknown command',
      ['conformence'],
      /^project-api-key-contract: unknown command "conformence" \(commands: .*\)$/,
    ],
    ['an unknown option', ['--verbose'], /^project-api-key-contract: unknown option "--verbose"/],
    ['a name from Object.prototype', ['constructor'], /unknown command "constructor"/],
  ];
  for (const [label, argv, line] of usageCases) {
    it(`${label}: exit 2, one line on stderr`, async () => {
      const { code, stdout, stderr } = await capture(argv);
      expect([code, stdout]).to.deep.equal([2, '']);
      expect(stderr.trim().split('\n')).to.have.length(1);
      expect(stderr.trim()).to.match(line);
    });
  }

  it('no command: one usage line on stderr naming the commands, exit 2', async () => {
    const { code, stdout, stderr } = await capture([]);
    expect([code, stdout]).to.deep.equal([2, '']);
    expect(stderr).to.equal(
      `usage: project-api-key-contract <command> [flags] (commands: ${Object.keys(COMMANDS).join(', ')}; --help for more)\n`,
    );
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(repoPath('package.json'), 'utf8'));
    expect((await capture(['--version'])).stdout).to.equal(`${version}\n`);
  });

  it('runs the named command with the arguments after its name and returns its exit code', async () => {
    const seen: string[][] = [];
    const table = {
      echo: {
        summary: 'test',
        load: async () => ({
          main: (argv: string[]) => {
            seen.push(argv);
            return 7;
          },
        }),
      },
    };
    expect((await capture(['echo', '--flag', 'x'], table)).code).to.equal(7);
    expect(seen).to.deep.equal([['--flag', 'x']]);
  });

  it('a command whose module cannot load: exit 3, one line', async () => {
    const table = {
      broken: { summary: 'test', load: () => Promise.reject(new Error('no such module\nstack')) },
    };
    const { code, stderr } = await capture(['broken'], table);
    expect(code).to.equal(3);
    expect(stderr).to.equal(`${BIN}: internal error: cannot load broken: no such module\n`);
  });
});
