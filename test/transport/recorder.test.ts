import { expect } from 'chai';
import type { Exchange } from '../../src/transport/exchange.ts';
import { ExchangeRecorder } from '../../src/transport/recorder.ts';

const draft = (path: string, check?: string): Omit<Exchange, 'id'> => ({
  ...(check === undefined ? {} : { check }),
  request: { method: 'GET', url: `http://127.0.0.1${path}`, headers: {} },
  attempts: [],
  durationMs: 1,
});

describe('ExchangeRecorder', () => {
  it('numbers exchanges ex-1, ex-2, … in the order they are recorded', () => {
    const recorder = new ExchangeRecorder();
    recorder.record(draft('/a'));
    recorder.record(draft('/b'));
    expect(recorder.exchanges().map((e) => [e.id, e.request.url])).to.deep.equal([
      ['ex-1', 'http://127.0.0.1/a'],
      ['ex-2', 'http://127.0.0.1/b'],
    ]);
  });

  it('labels with the current check; an explicit label wins; none outside a check', async () => {
    const recorder = new ExchangeRecorder();
    await recorder.withCheck('schema: ProjectApiKey', async () => {
      await Promise.resolve();
      expect(recorder.currentCheck()).to.equal('schema: ProjectApiKey');
      recorder.record(draft('/a'));
      recorder.record(draft('/b', 'pact: explicit'));
    });
    recorder.record(draft('/c'));
    expect(recorder.exchanges().map((e) => e.check)).to.deep.equal([
      'schema: ProjectApiKey',
      'pact: explicit',
      undefined,
    ]);
    expect(recorder.exchanges()[2]).not.to.have.property('check');
    expect(recorder.exchangesOf('pact: explicit').map((e) => e.id)).to.deep.equal(['ex-2']);
  });

  it('returns what the work returns', () => {
    expect(new ExchangeRecorder().withCheck('c', () => 42)).to.equal(42);
  });

  it('hands out a copy: callers cannot reorder or drop recorded exchanges', () => {
    const recorder = new ExchangeRecorder();
    recorder.record(draft('/a'));
    (recorder.exchanges() as Exchange[]).pop();
    expect(recorder.exchanges()).to.have.length(1);
  });
});
