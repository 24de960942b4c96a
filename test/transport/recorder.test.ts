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

  it('keeps a group in part: its first exchanges, then only those retained, ids unique and in order', async () => {
    const recorder = new ExchangeRecorder();
    recorder.keepInPart('sweep: ', 2, 1);
    const handed: Exchange[] = [];
    await recorder.withCheck(
      'sweep: key k1',
      async () => {
        recorder.record(draft('/k1'));
      },
      handed,
    );
    recorder.record(draft('/k2', 'sweep: key k2'));
    const third = recorder.record(draft('/k3', 'sweep: key k3'));
    const fourth = recorder.record(draft('/k4', 'sweep: key k4'));
    recorder.record(draft('/other', 'pact: userKey'));
    // The sink gets an exchange whether or not the group keeps it.
    expect(handed.map((e) => e.id)).to.deep.equal(['ex-1']);
    expect(recorder.exchanges().map((e) => e.id)).to.deep.equal(['ex-1', 'ex-2', 'ex-5']);
    expect(recorder.omitted()).to.deep.equal([{ prefix: 'sweep: ', omitted: 2 }]);
    expect(recorder.retain(fourth)).to.equal(true);
    expect(recorder.retain(third), 'past the room for retained ones').to.equal(false);
    expect(recorder.exchanges().map((e) => e.id)).to.deep.equal(['ex-1', 'ex-2', 'ex-4', 'ex-5']);
    expect(recorder.omitted()).to.deep.equal([{ prefix: 'sweep: ', omitted: 1 }]);
  });

  it('holds a flat number of exchanges however many a group records', () => {
    const recorder = new ExchangeRecorder();
    recorder.keepInPart('sweep: ', 20, 100);
    for (let i = 0; i < 20_000; i++) recorder.record(draft(`/k${i}`, `sweep: key k${i}`));
    expect(recorder.exchanges()).to.have.length(20);
    expect(recorder.omitted()[0]?.omitted).to.equal(19_980);
  });
});
