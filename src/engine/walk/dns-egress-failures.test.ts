/**
 * Scenarios 7, 8 and 11: DNS then connect (search list per ndots, DNAT to CoreDNS, forward
 * upstream), pod → outside (natOutgoing), and the failures (no endpoints, no route, CoreDNS down,
 * wrong targetPort), each as the kernel, kube-proxy, CoreDNS and Calico would make it happen.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildModel, runTrace, type EngineModel } from '../index';
import type { Hop, Trace, TraceRequest } from './types';

function preset(file: string): EngineModel {
  return buildModel(readFileSync(new URL(`../../presets/${file}`, import.meta.url), 'utf8'));
}
function trace(model: EngineModel, req: TraceRequest): Trace {
  const t = runTrace(model, req);
  if ('error' in t) throw new Error(t.error);
  return t;
}
const last = (hops: Hop[]) => hops[hops.length - 1]!;
const client = 'pod/default/client';

describe('scenario 7: DNS lookup, then connect', () => {
  it('resolves web.default.svc.cluster.local on the first search domain, then connects to the cluster IP', () => {
    const m = preset('dns.yaml');
    const web = m.cluster.services.find((s) => s.name === 'web')!;
    const coredns = m.cluster.pods.filter((p) => p.labels['k8s-app'] === 'kube-dns').map((p) => p.ip);
    const me = m.cluster.pods.find((p) => p.name === 'client')!;
    const t = trace(m, { from: client, to: 'dns:web', proto: 'tcp', port: 80 });
    // "web" has 0 dots < ndots:5, so the first candidate is web.<ns>.svc.cluster.local; A answers
    // (the cluster IP) and AAAA is NODATA in an IPv4 cluster; the walk stops there.
    expect(t.dns).toEqual([
      { name: 'web.default.svc.cluster.local', type: 'A', rcode: 'NOERROR', answers: [web.clusterIP], server: expect.stringContaining('coredns') },
      { name: 'web.default.svc.cluster.local', type: 'AAAA', rcode: 'NOERROR', answers: [], server: expect.stringContaining('coredns') },
    ]);
    // The query is UDP to the nameserver in resolv.conf, DNATed to a CoreDNS pod by KUBE-SVC-TCOU7JCQXEZGVUNU.
    expect(t.hops[0]!.packet).toMatchObject({ proto: 'udp', dst: '10.96.0.10', dport: 53, src: me.ip });
    const dnat = t.hops.find((h) => h.kind === 'nat')!;
    expect(coredns).toContain(dnat.packet.dst);
    expect(t.hops.some((h) => h.detail.lines?.some((l) => l.includes('-j KUBE-SVC-TCOU7JCQXEZGVUNU')))).toBe(true);
    const answer = t.hops.find((h) => h.kind === 'dns')!;
    expect(answer.netns).toMatch(/^pod:kube-system\/coredns-/);
    // The answer comes back un-DNATed: the resolver sees it from 10.96.0.10:53, as it asked.
    const backToClient = t.hops.find((h) => h.kind === 'deliver' && h.netns === `pod:default/client`)!;
    expect(backToClient.packet).toMatchObject({ src: '10.96.0.10', sport: 53 });
    // Then the connection to the answer, in the same trace.
    const connect = t.hops.find((h) => h.kind === 'route' && h.packet.proto === 'tcp')!;
    expect(connect.packet).toMatchObject({ dst: web.clusterIP, dport: 80 });
    expect(t.verdict).toBe('delivered');
    expect(web.ports[0]!.endpoints.map((e) => e.ip)).toContain(t.delivered!.ip);
  });

  it('walks every search domain for an outside name, then CoreDNS forwards it from its own pod, masqueraded', () => {
    const m = preset('dns-external.yaml');
    const t = trace(m, { from: client, to: 'dns:example.com', proto: 'tcp', port: 443 });
    const search = ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];
    // 1 dot < 5: example.com.<each search domain> first (NXDOMAIN in the cluster zone), then as-is.
    const asked = [...new Set(t.dns!.map((q) => q.name))];
    expect(asked.slice(0, 3)).toEqual(search.map((d) => `example.com.${d}`));
    expect(asked[asked.length - 1]).toBe('example.com');
    expect(t.dns!.filter((q) => q.name.endsWith('cluster.local')).every((q) => q.rcode === 'NXDOMAIN')).toBe(true);
    const final = t.dns!.find((q) => q.name === 'example.com' && q.type === 'A')!;
    expect(final.rcode).toBe('NOERROR');
    expect(final.server).toBe(`upstream ${m.cluster.settings.upstreamDNS[0]}`);
    // The forward leaves from the CoreDNS pod's IP to the upstream resolver; natOutgoing SNATs it
    // to the node's address when it leaves through eth0.
    const corednsPods = m.cluster.pods.filter((p) => p.labels['k8s-app'] === 'kube-dns');
    const fwd = t.hops.find((h) => h.packet.dst === m.cluster.settings.upstreamDNS[0] && h.kind === 'route')!;
    expect(corednsPods.map((p) => `pod:kube-system/${p.name}`)).toContain(fwd.netns);
    const masq = t.hops.find((h) => h.kind === 'nat' && h.detail.target === 'MASQUERADE')!;
    const dnsNode = m.cluster.nodes.find((n) => n.name === fwd.node)!;
    expect(masq.packet.src).toBe(dnsNode.ip);
    expect(masq.detail.rule).toContain('cali-nat-outgoing');
    expect(t.verdict).toBe('delivered');
    expect(t.delivered?.ip).toBe(final.answers[0]);
  });
});

describe('scenario 8: pod → outside the cluster', () => {
  it('natOutgoing MASQUERADEs the pod address to the node address on eth0', () => {
    const m = preset('egress.yaml');
    const me = m.cluster.pods.find((p) => p.name === 'client')!;
    const node = m.cluster.nodes.find((n) => n.name === me.node)!;
    const t = trace(m, { from: client, to: '198.51.100.7:443', proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    const masq = t.hops.filter((h) => h.kind === 'nat');
    expect(masq).toHaveLength(1);
    // cali-nat-outgoing: source in a natOutgoing pool, destination outside every pool.
    expect(masq[0]).toMatchObject({ iface: 'eth0', detail: { target: 'MASQUERADE' }, packet: { src: node.ip, dst: '198.51.100.7' } });
    expect(masq[0]!.detail.rule).toContain('cali-nat-outgoing');
    expect(t.delivered).toMatchObject({ pod: null, ip: '198.51.100.7', port: 443, observedSource: node.ip });
    // The reply's destination is restored to the pod by conntrack (un-SNAT) before routing.
    expect(t.reply?.delivered).toMatchObject({ pod: 'default/client', ip: me.ip, observedSource: '198.51.100.7' });
  });
});

describe('scenario 11: failures', () => {
  it('no endpoints: kube-proxy REJECTs the cluster IP in filter, connect() sees "Connection refused"', () => {
    const m = preset('no-endpoints.yaml');
    const t = trace(m, { from: client, to: 'svc/default/orders', proto: 'tcp' });
    expect(t.verdict).toBe('rejected');
    const nf = t.hops.find((h) => h.kind === 'netfilter' && h.detail.target === 'REJECT')!;
    expect(nf.detail.table).toBe('filter');
    expect(nf.detail.rule).toContain('default/orders:http has no endpoints');
    // The drop names the same rule, in kube-proxy's KUBE-SERVICES (filter), so the inspector shows it.
    expect(last(t.hops)).toMatchObject({ kind: 'drop', detail: { table: 'filter', chain: 'KUBE-SERVICES', target: 'REJECT', rule: nf.detail.rule } });
    expect(t.delivered).toBeUndefined();
    // The SYN never left the node, so its conntrack entry was never confirmed (__nf_conntrack_confirm
    // runs at POSTROUTING/INPUT): `conntrack -L` there shows nothing for the cluster IP.
    const svc = m.cluster.services.find((s) => s.name === 'orders')!;
    expect((t.conntrack ?? []).filter((e) => e.orig.dst === svc.clusterIP)).toEqual([]);
  });

  it('no route: an address of the pool no node owns leaves by the default route and dies at the router', () => {
    const m = preset('unroutable.yaml');
    const t = trace(m, { from: client, to: '172.16.200.9:80', proto: 'tcp' });
    expect(t.verdict).toBe('unroutable');
    expect(t.hops.find((h) => h.kind === 'route' && h.netns === 'host')!.detail.route).toMatch(/^default via /);
    // Destination inside the pool: natOutgoing does not apply.
    expect(t.hops.some((h) => h.kind === 'nat')).toBe(false);
    expect(last(t.hops)).toMatchObject({ kind: 'drop', netns: 'wire' });
  });

  it('CoreDNS without endpoints: the query to 10.96.0.10 is rejected, the lookup gets no answer', () => {
    const m = preset('coredns-down.yaml');
    const t = trace(m, { from: client, to: 'dns:web', proto: 'tcp', port: 80 });
    expect(t.verdict).toBe('rejected');
    expect(t.dns?.[0]).toMatchObject({ name: 'web.default.svc.cluster.local', rcode: 'TIMEOUT', answers: [] });
    expect(t.hops.find((h) => h.detail.target === 'REJECT')?.detail.rule).toContain('kube-system/kube-dns:dns has no endpoints');
    // The REJECT's port unreachable reaches the resolver's socket (glibc then gives up on the server).
    const back = t.hops[t.hops.length - 1]!;
    expect(back).toMatchObject({ kind: 'deliver', netns: 'pod:default/client', packet: { proto: 'icmp', icmp: { name: 'port-unreachable', quoted: { dst: '10.96.0.10', dport: 53, proto: 'udp' } } } });
    expect(back.explain).toContain('"Connection refused"');
  });

  it('wrong targetPort: DNAT to :8080 where nothing listens; the pod answers with a RST', () => {
    const m = preset('wrong-targetport.yaml');
    const svc = m.cluster.services.find((s) => s.name === 'web')!;
    const t = trace(m, { from: client, to: 'svc/default/web', proto: 'tcp' });
    expect(t.verdict).toBe('rejected');
    const end = last(t.hops);
    expect(end).toMatchObject({ kind: 'drop', packet: { dport: 8080 } });
    expect(end.netns).toMatch(/^pod:default\/web-/);
    // The RST goes back through the same conntrack entry: the client sees it from the cluster IP.
    expect(t.reply?.delivered).toMatchObject({ pod: 'default/client', observedSource: svc.clusterIP });
  });

  it('errors are values: unknown endpoints, impossible sources, headless services', () => {
    const m = preset('dns.yaml');
    expect(runTrace(m, { from: 'pod/default/nope', to: 'dns:web' })).toEqual({ error: expect.stringContaining('no pod default/nope') });
    expect(runTrace(m, { from: 'svc/default/web', to: 'pod/default/client' })).toEqual({ error: expect.stringContaining('--from must be') });
    expect(runTrace(m, { from: 'external/203.0.113.9', to: 'dns:web' })).toEqual({ error: expect.stringContaining('a lookup starts in a pod') });
    expect(runTrace(m, { from: 'external/203.0.113.9', to: 'svc/default/web' })).toEqual({ error: expect.stringContaining('not reachable from outside') });
    expect(runTrace(m, { from: 'bogus', to: 'x' })).toHaveProperty('error');
  });
});
