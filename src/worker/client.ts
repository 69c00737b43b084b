/**
 * The app's side of the engine protocol. One request in flight at a time; a newer request of the
 * same type supersedes an older one (latest wins: stale results are dropped, queued ones never
 * sent). Each request has a deadline: a worker that hangs past it, or dies, is replaced and the
 * last good manifests are replayed into the new one. Without Worker support the same engine host
 * runs on the main thread.
 */
import type { EngineHost } from './engine-host';
import type { TraceRequest } from '../engine/walk/types';
import type { EngineRequest, EngineResponse, RequestType, ResultOf } from './protocol';

export type Outcome<T extends RequestType> =
  | { status: 'ok'; result: ResultOf<T> }
  | { status: 'superseded' }
  | { status: 'failed'; message: string };

type RequestBody<T extends RequestType> = T extends RequestType ? Omit<Extract<EngineRequest, { type: T }>, 'id'> : never;

interface Pending {
  id: number;
  body: RequestBody<RequestType>;
  resolve: (o: Outcome<RequestType>) => void;
  stale: boolean;
  /** Internal replay after a restart: nobody waits for it. */
  internal: boolean;
}

/** `unavailable`: the worker script could not load (blocked, missing), so the engine moved to this thread. */
export type RestartReason = 'crashed' | 'hung' | 'unavailable';

export interface EngineClientOptions {
  /** Returns null where workers are unavailable; the client then runs the engine on this thread. */
  createWorker: () => Worker | null;
  loadHost: () => Promise<EngineHost>;
  /** `lost`: the type of the caller's request that was in flight (its promise resolved `failed`), if any. */
  onRestart: (reason: RestartReason, lost: RequestType | null) => void;
  /** Deadline for one request; builds get extra time per character of manifest. */
  deadlineMs?: number;
}

const DEFAULT_DEADLINE_MS = 8_000;

export class EngineClient {
  private worker: Worker | null = null;
  private host: Promise<EngineHost> | null = null;
  private queue: Pending[] = [];
  private inFlight: Pending | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private nextId = 1;
  private lastGoodText: string | null = null;
  /** Set once a worker could not even load: every later one would fail the same way. */
  private workersUnavailable = false;
  /** Crashes since the current worker line last answered: a worker that never answers is not one. */
  private crashesWithoutAnswer = 0;
  private static readonly MAX_CRASHES_WITHOUT_ANSWER = 3;
  private readonly options: EngineClientOptions;
  deadlineMs: number;

  constructor(options: EngineClientOptions) {
    this.options = options;
    this.deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.start();
  }

  /** `worker` or `main-thread`: shown in the status bar, asserted by tests. */
  get mode(): 'worker' | 'main-thread' {
    return this.worker ? 'worker' : 'main-thread';
  }

  build(text: string): Promise<Outcome<'build'>> {
    return this.request<'build'>({ type: 'build', text });
  }

  trace(request: TraceRequest): Promise<Outcome<'trace'>> {
    return this.request<'trace'>({ type: 'trace', request });
  }

  views(node: string, netns: string): Promise<Outcome<'views'>> {
    return this.request<'views'>({ type: 'views', node, netns });
  }

  /** Test hook: the worker busy-loops for `ms`, so the deadline and restart can be exercised. */
  hang(ms: number): Promise<Outcome<'debug'>> {
    return this.request<'debug'>({ type: 'debug', action: 'hang', ms });
  }

  private request<T extends RequestType>(body: RequestBody<T>): Promise<Outcome<T>> {
    for (const p of this.queue) if (p.body.type === body.type && !p.internal) p.resolve({ status: 'superseded' });
    this.queue = this.queue.filter((p) => p.body.type !== body.type || p.internal);
    if (this.inFlight && this.inFlight.body.type === body.type) this.inFlight.stale = true;
    return new Promise<Outcome<T>>((resolve) => {
      this.queue.push({ id: this.nextId++, body, resolve: resolve as (o: Outcome<RequestType>) => void, stale: false, internal: false });
      this.pump();
    });
  }

  /** Drops every pending request of this type; an in-flight one finishes but its result is ignored. */
  cancel(type: RequestType): void {
    for (const p of this.queue) if (p.body.type === type && !p.internal) p.resolve({ status: 'superseded' });
    this.queue = this.queue.filter((p) => p.body.type !== type || p.internal);
    if (this.inFlight?.body.type === type) this.inFlight.stale = true;
  }

  /** Test hook: the worker throws outside any handler, as a real crash would. */
  crash(): void {
    this.worker?.postMessage({ id: 0, type: 'debug', action: 'crash' } satisfies EngineRequest);
  }

  dispose(): void {
    this.clearTimer();
    this.worker?.terminate();
    this.worker = null;
  }

  private start(): void {
    let worker: Worker | null = null;
    try {
      worker = this.workersUnavailable ? null : this.options.createWorker();
    } catch {
      worker = null;
    }
    this.worker = worker;
    if (!worker) {
      this.host ??= this.options.loadHost();
      return;
    }
    worker.onmessage = (e: MessageEvent<EngineResponse>) => {
      this.crashesWithoutAnswer = 0;
      this.settle(e.data);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      // A script that fails to load fires a plain Event (Chromium); an exception in a running
      // worker, an ErrorEvent. Where a browser says neither clearly, workers that keep dying
      // without ever answering count as unavailable too.
      const loadFailure = typeof ErrorEvent !== 'undefined' && !(e instanceof ErrorEvent);
      if (loadFailure || ++this.crashesWithoutAnswer >= EngineClient.MAX_CRASHES_WITHOUT_ANSWER) this.workersUnavailable = true;
      this.restart(this.workersUnavailable ? 'unavailable' : 'crashed');
    };
    worker.onmessageerror = () => this.restart('crashed');
  }

  private restart(reason: RestartReason): void {
    this.clearTimer();
    this.worker?.terminate();
    const lost = this.inFlight;
    this.inFlight = null;
    // A request the worker never got to (it could not load) is simply sent again, on this thread.
    if (lost && reason === 'unavailable') this.queue.unshift(lost);
    else if (lost && !lost.internal) lost.resolve({ status: 'failed', message: reason === 'hung' ? 'The engine stopped responding.' : 'The engine crashed.' });
    this.start();
    // The new worker has no model: give it the last manifests that built, before anything else.
    const replay = this.lastGoodText;
    if (replay !== null && !(lost?.body.type === 'build' && lost.body.text === replay && reason === 'hung'))
      this.queue.unshift({ id: this.nextId++, body: { type: 'build', text: replay }, resolve: () => {}, stale: false, internal: true });
    this.options.onRestart(reason, lost && !lost.internal && reason !== 'unavailable' ? lost.body.type : null);
    this.pump();
  }

  private pump(): void {
    if (this.inFlight) return;
    const next = this.queue.shift();
    if (!next) return;
    this.inFlight = next;
    const message = { ...next.body, id: next.id } as EngineRequest;
    if (this.worker) {
      const extra = message.type === 'build' ? message.text.length / 50 : 0;
      this.timer = setTimeout(() => this.restart('hung'), this.deadlineMs + extra);
      this.worker.postMessage(message);
      return;
    }
    const host = this.host ?? (this.host = this.options.loadHost());
    host.then(
      (h) => setTimeout(() => this.settle(h.handle(message)), 0),
      (e: unknown) => this.settle({ id: message.id, type: 'failed', message: `The engine could not load: ${String(e)}` }),
    );
  }

  private settle(response: EngineResponse): void {
    const p = this.inFlight;
    if (!p || p.id !== response.id) return; // an answer from before a restart
    this.clearTimer();
    this.inFlight = null;
    if (response.type === 'build' && response.result.ok && p.body.type === 'build') this.lastGoodText = p.body.text;
    if (p.stale) p.resolve({ status: 'superseded' });
    else if (response.type === 'failed') p.resolve({ status: 'failed', message: response.message });
    else p.resolve({ status: 'ok', result: response.result });
    this.pump();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
