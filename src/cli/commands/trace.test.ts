import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileURLToPath } from 'node:url';
import { run } from './trace';

const preset = (f: string) => fileURLToPath(new URL(`../../presets/${f}`, import.meta.url));

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  return { out, err };
}

afterEach(() => vi.restoreAllMocks());

describe('packetwalk trace', () => {
  it('prints the §6 JSON object and exits 0 for a delivered trace', async () => {
    const io = capture();
    const code = await run([preset('cross-node-calico-ipip.yaml'), '--from', 'pod/default/client', '--to', 'pod/default/server', '--port', '80', '--json']);
    expect(code).toBe(0);
    const t = JSON.parse(io.out.join('\n'));
    expect(t.verdict).toBe('delivered');
    expect(Object.keys(t.hops[0])).toEqual(['seq', 'node', 'netns', 'iface', 'kind', 'packet', 'detail', 'explain', 'commands']);
    expect(t.delivered).toEqual({ pod: 'default/server', ip: expect.any(String), port: 80, observedSource: expect.any(String) });
    expect(t.reply.verdict).toBe('delivered');
  });

  it('uses the demo cluster without files and prints a hop table', async () => {
    const io = capture();
    const code = await run(['--from', 'pod/default/frontend', '--to', 'svc/default/backend']);
    expect(code).toBe(0);
    const text = io.out.join('\n');
    expect(text).toMatch(/^trace pod\/default\/frontend → svc\/default\/backend \(tcp\): delivered/);
    expect(text).toContain('DNAT rewrites the destination');
    expect(text).toMatch(/\n\s+1 {2}k8s-w1 /);
  });

  it('exits 0 for a trace that fails in the network (the verdict is the answer)', async () => {
    capture();
    expect(await run([preset('no-endpoints.yaml'), '--from', 'pod/default/client', '--to', 'svc/default/orders'])).toBe(0);
  });

  it('exits 1 on user errors with a message', async () => {
    const io = capture();
    expect(await run(['--from', 'pod/default/frontend'])).toBe(1);
    expect(await run(['--from', 'pod/default/frontend', '--to', 'svc/default/backend', '--proto', 'sctp'])).toBe(1);
    expect(await run(['--from', 'pod/default/frontend', '--to', 'svc/default/backend', '--port', '0'])).toBe(1);
    expect(await run(['--from', 'pod/default/nobody', '--to', 'svc/default/backend'])).toBe(1);
    expect(await run(['/nonexistent.yaml', '--from', 'pod/a', '--to', 'pod/b'])).toBe(1);
    expect(io.err.join('\n')).toContain('no pod default/nobody');
    expect(io.err.join('\n')).toContain('--proto must be tcp, udp or icmp');
  });
});
