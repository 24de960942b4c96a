import { expect } from 'chai';
import { type ChromiumChoice, chooseChromium } from '../../scripts/chromium.ts';

describe('which Chromium the browser test and the screenshot use', () => {
  const system = ['/usr/bin/chromium', '/usr/bin/google-chrome'];
  const cases: [string, NodeJS.ProcessEnv, string[], ChromiumChoice][] = [
    [
      'CHROMIUM_PATH first',
      { CHROMIUM_PATH: '/opt/c/chrome' },
      ['/opt/c/chrome', '/usr/bin/chromium'],
      {
        from: 'CHROMIUM_PATH',
        path: '/opt/c/chrome',
      },
    ],
    [
      'then a system Chromium',
      {},
      ['/usr/bin/google-chrome'],
      { from: 'system', path: '/usr/bin/google-chrome' },
    ],
    [
      'an empty CHROMIUM_PATH is unset',
      { CHROMIUM_PATH: ' ' },
      ['/usr/bin/chromium'],
      {
        from: 'system',
        path: '/usr/bin/chromium',
      },
    ],
    ['else the one from npm', {}, [], { from: '@sparticuz/chromium' }],
  ];
  for (const [label, env, present, choice] of cases) {
    it(label, () => {
      expect(chooseChromium(env, (path) => present.includes(path), system)).to.deep.equal(choice);
    });
  }

  it('a CHROMIUM_PATH that names nothing is an error that says so', () => {
    expect(() => chooseChromium({ CHROMIUM_PATH: '/nope/chrome' }, () => false, system)).to.throw(
      /CHROMIUM_PATH is \/nope\/chrome, and there is no file there/,
    );
  });
});
