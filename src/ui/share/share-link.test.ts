/**
 * Opening a link puts the viewer at the link's hop once the link's own trace arrives, and never
 * later: not on a trace that was already on its way, not after manifests that failed to build.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Trace } from '../../engine/walk/types';
import type { ShareState } from '../../share/state';
import { useAppStore } from '../../state/store';
import { restorePosition, settleShareLink } from './share-link';

const trace = (n: number): Trace => ({
  verdict: 'delivered',
  hops: Array.from({ length: n }, (_, i) => ({ seq: i + 1, node: 'w1', netns: 'host', kind: 'route' as const, packet: { src: '10.0.0.1', dst: '10.0.0.2', proto: 'tcp' as const, ttl: 64 }, detail: {}, explain: '' })),
});
const link: ShareState = {
  manifests: 'apiVersion: v1\nkind: Pod\n',
  scenario: { from: 'pod/default/a', to: 'pod/default/b', proto: 'tcp', port: 80 },
  direction: 'request',
  hop: 3,
  theme: 'light',
  layout: null,
};
const initial = useAppStore.getState();

beforeEach(() => useAppStore.setState(initial, true));

describe('opening a share link', () => {
  it('goes to the link hop on the first trace after its manifests built', () => {
    settleShareLink({ ok: true, state: link });
    useAppStore.setState({ editorOpen: false }); // unrelated changes before the text is in
    useAppStore.setState({ trace: trace(9) }); // a trace from before: not the link's
    expect(useAppStore.getState().hop).toBe(0);
    useAppStore.setState({ text: link.manifests, build: { status: 'building', ms: null } });
    useAppStore.setState({ build: { status: 'ok', ms: 3 } });
    useAppStore.setState({ trace: trace(9), hop: 0 });
    expect(useAppStore.getState().hop).toBe(3);
  });

  it('gives up when the link manifests do not build: a later trace keeps its own place', () => {
    settleShareLink({ ok: true, state: link });
    useAppStore.setState({ text: link.manifests, build: { status: 'building', ms: null } });
    useAppStore.setState({ build: { status: 'invalid', ms: 3 } });
    useAppStore.setState({ text: 'fixed by the user', build: { status: 'ok', ms: 3 } });
    useAppStore.setState({ trace: trace(9), hop: 0 });
    expect(useAppStore.getState().hop).toBe(0);
  });

  it('a link pasted into an open app with the manifests already built takes the next trace', () => {
    useAppStore.setState({ text: link.manifests, build: { status: 'ok', ms: 3 } });
    restorePosition(link, true);
    useAppStore.setState({ trace: trace(9), hop: 0 });
    expect(useAppStore.getState().hop).toBe(3);
  });
});
