import { describe, expect, it } from 'vitest';
import { NetnsBuilder } from './netns';
import { lookupRoute } from './route-table';
import { formatIpRoute } from './views';

/**
 * Kernel semantics, each case checked on this machine with real `ip route add` / `ip route get` in a
 * throwaway netns (see fixtures/README.md): local table before main, longest prefix, lowest metric,
 * error per route type, and inet_select_addr's source choice.
 */
function lab() {
  const b = new NetnsBuilder('host', 'n');
  b.addLink({ name: 'va', kind: 'veth', mtu: 1500, mac: '02:00:00:00:00:01', peer: { netns: 'host', iface: 'vb', index: 3 } });
  b.addLink({ name: 'vb', kind: 'veth', mtu: 1500, mac: '02:00:00:00:00:02', peer: { netns: 'host', iface: 'va', index: 2 } });
  b.addAddress('va', '10.1.0.1', 24, 'global', false);
  b.addAddress('va', '10.1.0.7', 24, 'global', false);
  b.addAddress('vb', '10.2.0.1', 32);
  b.addRoute({ dst: '10.7.0.0/16', via: '10.1.0.9', dev: 'va', metric: 100 });
  b.addRoute({ dst: '10.7.0.0/16', via: '10.1.0.8', dev: 'va', metric: 50 });
  b.addRoute({ dst: '10.6.0.0/16', via: '10.1.0.9', dev: 'va', proto: 'static', src: '10.1.0.7' });
  b.addRoute({ dst: '10.5.0.0/16', dev: 'vb', scope: 'link' });
  b.addRoute({ dst: '10.4.0.0/16', via: '10.9.9.9', dev: 'vb', onlink: true });
  b.addRoute({ type: 'unreachable', dst: '10.9.0.0/16' });
  b.addRoute({ type: 'prohibit', dst: '10.8.0.0/16' });
  b.addRoute({ type: 'blackhole', dst: '10.0.0.0/8' });
  b.addRoute({ dst: '10.0.0.0/24', via: '10.1.0.9', dev: 'va' });
  return b.ns;
}

describe('lookupRoute (ip route get)', () => {
  const ns = lab();

  it('prints what ip route get printed for the same table', () => {
    expect(lookupRoute(ns, '10.7.0.1').text).toBe('10.7.0.1 via 10.1.0.8 dev va src 10.1.0.1 uid 0 \n    cache ');
    expect(lookupRoute(ns, '10.6.0.1').text).toBe('10.6.0.1 via 10.1.0.9 dev va src 10.1.0.7 uid 0 \n    cache ');
    expect(lookupRoute(ns, '10.5.0.1').text).toBe('10.5.0.1 dev vb src 10.2.0.1 uid 0 \n    cache ');
    expect(lookupRoute(ns, '10.4.0.1').text).toBe('10.4.0.1 via 10.9.9.9 dev vb src 10.2.0.1 uid 0 \n    cache ');
    expect(lookupRoute(ns, '10.1.0.255').text).toBe('broadcast 10.1.0.255 dev va src 10.1.0.1 uid 0 \n    cache <local,brd> ');
    expect(lookupRoute(ns, '10.1.0.0').text).toBe('10.1.0.0 dev va src 10.1.0.1 uid 0 \n    cache ');
    expect(lookupRoute(ns, '127.0.0.5').text).toBe('local 127.0.0.5 dev lo src 127.0.0.1 uid 0 \n    cache <local> ');
    expect(lookupRoute(ns, '10.1.0.7').text).toBe('local 10.1.0.7 dev lo src 10.1.0.1 uid 0 \n    cache <local> ');
  });

  it('errors per route type, as RTNETLINK reports them', () => {
    expect(lookupRoute(ns, '10.9.1.1')).toMatchObject({ ok: false, error: 'unreachable', text: 'RTNETLINK answers: No route to host' });
    expect(lookupRoute(ns, '10.8.1.1')).toMatchObject({ ok: false, error: 'prohibit', text: 'RTNETLINK answers: Permission denied' });
    expect(lookupRoute(ns, '10.200.0.1')).toMatchObject({ ok: false, error: 'blackhole', text: 'RTNETLINK answers: Invalid argument' });
    expect(lookupRoute(ns, '192.0.2.1')).toMatchObject({ ok: false, error: 'no-route', text: 'RTNETLINK answers: Network is unreachable' });
  });

  it('longest prefix wins over a shorter blackhole', () => {
    expect(lookupRoute(ns, '10.0.0.5')).toMatchObject({ ok: true, gateway: '10.1.0.9', dev: 'va' });
  });

  it('secondary addresses print as such and do not add a second connected route', () => {
    expect(formatIpRoute(ns)).toContain('10.1.0.0/24 dev va proto kernel scope link src 10.1.0.1 \n');
    expect(formatIpRoute(ns).match(/10\.1\.0\.0\/24/g)).toHaveLength(1);
    expect(formatIpRoute(ns, 'local')).toContain('local 10.1.0.7 dev va proto kernel scope host src 10.1.0.1 \n');
  });

  it('orders routes as the fib trie dumps them: address ascending, longer prefix first', () => {
    const b = new NetnsBuilder('x', 'n');
    for (const d of ['10.0.0.0/16', '10.0.0.0/8', '10.0.0.0', '10.0.0.0/24', '0.0.0.0/1', 'default', '10.0.0.128/25']) b.addRoute({ type: 'blackhole', dst: d });
    // Captured: ip route add blackhole ... for these, then ip route.
    expect(formatIpRoute(b.ns)).toBe(
      ['0.0.0.0/1', 'default', '10.0.0.0', '10.0.0.0/24', '10.0.0.0/16', '10.0.0.0/8', '10.0.0.128/25'].map((d) => `blackhole ${d} \n`).join(''),
    );
  });
});
