import ELK from 'elkjs/lib/elk-api';
import type { ElkLayoutFn } from './layout';

/**
 * ELK in its own worker, so layered layout never blocks a frame. Where workers are unavailable,
 * the bundled build runs on this thread instead.
 */
export function createElkLayout(): ElkLayoutFn {
  if (typeof Worker !== 'undefined') {
    try {
      const elk = new ELK({
        workerFactory: () => new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'packetwalk-layout' }),
      });
      return (graph) => elk.layout(graph);
    } catch {
      // fall through to the main-thread build
    }
  }
  const bundled = import('elkjs/lib/elk.bundled.js').then((m) => new m.default());
  return async (graph) => (await bundled).layout(graph);
}
