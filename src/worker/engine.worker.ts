/// <reference lib="webworker" />
import { createEngineHost, type EngineHost } from './engine-host';
import type { EngineRequest } from './protocol';

const clock = () => performance.now();
// The dev fixture is compiled out of production builds (import.meta.env.DEV is false there).
const host: Promise<EngineHost> = import.meta.env.DEV
  ? import('./dev-fixture').then((m) => createEngineHost(clock, { topology: m.fixtureTopology, trace: m.fixtureTrace }))
  : Promise.resolve(createEngineHost(clock));

self.onmessage = (event: MessageEvent<EngineRequest>) => {
  const req = event.data;
  // The crash hook throws outside the handler, so the page sees a real worker error.
  if (req.type === 'debug' && req.action === 'crash') {
    setTimeout(() => {
      throw new Error('PacketWalk test hook: engine worker crashed on purpose');
    });
    return;
  }
  void host.then((h) => self.postMessage(h.handle(req)));
};
