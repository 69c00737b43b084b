/**
 * The ICMP errors that answer a refused or unroutable packet, walked back to the sender as the
 * trace's reply. Ground truth, from the kernel in network namespaces (Debian 12, 6.1):
 * - a REJECT in FORWARD on a Calico node: tcpdump in the pod shows
 *   `192.168.10.101 > 172.16.0.66: ICMP 10.96.5.5 tcp port 80 unreachable`, ttl 64 — the source is
 *   the node's first global address, since the cali veth has none (icmp_send with saddr 0, then
 *   inet_select_addr); its counters move in raw/mangle/filter OUTPUT (filter with
 *   `--ctstate RELATED`) and mangle POSTROUTING, never in nat (`nf_ct_attach` makes it RELATED);
 * - a ping to a cluster IP leaves by the default route and the underlay router answers net
 *   unreachable; on the node it moves `cali-PREROUTING … RELATED,ESTABLISHED -j ACCEPT` and
 *   `cali-tw-… RELATED,ESTABLISHED -j ACCEPT` (the kernel conformance suite, `kernel/`);
 * - a UDP datagram to a port nothing listens on gets port unreachable from the pod, which
 *   conntrack un-DNATs to the cluster IP (`nf_nat_icmp_reply_translation`).
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
const rulesOf = (hops: Hop[], table: string) => hops.filter((h) => h.kind === 'netfilter' && h.detail.table === table);

describe('ICMP errors come back to the sender', () => {
  it('a kube-proxy REJECT: port unreachable from the node address, RELATED through OUTPUT, no nat, "Connection refused"', () => {
    const m = preset('no-endpoints.yaml');
    const me = m.cluster.pods.find((p) => p.name === 'client')!;
    const node = m.cluster.nodes.find((n) => n.name === me.node)!;
    const t = trace(m, { from: 'pod/default/client', to: 'svc/default/orders' });
    expect(t.verdict).toBe('rejected');
    const sent = t.hops[0]!.packet;
    const r = t.reply!;
    expect(r.verdict).toBe('delivered');
    expect(r.hops[0]!.packet).toMatchObject({
      src: node.ip,
      dst: me.ip,
      proto: 'icmp',
      ttl: 64,
      icmp: { type: 3, code: 3, name: 'port-unreachable', quoted: { src: me.ip, dst: sent.dst, sport: sent.sport, dport: sent.dport, proto: 'tcp' } },
    });
    // Made in the node: OUTPUT then POSTROUTING, as RELATED (the nat table is never consulted).
    expect(r.hops.every((h) => h.node === me.node)).toBe(true);
    expect(rulesOf(r.hops, 'nat')).toEqual([]);
    const filterOut = rulesOf(r.hops, 'filter')[0]!;
    expect(filterOut.detail.chain).toBe('OUTPUT');
    // kube-proxy's OUTPUT jumps are for NEW connections only, so the error passes them by.
    expect(filterOut.detail.lines!.some((l) => l.includes('--ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES'))).toBe(false);
    expect(rulesOf(r.hops, 'mangle').map((h) => h.detail.chain)).toEqual(['POSTROUTING']);
    expect(last(r.hops)).toMatchObject({ kind: 'deliver', netns: 'pod:default/client' });
    expect(last(r.hops).explain).toContain('connect() fails with "Connection refused"');
    expect(r.delivered).toEqual({ pod: 'default/client', ip: me.ip, port: null, observedSource: node.ip });
  });

  it('a ping to a cluster IP: the router answers net unreachable, conntrack un-masquerades it back into the pod', () => {
    const m = preset('demo.yaml');
    const me = m.cluster.pods.find((p) => p.name.startsWith('frontend-'))!;
    const node = m.cluster.nodes.find((n) => n.name === me.node)!;
    const t = trace(m, { from: 'pod/default/frontend', to: 'svc/default/backend', proto: 'icmp' });
    // kube-proxy only DNATs the service's protocols; the echo leaves masqueraded to the node address.
    expect(t.verdict).toBe('unroutable');
    const r = t.reply!;
    expect(r.hops[0]!.packet).toMatchObject({ src: '192.168.10.1', dst: node.ip, icmp: { type: 3, code: 0, quoted: { src: node.ip, proto: 'icmp' } } });
    const ct = r.hops.find((h) => h.kind === 'conntrack')!;
    expect(ct.node).toBe(me.node);
    // un-SNAT on the way in: the outer destination and the quoted source go back to the pod.
    expect(ct.packet).toMatchObject({ src: '192.168.10.1', dst: me.ip, icmp: { quoted: { src: me.ip } } });
    const lines = r.hops.filter((h) => h.kind === 'netfilter').flatMap((h) => h.detail.lines ?? []);
    expect(lines).toContainEqual(expect.stringMatching(/-A cali-PREROUTING .*--ctstate RELATED,ESTABLISHED -j ACCEPT/));
    expect(lines).toContainEqual(expect.stringMatching(/-A cali-tw-cali[0-9a-f]{11} .*--ctstate RELATED,ESTABLISHED -j ACCEPT/));
    // Forwarded to the pod: TTL 64 from the router, 63 after the node.
    expect(last(r.hops)).toMatchObject({ kind: 'deliver', netns: `pod:default/${me.name}`, packet: { ttl: 63 } });
    expect(last(r.hops).explain).toContain('ping prints "Destination Net Unreachable"');
    expect(r.delivered?.observedSource).toBe('192.168.10.1');
  });

  it('UDP to a port nothing listens on: port unreachable from the pod, un-DNATed to the cluster IP', () => {
    const m = buildModel(`${readFileSync(new URL('../../presets/wrong-targetport.yaml', import.meta.url), 'utf8')}
---
apiVersion: v1
kind: Service
metadata: { name: stats, namespace: default }
spec:
  selector: { app: web }
  ports: [{ name: statsd, port: 8125, targetPort: 8126, protocol: UDP }]
`);
    const svc = m.cluster.services.find((s) => s.name === 'stats')!;
    const t = trace(m, { from: 'pod/default/client', to: 'svc/default/stats', proto: 'udp' });
    expect(t.verdict).toBe('rejected');
    const endpoint = t.hops.find((h) => h.kind === 'nat' && h.detail.target === 'DNAT')!.packet;
    expect(endpoint.dport).toBe(8126);
    const r = t.reply!;
    // The endpoint's own kernel answers from the address the datagram was sent to.
    expect(r.hops[0]!.packet).toMatchObject({ src: endpoint.dst, icmp: { name: 'port-unreachable', quoted: { dst: endpoint.dst, dport: 8126, proto: 'udp' } } });
    // On the client's node conntrack undoes the DNAT on both headers: the client hears from the VIP.
    expect(last(r.hops).packet).toMatchObject({ src: svc.clusterIP, icmp: { quoted: { dst: svc.clusterIP, dport: 8125 } } });
    expect(r.delivered?.observedSource).toBe(svc.clusterIP);
    expect(last(r.hops).explain).toContain('"Connection refused"');
  });

  it('a TCP refusal at the pod stays a RST, not an ICMP error', () => {
    const m = preset('wrong-targetport.yaml');
    const t = trace(m, { from: 'pod/default/client', to: 'svc/default/web' });
    expect(t.verdict).toBe('rejected');
    expect(t.reply!.hops.some((h) => h.packet.icmp)).toBe(false);
    expect(last(t.reply!.hops).explain).toContain('RST');
  });
});
