/**
 * The engine client against a stand-in worker: one request in flight, latest wins, answers from
 * before a restart dropped, and a worker that cannot run hands the engine to this thread.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { EngineClient, type RestartReason } from './client';
import type { EngineHost } from './engine-host';
import type { BuildResult, EngineRequest, EngineResponse } from './protocol';

const result = (text: string): BuildResult => ({ ok: true, problems: [], topology: null, model: text, endpoints: [], clusterDomain: 'cluster.local', ms: 0 });

class FakeWorker {
  posted: EngineRequest[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<EngineResponse>) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  onmessageerror: (() => void) | null = null;
  postMessage(m: EngineRequest): void {
    this.posted.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  answer(i = this.posted.length - 1): void {
    const m = this.posted[i] as Extract<EngineRequest, { type: 'build' }>;
    this.onmessage?.({ data: { id: m.id, type: 'build', result: result(m.text) } } as MessageEvent<EngineResponse>);
  }
  fail(e: Event): void {
    this.onerror?.(e);
  }
}

const host: EngineHost = {
  handle: (req) => (req.type === 'build' ? { id: req.id, type: 'build', result: result(`main:${req.text}`) } : { id: req.id, type: 'failed', message: 'not in this test' }),
};

function client(workers: FakeWorker[], restarts: RestartReason[] = []) {
  return new EngineClient({
    createWorker: () => {
      const w = new FakeWorker();
      workers.push(w);
      return w as unknown as Worker;
    },
    loadHost: () => Promise.resolve(host),
    onRestart: (reason) => void restarts.push(reason),
    deadlineMs: 60_000,
  });
}

const plainEvent = () => ({ preventDefault() {} }) as unknown as Event;

afterEach(() => {
  delete (globalThis as { ErrorEvent?: unknown }).ErrorEvent;
});

describe('engine client', () => {
  it('keeps one request in flight; a newer one of the same type wins and the queued ones are never sent', async () => {
    const workers: FakeWorker[] = [];
    const c = client(workers);
    const w = workers[0]!;
    const a = c.build('a');
    const b = c.build('b');
    const latest = c.build('c');
    expect(w.posted.map((m) => (m as { text: string }).text)).toEqual(['a']);
    expect(await b).toEqual({ status: 'superseded' });
    w.answer(0);
    expect(await a).toEqual({ status: 'superseded' }); // answered, but stale
    expect(w.posted.map((m) => (m as { text: string }).text)).toEqual(['a', 'c']);
    w.answer(1);
    expect(await latest).toMatchObject({ status: 'ok', result: { model: 'c' } });
    c.dispose();
  });

  it('restarts a crashed worker, replays the last good text, and ignores answers from the dead one', async () => {
    const workers: FakeWorker[] = [];
    const restarts: RestartReason[] = [];
    const c = client(workers, restarts);
    const first = workers[0]!;
    const good = c.build('good');
    first.answer();
    await good;
    const lost = c.build('crashes');
    first.fail({ preventDefault() {}, message: 'boom' } as unknown as Event);
    expect(await lost).toMatchObject({ status: 'failed' });
    expect(restarts).toEqual(['crashed']);
    const second = workers[1]!;
    expect(second.posted.map((m) => (m as { text: string }).text)).toEqual(['good']);
    expect(c.mode).toBe('worker');
    c.dispose();
  });

  it('hands the engine to this thread when the worker script cannot load (a plain error Event)', async () => {
    (globalThis as { ErrorEvent?: unknown }).ErrorEvent = class ErrorEvent {};
    const workers: FakeWorker[] = [];
    const restarts: RestartReason[] = [];
    const c = client(workers, restarts);
    const pending = c.build('x');
    workers[0]!.fail(plainEvent());
    expect(await pending).toMatchObject({ status: 'ok', result: { model: 'main:x' } });
    expect(restarts).toEqual(['unavailable']);
    expect(c.mode).toBe('main-thread');
    expect(workers).toHaveLength(1); // not tried again
  });

  it('also gives up on workers that die three times without ever answering', async () => {
    const workers: FakeWorker[] = [];
    const restarts: RestartReason[] = [];
    const c = client(workers, restarts);
    const pending = c.build('x');
    for (let i = 0; i < 3; i++) workers[workers.length - 1]!.fail(plainEvent());
    expect(restarts).toEqual(['crashed', 'crashed', 'unavailable']);
    expect(c.mode).toBe('main-thread');
    expect(await pending).toMatchObject({ status: 'failed' }); // lost in the first crash
    expect(await c.build('y')).toMatchObject({ status: 'ok', result: { model: 'main:y' } });
  });
});
