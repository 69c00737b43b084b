/**
 * A trace of real exported state (fixtures/exported-calico.yaml: a `kind: List` as kubectl prints
 * it, with Calico node annotations, an IPPool and BlockAffinity objects, no cluster profile) must use
 * that cluster's own addresses and names: pod IPs from status.podIP, tunl0 addresses from the
 * annotations, blocks from the affinities, cali names from the real pod names.
 */
import { readFileSync } from 'node:fs';
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { base32 } from '@scure/base';
import { describe, expect, it } from 'vitest';
import { buildModel, runTrace } from '../index';
import type { Trace, TraceRequest } from './types';

const m = buildModel(readFileSync(new URL('./fixtures/exported-calico.yaml', import.meta.url), 'utf8'));
function trace(req: TraceRequest): Trace {
  const t = runTrace(m, req);
  if ('error' in t) throw new Error(t.error);
  return t;
}
const cali = (ns: string, pod: string) => `cali${bytesToHex(sha1(utf8ToBytes(`${ns}.${pod}`))).slice(0, 11)}`;
const hash = (s: string) => base32.encode(sha256(utf8ToBytes(s))).slice(0, 16);
const storefront = 'pod/shop/storefront-66f7c9b5d8-lq4nb';

describe('exported Calico cluster', () => {
  it('reads the objects without errors', () => {
    expect(m.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(m.cluster.nodes.map((n) => [n.name, n.ip, n.ipipTunnelAddr])).toEqual([
      ['cp-1', '10.0.1.10', '192.168.28.0'],
      ['worker-1', '10.0.1.21', '192.168.171.64'],
      ['worker-2', '10.0.1.22', '192.168.49.128'],
    ]);
  });

  it('pod → pod across nodes uses the real pod IPs, cali names, block route and node addresses', () => {
    const t = trace({ from: storefront, to: '192.168.49.132:8080', proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    expect(t.hops[0]!.packet.src).toBe('192.168.171.68');
    expect(t.hops.find((h) => h.kind === 'wire' && h.netns === 'host')!.iface).toBe(cali('shop', 'storefront-66f7c9b5d8-lq4nb'));
    // worker-2's affine block, reached through tunl0 with onlink to its node address.
    expect(t.hops.find((h) => h.kind === 'route' && h.node === 'worker-1' && h.netns === 'host')!.detail.route).toBe(
      '192.168.49.128/26 via 10.0.1.22 dev tunl0 proto bird onlink',
    );
    expect(t.hops.find((h) => h.kind === 'encap')!.packet.outer).toMatchObject({ src: '10.0.1.21', dst: '10.0.1.22', proto: 'ipip' });
    // The last host hop on worker-2 leaves through the cart pod's cali interface.
    const toPod = t.hops.filter((h) => h.node === 'worker-2' && h.netns === 'host').pop()!;
    expect(toPod.iface).toBe(cali('shop', 'cart-5c9b8d6f7d-w7tqm'));
    expect(t.delivered).toEqual({ pod: 'shop/cart-5c9b8d6f7d-w7tqm', ip: '192.168.49.132', port: 8080, observedSource: '192.168.171.68' });
  });

  it('pod → ClusterIP DNATs by the real chains to the forced endpoint; the reply comes from the cluster IP', () => {
    const t = trace({ from: storefront, to: 'svc/shop/cart', proto: 'tcp', pick: '192.168.49.132' });
    const dnat = t.hops.find((h) => h.kind === 'nat' && h.detail.target === 'DNAT')!;
    expect(dnat.packet).toMatchObject({ dst: '192.168.49.132', dport: 8080 });
    expect(dnat.detail.chain).toBe(`KUBE-SEP-${hash('shop/cart:httptcp192.168.49.132:8080')}`);
    const lines = t.hops.flatMap((h) => h.detail.lines ?? []);
    expect(lines.some((l) => l.includes('-d 10.103.84.17/32') && l.includes(`-j KUBE-SVC-${hash('shop/cart:httptcp')}`))).toBe(true);
    expect(t.delivered?.pod).toBe('shop/cart-5c9b8d6f7d-w7tqm');
    // The source is inside the cluster CIDR (the IPPool, with no profile): kube-proxy's local
    // detector does not mark it, and the pool is not NATed towards itself, so the pod sees the client.
    expect(m.cluster.settings.kubeProxy.clusterCIDR).toBe('192.168.0.0/16');
    expect(lines.some((l) => l.includes('-j KUBE-MARK-MASQ'))).toBe(false);
    expect(t.delivered?.observedSource).toBe('192.168.171.68');
    expect(t.reply?.delivered).toMatchObject({ pod: 'shop/storefront-66f7c9b5d8-lq4nb', observedSource: '10.103.84.17' });
  });

  it('external → NodePort on the node without the endpoint masquerades to its annotated tunl0 address', () => {
    const t = trace({ from: 'external/198.51.100.20', to: '10.0.1.22:31380', proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    const lines = t.hops.flatMap((h) => h.detail.lines ?? []);
    expect(lines.some((l) => l.includes(`-j KUBE-EXT-${hash('shop/storefront:httptcp')}`))).toBe(true);
    const masq = t.hops.find((h) => h.kind === 'nat' && h.detail.target === 'MASQUERADE')!;
    expect(masq).toMatchObject({ node: 'worker-2', iface: 'tunl0', packet: { src: '192.168.49.128', dst: '192.168.171.68', dport: 3000 } });
    expect(t.delivered).toMatchObject({ pod: 'shop/storefront-66f7c9b5d8-lq4nb', observedSource: '192.168.49.128' });
    expect(t.reply?.delivered).toMatchObject({ ip: '198.51.100.20', observedSource: '10.0.1.22' });
  });

  it('DNS from the storefront resolves cart.shop.svc.cluster.local through a real CoreDNS pod', () => {
    const t = trace({ from: storefront, to: 'dns:cart', proto: 'tcp', port: 80 });
    expect(t.dns?.[0]).toMatchObject({ name: 'cart.shop.svc.cluster.local', type: 'A', rcode: 'NOERROR', answers: ['10.103.84.17'] });
    const dnat = t.hops.find((h) => h.kind === 'nat')!;
    expect(['192.168.171.66', '192.168.49.131']).toContain(dnat.packet.dst);
    expect(t.verdict).toBe('delivered');
  });
});
