import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../cli/commands/trace';
import { buildModel, runTrace } from '../../engine';
import type { Trace } from '../../engine/walk/types';
import { animationFrames, END_HOLD_MS, HOP_MS } from './timeline';
import { traceJson, traceMarkdown } from './trace-text';

const DEMO = new URL('../../presets/demo.yaml', import.meta.url);
const REQ = { from: 'pod/default/frontend', to: 'svc/default/backend:http' };

afterEach(() => vi.restoreAllMocks());

describe('trace JSON export', () => {
  it('is byte for byte what `packetwalk trace --json` prints', async () => {
    const printed: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((s: unknown) => void printed.push(`${String(s)}\n`));
    expect(await run([DEMO.pathname, '--from', REQ.from, '--to', REQ.to, '--json'])).toBe(0);
    const trace = runTrace(buildModel(readFileSync(DEMO, 'utf8')), REQ) as Trace;
    expect(traceJson(trace)).toBe(printed.join(''));
  });
});

describe('trace Markdown export', () => {
  const trace: Trace = {
    verdict: 'delivered',
    hops: [
      { seq: 1, node: 'w1', netns: 'pod:default/a', iface: 'eth0', kind: 'route', packet: { src: '10.0.0.1', dst: '10.96.0.10', sport: 40000, dport: 80, proto: 'tcp', ttl: 64 }, detail: { route: 'default via 169.254.1.1 dev eth0' }, explain: 'The pod routes | everything via its gateway.' },
      { seq: 2, node: 'w1', netns: 'host', kind: 'nat', packet: { src: '10.0.0.1', dst: '10.0.1.5', sport: 40000, dport: 8080, proto: 'tcp', ttl: 63, outer: { src: '192.168.0.1', dst: '192.168.0.2', proto: 'ipip', ttl: 64 } }, detail: { table: 'nat', chain: 'KUBE-SEP-X', rule: '-A KUBE-SEP-X -p tcp -m tcp -j DNAT --to-destination 10.0.1.5:8080' }, explain: 'DNAT\nto the endpoint.' },
    ],
    delivered: { pod: 'default/b', ip: '10.0.1.5', port: 8080, observedSource: '10.0.0.1' },
    dns: [{ name: 'web.default.svc.cluster.local', type: 'A', rcode: 'NOERROR', answers: ['10.96.0.10'], server: 'kube-system/coredns-1' }],
  };
  const md = traceMarkdown(trace, { from: 'pod/default/a', to: 'svc/default/web', proto: 'tcp', port: 80 });
  const rows = md.split('\n').filter((l) => l.startsWith('|'));

  it('has a title, the verdict and one row per hop', () => {
    expect(md.startsWith('# PacketWalk trace: pod/default/a → svc/default/web (TCP 80)\n')).toBe(true);
    expect(md).toContain('**Delivered** to default/b port 8080; the socket sees the peer as 10.0.0.1.');
    // header + separator + 2 hops, then the DNS table (header + separator + 1 query)
    expect(rows).toHaveLength(7);
  });

  it('keeps every row to six cells (pipes escaped, line breaks flattened)', () => {
    // GFM splits cells on unescaped pipes only.
    for (const r of rows.slice(0, 4)) expect(r.split(/(?<!\\)\|/).length - 2).toBe(6);
    expect(rows[2]).toContain('The pod routes \\| everything via its gateway.');
    expect(rows[3]).toContain('DNAT to the endpoint.');
  });

  it('shows the outer header of an encapsulated packet and the rule as iptables-save prints it', () => {
    expect(rows[3]).toContain('`IPIP 192.168.0.1 → 192.168.0.2 [10.0.0.1:40000 → 10.0.1.5:8080 TCP]`');
    expect(rows[3]).toContain('`-t nat -A KUBE-SEP-X -p tcp -m tcp -j DNAT --to-destination 10.0.1.5:8080`');
    expect(rows[2]).toContain('`default via 169.254.1.1 dev eth0`');
  });
});

describe('trace Markdown export of a refused connection', () => {
  it('titles the reply with the ICMP error and shows its type in the packet column', () => {
    const trace = runTrace(buildModel(readFileSync(new URL('../../presets/no-endpoints.yaml', import.meta.url), 'utf8')), { from: 'pod/default/client', to: 'svc/default/orders' }) as Trace;
    const md = traceMarkdown(trace, { from: 'pod/default/client', to: 'svc/default/orders', proto: 'tcp', port: 80 });
    expect(md).toContain('**Rejected**.');
    expect(md).toContain('## Reply: ICMP port-unreachable');
    expect(md).toMatch(/\| `192\.168\.10\.101 → 172\.16\.0\.\d+ ICMP port-unreachable` \|/);
  });
});

describe('animation timeline', () => {
  it('follows the app: 900 ms per hop, the packet travels for 70% of it, then rests', () => {
    const frames = animationFrames(3, 90);
    const total = frames.reduce((a, f) => a + f.ms, 0);
    expect(total).toBe(3 * HOP_MS + END_HOLD_MS);
    // Hop 0 is shown at rest; each later hop travels in 7 frames of 90 ms (630 ms = 70% of 900),
    // the last of which (arrival) rests for the remaining 270 ms.
    expect(frames[0]).toEqual({ hop: 0, t: 1, ms: 900 });
    const hop1 = frames.filter((f) => f.hop === 1);
    expect(hop1.map((f) => f.ms)).toEqual([90, 90, 90, 90, 90, 90, 360]);
    expect(hop1.map((f) => f.t)).toEqual([1 / 7, 2 / 7, 3 / 7, 4 / 7, 5 / 7, 6 / 7, 1]);
    expect(frames.at(-1)).toEqual({ hop: 2, t: 1, ms: 360 + END_HOLD_MS });
  });

  it('is empty for an empty trace', () => {
    expect(animationFrames(0, 90)).toEqual([]);
  });
});
