/**
 * Scenarios 4-6: pod → ClusterIP, external → NodePort (cluster and Local policy), LoadBalancer IP.
 * Chain names are computed here from kube-proxy's algorithm (DESIGN §4), MASQUERADE sources from
 * the route the kernel would use, observed sources from what conntrack leaves on the packet.
 */
import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base32 } from '@scure/base';
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
/** kube-proxy portProtoHash: base32(sha256(servicePortName + protocol))[:16]. */
const hash = (s: string) => base32.encode(sha256(utf8ToBytes(s))).slice(0, 16);
const chain = (prefix: string, spn: string, extra = '') => `${prefix}-${hash(`${spn}tcp${extra}`)}`;
const ruleLines = (hops: Hop[]) => hops.flatMap((h) => h.detail.lines ?? []);
const natHops = (hops: Hop[]) => hops.filter((h) => h.kind === 'nat');

it('the chain-name hash matches the DESIGN check values', () => {
  expect(hash('ns1/svc1:p80tcp')).toBe('XPGD46QRK7WJZT7O');
  expect(hash('kube-system/kube-dns:dnsudp')).toBe('TCOU7JCQXEZGVUNU');
});

describe('scenario 4: pod → ClusterIP', () => {
  const m = preset('demo.yaml');
  const svc = m.cluster.services.find((s) => s.name === 'backend')!;
  const port = svc.ports[0]!;
  const frontend = m.cluster.pods.find((p) => p.labels['app'] === 'frontend')!;
  const eps = port.endpoints.map((e) => `${e.ip}:${e.port}`);
  const req: TraceRequest = { from: `pod/default/${frontend.name}`, to: 'svc/default/backend:http', proto: 'tcp' };

  it('DNATs in PREROUTING on the client node through KUBE-SVC → KUBE-SEP, no masquerade', () => {
    const t = trace(m, req);
    expect(t.verdict).toBe('delivered');
    const svcChain = chain('KUBE-SVC', 'default/backend:http');
    const dnat = natHops(t.hops);
    expect(dnat).toHaveLength(1); // the client is inside clusterCIDR: no KUBE-MARK-MASQ, no SNAT
    expect(dnat[0]).toMatchObject({ node: frontend.node, netns: 'host', detail: { target: 'DNAT' } });
    const to = `${dnat[0]!.packet.dst}:${dnat[0]!.packet.dport}`;
    expect(eps).toContain(to);
    expect(dnat[0]!.detail.chain).toBe(chain('KUBE-SEP', 'default/backend:http', to));
    expect(dnat[0]!.packet.src).toBe(frontend.ip);
    const pre = t.hops.find((h) => h.kind === 'netfilter' && h.detail.table === 'nat' && h.detail.chain === 'PREROUTING')!;
    expect(pre.detail.lines!.some((l) => l.includes(`-j ${svcChain}`))).toBe(true);
    expect(t.delivered).toMatchObject({ ip: dnat[0]!.packet.dst, port: 8080, observedSource: frontend.ip });
    // The reply is un-DNATed by conntrack on the client's node: it comes from the cluster IP:80.
    expect(t.reply?.delivered).toMatchObject({ pod: `default/${frontend.name}`, observedSource: svc.clusterIP, port: t.hops[0]!.packet.sport });
    const ct = t.conntrack!.find((e) => e.node === frontend.node && e.orig.dst === svc.clusterIP)!;
    expect(ct.reply.src).toBe(dnat[0]!.packet.dst);
    expect(ct.status).toContain('DNAT');
  });

  it('hairpin: a backend reaching its own service is masqueraded (KUBE-SEP -s <endpoint> → KUBE-MARK-MASQ)', () => {
    const self = port.endpoints[0]!;
    const me = m.cluster.pods.find((p) => p.ip === self.ip)!;
    const node = m.cluster.nodes.find((n) => n.name === me.node)!;
    const t = trace(m, { from: `pod/default/${me.name}`, to: 'svc/default/backend:http', proto: 'tcp', pick: self.ip });
    expect(t.verdict).toBe('delivered');
    const masq = t.hops.find((h) => h.kind === 'nat' && h.detail.target === 'MASQUERADE')!;
    // The way back to the pod is its own cali interface, which has no IPv4 address:
    // inet_select_addr falls back to the first global address in device order, eth0's.
    expect(masq.iface).toMatch(/^cali/);
    expect(t.delivered).toMatchObject({ ip: self.ip, observedSource: node.ip });
    expect(t.reply?.delivered?.observedSource).toBe(svc.clusterIP);
  });

  it('from a node: nat OUTPUT DNATs and re-routes before filter OUTPUT; the node address is masqueraded', () => {
    const node = m.cluster.nodes.find((n) => n.name === frontend.node)!;
    const t = trace(m, { from: `node/${node.name}`, to: 'svc/default/backend:http', proto: 'tcp' });
    const order = t.hops.map((h) => `${h.kind}:${h.detail.table ?? ''}:${h.detail.chain ?? ''}`);
    const dnat = order.findIndex((o) => o.startsWith('nat:nat:KUBE-SEP-'));
    const filterOut = order.indexOf('netfilter:filter:OUTPUT');
    expect(dnat).toBeGreaterThan(0);
    expect(t.hops[dnat + 1]!.kind).toBe('route'); // ip_route_me_harder inside the nat hook
    if (filterOut >= 0) expect(filterOut).toBeGreaterThan(dnat);
    // 192.168.10.x is outside clusterCIDR: KUBE-SVC marks it, KUBE-POSTROUTING masquerades it to
    // the address of the device towards the endpoint.
    const masq = t.hops.find((h) => h.kind === 'nat' && h.detail.target === 'MASQUERADE')!;
    const dev = m.dataplane.nodes[node.name]!.host.interfaces.find((i) => i.name === masq.iface)!;
    expect(t.delivered?.observedSource).toBe(dev.addresses[0]!.ip);
  });

  it('--pick forces each endpoint by looking ahead into its KUBE-SEP chain', () => {
    for (const ep of port.endpoints) {
      const t = trace(m, { ...req, pick: ep.ip });
      expect(t.delivered?.ip).toBe(ep.ip);
    }
    expect(runTrace(m, { ...req, pick: '10.9.9.9' })).toEqual({ error: expect.stringContaining('--pick 10.9.9.9') });
  });

  it('the seeded statistic choice is deterministic per seed and reaches every endpoint', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 16; seed++) {
      const a = trace(m, { ...req, seed });
      expect(trace(m, { ...req, seed }).delivered).toEqual(a.delivered);
      seen.add(a.delivered!.ip);
    }
    expect([...seen].sort()).toEqual(port.endpoints.map((e) => e.ip).sort());
  });
});

describe('scenario 5: external client → NodePort', () => {
  const client = '203.0.113.50';

  it('on a node without the endpoint: DNAT, MASQUERADE to its tunl0 address, reply back through it', () => {
    const m = preset('nodeport.yaml');
    const w1 = m.cluster.nodes.find((n) => n.name === 'k8s-w1')!;
    const web = m.cluster.services.find((s) => s.name === 'web')!.ports[0]!;
    expect(web.endpoints.every((e) => e.nodeName !== 'k8s-w1')).toBe(true); // the premise
    const t = trace(m, { from: `external/${client}`, to: `${w1.ip}:30080`, proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    const lines = ruleLines(t.hops);
    // KUBE-SERVICES' last rule sends local destinations to KUBE-NODEPORTS, then KUBE-EXT marks for masquerade.
    expect(lines.some((l) => l.includes('-j KUBE-NODEPORTS'))).toBe(true);
    expect(lines.some((l) => l.startsWith(`-A KUBE-NODEPORTS`) && l.includes(`-j ${chain('KUBE-EXT', 'default/web:http')}`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`-A ${chain('KUBE-EXT', 'default/web:http')}`) && l.includes('KUBE-MARK-MASQ'))).toBe(true);
    const [dnat, masq] = natHops(t.hops);
    expect(dnat).toMatchObject({ node: 'k8s-w1', detail: { target: 'DNAT' }, packet: { src: client, dport: 80 } });
    // The endpoint is behind tunl0: MASQUERADE picks tunl0's own address (the Calico IPIP tunnel address).
    expect(masq).toMatchObject({ node: 'k8s-w1', iface: 'tunl0', detail: { target: 'MASQUERADE' } });
    expect(masq!.packet.src).toBe(w1.ipipTunnelAddr);
    expect(masq!.detail.rule).toContain('KUBE-POSTROUTING');
    expect(t.delivered?.observedSource).toBe(w1.ipipTunnelAddr);
    // The reply returns to k8s-w1 (the SNAT address is its own), is un-NATed and leaves to the client.
    expect(t.reply?.hops.find((h) => h.kind === 'decap')?.node).toBe('k8s-w1');
    expect(t.reply?.delivered).toMatchObject({ ip: client, observedSource: w1.ip, port: t.hops[0]!.packet.sport });
  });

  it('externalTrafficPolicy Local, node with the endpoint: KUBE-SVL, no masquerade, client IP kept', () => {
    const m = preset('nodeport-local.yaml');
    const w2 = m.cluster.nodes.find((n) => n.name === 'k8s-w2')!;
    const t = trace(m, { from: `external/${client}`, to: `${w2.ip}:30080`, proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    expect(ruleLines(t.hops).some((l) => l.includes(`-j ${chain('KUBE-SVL', 'default/web:http')}`))).toBe(true);
    expect(natHops(t.hops).map((h) => h.detail.target)).toEqual(['DNAT']);
    expect(t.delivered?.observedSource).toBe(client);
    expect(t.hops.filter((h) => h.node !== null).every((h) => h.node === 'k8s-w2')).toBe(true);
  });

  it('externalTrafficPolicy Local, node without an endpoint: the packet is dropped there', () => {
    const m = preset('nodeport-local.yaml');
    const w1 = m.cluster.nodes.find((n) => n.name === 'k8s-w1')!;
    const t = trace(m, { from: `external/${client}`, to: `${w1.ip}:30080`, proto: 'tcp' });
    expect(t.verdict).toBe('dropped');
    expect(t.hops.some((h) => h.kind === 'nat')).toBe(false);
    expect(t.delivered).toBeUndefined();
  });
});

describe('scenario 6: LoadBalancer IP', () => {
  it('lands on a node, matches the LB rule in KUBE-SERVICES, KUBE-EXT masquerades; the reply comes from the LB IP', () => {
    const m = preset('loadbalancer.yaml');
    const lb = '192.168.10.240';
    const t = trace(m, { from: 'external/203.0.113.50', to: `${lb}:80`, proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    const entry = t.hops.find((h) => h.node !== null)!.node!;
    const node = m.cluster.nodes.find((n) => n.name === entry)!;
    const lines = ruleLines(t.hops);
    expect(lines.some((l) => l.startsWith('-A KUBE-SERVICES') && l.includes(`-d ${lb}/32`) && l.includes(`-j ${chain('KUBE-EXT', 'default/web:http')}`))).toBe(true);
    const [dnat, masq] = natHops(t.hops);
    expect(dnat!.packet.dport).toBe(80);
    // k8s-w1 has no web pod (they run on k8s-w2): the SNAT source is k8s-w1's tunl0 address.
    expect(entry).toBe('k8s-w1');
    expect(masq!.packet.src).toBe(node.ipipTunnelAddr);
    expect(t.reply?.delivered).toMatchObject({ ip: '203.0.113.50', observedSource: lb, port: t.hops[0]!.packet.sport });
  });
});
