/**
 * Scenarios 1-3 on every CNI: each expectation comes from how the kernel and the CNI move the
 * packet (written next to it), and from the cluster model (the walker's input), never from a trace.
 */
import { readFileSync } from 'node:fs';
import { sha1 } from '@noble/hashes/legacy.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
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
const pod = (m: EngineModel, name: string) => m.cluster.pods.find((p) => p.namespace === 'default' && p.name === name)!;
const node = (m: EngineModel, name: string) => m.cluster.nodes.find((n) => n.name === name)!;
/** Calico's host-side veth: `cali` + 11 hex of SHA-1("<namespace>.<pod>") (DESIGN §4). */
const caliName = (podName: string) => `cali${bytesToHex(sha1(utf8ToBytes(`default.${podName}`))).slice(0, 11)}`;
const kinds = (hops: Hop[]) => hops.map((h) => h.kind);
const last = (hops: Hop[]) => hops[hops.length - 1]!;
const req: TraceRequest = { from: 'pod/default/client', to: 'pod/default/server', proto: 'tcp', port: 80 };

describe('scenario 1: containers of one pod over localhost', () => {
  it('never leaves lo: a local route, then the socket; the peer is 127.0.0.1', () => {
    const m = preset('localhost.yaml');
    const t = trace(m, { from: 'pod/default/web', to: '127.0.0.1:80', proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    // 127.0.0.0/8 is a `local` route on lo in every netns; no veth, no host netns involved.
    expect(t.hops.every((h) => h.netns === 'pod:default/web')).toBe(true);
    expect(kinds(t.hops)).toEqual(['route', 'deliver']);
    expect(t.hops[0]!.iface).toBe('lo');
    expect(t.delivered).toEqual({ pod: 'default/web', ip: '127.0.0.1', port: 80, observedSource: '127.0.0.1' });
    expect(t.reply?.delivered?.observedSource).toBe('127.0.0.1');
  });
});

describe('local routes choose their prefsrc', () => {
  it('127.0.0.5: the 127.0.0.0/8 local route has src 127.0.0.1, so the socket sees 127.0.0.1, not the destination', () => {
    // ip_route_output_key_hash: for an RTN_LOCAL result with no source, saddr = fib_prefsrc, else
    // daddr; the kernel's lo route is `local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1`
    // (`ip route get 127.0.0.5` answers `local 127.0.0.5 dev lo src 127.0.0.1`).
    const m = preset('localhost.yaml');
    const t = trace(m, { from: 'pod/default/web', to: '127.0.0.5:80', proto: 'tcp' });
    expect(t.hops[0]).toMatchObject({ kind: 'route', iface: 'lo', detail: { route: 'local 127.0.0.0/8 dev lo proto kernel scope host src 127.0.0.1' } });
    expect(t.delivered).toMatchObject({ ip: '127.0.0.5', observedSource: '127.0.0.1' });
  });
});

describe('Calico', () => {
  it('same node: proxy ARP for 169.254.1.1, one routed hop in the host, no NAT', () => {
    const m = preset('same-node-calico.yaml');
    const client = pod(m, 'client');
    const server = pod(m, 'server');
    const t = trace(m, req);
    expect(t.verdict).toBe('delivered');
    // The pod's only routes are 169.254.1.1 scope link and default via it (Calico CNI).
    expect(t.hops[0]).toMatchObject({ kind: 'route', netns: 'pod:default/client', iface: 'eth0', detail: { route: 'default via 169.254.1.1 dev eth0' } });
    // Nobody owns 169.254.1.1: the host end answers by proxy_arp with Calico's fixed MAC.
    expect(t.hops[1]).toMatchObject({ kind: 'arp', detail: { neighbour: expect.stringContaining('169.254.1.1 dev eth0 lladdr ee:ee:ee:ee:ee:ee') } });
    expect(t.hops[2]).toMatchObject({ kind: 'wire', netns: 'host', iface: caliName('client') });
    // The host routes the server's /32 out of its cali interface: `<podIP> dev caliX scope link`.
    const hostRoute = t.hops.find((h) => h.kind === 'route' && h.netns === 'host')!;
    expect(hostRoute.detail.route).toBe(`${server.ip} dev ${caliName('server')} scope link`);
    expect(t.hops.some((h) => h.kind === 'nat' || h.kind === 'encap')).toBe(false);
    const inServer = t.hops.filter((h) => h.netns === 'pod:default/server');
    expect(inServer[0]).toMatchObject({ kind: 'wire', iface: 'eth0' });
    // One forwarding hop (the host): TTL 64 → 63.
    expect(last(t.hops)).toMatchObject({ kind: 'deliver', packet: { ttl: 63, src: client.ip, dst: server.ip } });
    expect(t.delivered).toEqual({ pod: 'default/server', ip: server.ip, port: 80, observedSource: client.ip });
    expect(t.reply).toMatchObject({ verdict: 'delivered', delivered: { pod: 'default/client', observedSource: server.ip } });
  });

  it('IPIP: tunl0 wraps the packet (protocol 4, outer TTL inherited) node to node', () => {
    const m = preset('cross-node-calico-ipip.yaml');
    const [client, server, w1, w2] = [pod(m, 'client'), pod(m, 'server'), node(m, 'k8s-w1'), node(m, 'k8s-w2')];
    const t = trace(m, req);
    expect(t.verdict).toBe('delivered');
    const block = m.cluster.calicoBlocks.find((b) => b.node === 'k8s-w2')!.cidr;
    // Remote blocks: `<block> via <nodeIP> dev tunl0 proto bird onlink`; forwarding makes TTL 63.
    const route = t.hops.find((h) => h.kind === 'route' && h.node === 'k8s-w1' && h.netns === 'host')!;
    expect(route.detail.route).toBe(`${block} via ${w2.ip} dev tunl0 proto bird onlink`);
    const encap = t.hops.find((h) => h.kind === 'encap')!;
    expect(encap).toMatchObject({ node: 'k8s-w1', iface: 'tunl0' });
    // tunl0 is `ttl inherit`: the outer TTL copies the inner TTL after forwarding (63).
    expect(encap.packet.outer).toEqual({ src: w1.ip, dst: w2.ip, proto: 'ipip', ttl: 63 });
    expect(encap.packet).toMatchObject({ src: client.ip, dst: server.ip, ttl: 63 });
    expect(t.hops.find((h) => h.kind === 'wire' && h.netns === 'wire')!.packet.outer?.dst).toBe(w2.ip);
    const decap = t.hops.find((h) => h.kind === 'decap')!;
    expect(decap).toMatchObject({ node: 'k8s-w2', iface: 'tunl0' });
    expect(decap.packet.outer).toBeUndefined();
    // Two forwarding hops (w1, w2): 62 at the socket.
    expect(last(t.hops)).toMatchObject({ kind: 'deliver', netns: 'pod:default/server', packet: { ttl: 62 } });
    expect(t.delivered?.observedSource).toBe(client.ip);
    // The reply goes back through k8s-w2's tunl0 to k8s-w1.
    expect(t.reply?.hops.find((h) => h.kind === 'encap')?.packet.outer).toMatchObject({ src: w2.ip, dst: w1.ip, proto: 'ipip' });
    // The outer header is a packet of its own to netfilter: Felix lets IPIP out to, and in from,
    // the other Calico hosts (cali-OUTPUT / cali-INPUT `-p ipencap ... cali40all-hosts-net`).
    const outerRules = (path: typeof t.hops, node: string, chain: string) =>
      path.filter((h) => h.kind === 'netfilter' && h.packet.outer && h.node === node && h.detail.chain === chain).map((h) => h.detail.rule ?? '');
    expect(outerRules(t.hops, 'k8s-w2', 'INPUT').join('\n')).toContain('Allow IPIP packets from Calico hosts');
    expect(outerRules(t.reply!.hops, 'k8s-w2', 'OUTPUT').join('\n')).toContain('Allow IPIP packets to other Calico hosts');
    // IPIP is tracked by addresses alone: the reply's outer packet is the reply of that flow, so
    // the nat table (first packets only) sees the request's outer packet, not the reply's.
    const natOuter = (path: typeof t.hops) => path.filter((h) => h.kind === 'netfilter' && h.packet.outer && h.detail.table === 'nat').length;
    expect(natOuter(t.hops)).toBeGreaterThan(0);
    expect(natOuter(t.reply!.hops)).toBe(0);
  });

  it('VXLAN: an unallocated address of a remote block crosses vxlan.calico, then hits that node\'s Felix blackhole (proto 80)', () => {
    const m = preset('cross-node-calico-vxlan.yaml');
    const w2 = node(m, 'k8s-w2');
    const block = w2.calicoBlocks[0]!;
    const [a, b, c, d] = block.replace(/\/\d+$/, '').split('.').map(Number) as [number, number, number, number];
    const unallocated = `${a}.${b}.${c}.${d + 60}`;
    expect(m.cluster.pods.some((p) => p.ip === unallocated)).toBe(false);
    const t = trace(m, { from: 'pod/default/client', to: `${unallocated}:80`, proto: 'tcp' });
    // Felix (VXLAN mode) owns its routes with protocol number 80, which has no name in iproute2's
    // rt_protos, so `ip route` prints the number: `blackhole <block> proto 80`; the remote block's
    // route is `<block> via <remote vxlan.calico address> dev vxlan.calico onlink`.
    const w1Route = t.hops.find((h) => h.kind === 'route' && h.node === 'k8s-w1' && h.netns === 'host')!;
    expect(w1Route.detail.route).toBe(`${block} via ${w2.vxlanTunnelAddr!} dev vxlan.calico onlink`);
    expect(t.verdict).toBe('unroutable');
    expect(last(t.hops)).toMatchObject({ kind: 'drop', node: 'k8s-w2', netns: 'host', detail: { route: `blackhole ${block} proto 80` } });
  });

  it('VXLAN: vxlan.calico sends UDP 4789, VNI 4096, outer TTL 64', () => {
    const m = preset('cross-node-calico-vxlan.yaml');
    const [client, w1, w2] = [pod(m, 'client'), node(m, 'k8s-w1'), node(m, 'k8s-w2')];
    const t = trace(m, req);
    expect(t.verdict).toBe('delivered');
    const route = t.hops.find((h) => h.kind === 'route' && h.node === 'k8s-w1' && h.netns === 'host')!;
    // Calico VXLAN routes: `<block> via <remote vxlan.calico address> dev vxlan.calico onlink`.
    expect(route.detail.route).toMatch(new RegExp(`via ${w2.vxlanTunnelAddr!.replace(/\./g, '\\.')} dev vxlan\\.calico onlink$`));
    // The permanent neighbour entry gives the VTEP MAC; the FDB maps it to the node address.
    expect(t.hops.find((h) => h.kind === 'arp' && h.iface === 'vxlan.calico')?.detail.lines?.[0]).toContain(`dst ${w2.ip}`);
    const encap = t.hops.find((h) => h.kind === 'encap')!;
    expect(encap.iface).toBe('vxlan.calico');
    expect(encap.packet.outer).toMatchObject({ src: w1.ip, dst: w2.ip, proto: 'udp', dport: 4789, vni: 4096, ttl: 64 });
    expect(encap.packet.outer!.sport).toBeGreaterThanOrEqual(32768);
    expect(encap.packet.outer!.sport).toBeLessThanOrEqual(60999);
    expect(t.hops.find((h) => h.kind === 'decap')).toMatchObject({ node: 'k8s-w2', iface: 'vxlan.calico' });
    expect(last(t.hops)).toMatchObject({ kind: 'deliver', packet: { ttl: 62 } });
    expect(t.delivered?.observedSource).toBe(client.ip);
    // The outer UDP packet is sent and received like any local datagram: OUTPUT/POSTROUTING on
    // k8s-w1, PREROUTING/INPUT on k8s-w2, where Felix accepts VXLAN from the other hosts. It
    // inherits the inner packet's skb mark, so cali-OUTPUT accepts it on Felix's accept bit.
    const outer = t.hops.filter((h) => h.kind === 'netfilter' && h.packet.outer);
    expect(outer.filter((h) => h.node === 'k8s-w1').map((h) => h.detail.chain)).toEqual(expect.arrayContaining(['OUTPUT', 'POSTROUTING']));
    expect(outer.filter((h) => h.node === 'k8s-w2').map((h) => h.detail.chain)).toEqual(expect.arrayContaining(['PREROUTING', 'INPUT']));
    expect(outer.find((h) => h.node === 'k8s-w1' && h.detail.table === 'filter')?.detail.rule).toMatch(/cali-OUTPUT .*-m mark --mark 0x10000\/0x10000 -j ACCEPT/);
    expect(outer.find((h) => h.node === 'k8s-w2' && h.detail.table === 'filter')?.detail.rule).toContain('Allow IPv4 VXLAN packets from allowed hosts');
  });

  it('no encapsulation: routed via the other node on eth0, no outer header', () => {
    const m = preset('cross-node-calico-none.yaml');
    const w2 = node(m, 'k8s-w2');
    const t = trace(m, req);
    const block = m.cluster.calicoBlocks.find((b) => b.node === 'k8s-w2')!.cidr;
    const route = t.hops.find((h) => h.kind === 'route' && h.node === 'k8s-w1' && h.netns === 'host')!;
    expect(route.detail.route).toBe(`${block} via ${w2.ip} dev eth0 proto bird`);
    expect(t.hops.some((h) => h.kind === 'encap' || h.packet.outer)).toBe(false);
    expect(t.hops.find((h) => h.kind === 'wire' && h.netns === 'wire')).toBeDefined();
    // k8s-w2 receives the inner packet itself on eth0.
    const atW2 = t.hops.find((h) => h.node === 'k8s-w2')!;
    expect(atW2.iface).toBe('eth0');
    expect(last(t.hops)).toMatchObject({ kind: 'deliver', packet: { ttl: 62 } });
  });
});

describe('Flannel', () => {
  it('same node: cni0 bridges the frame between the two veths; not routed, TTL unchanged', () => {
    const m = preset('same-node-flannel.yaml');
    const [client, server] = [pod(m, 'client'), pod(m, 'server')];
    const t = trace(m, req);
    expect(t.verdict).toBe('delivered');
    // Both pods are in the node's /24 on cni0: the client ARPs for the server directly.
    expect(t.hops[0]!.detail.route).toMatch(/^10\.244\.\d+\.0\/24 dev eth0/);
    const serverNs = m.dataplane.nodes['k8s-w1']!.pods['default/server']!;
    const serverMac = serverNs.interfaces.find((i) => i.name === 'eth0')!.mac;
    expect(t.hops[1]!.detail.neighbour).toContain(serverMac);
    expect(t.hops.find((h) => h.kind === 'bridge')).toMatchObject({ iface: 'cni0', netns: 'host' });
    // The inner packet is bridged, never routed; only the outer header is (a local UDP packet).
    expect(t.hops.some((h) => h.kind === 'route' && h.netns === 'host' && !h.packet.outer)).toBe(false);
    // br_netfilter: the bridged frame still passes iptables FORWARD on cni0.
    expect(t.hops.some((h) => h.kind === 'netfilter' && h.detail.chain === 'FORWARD' && h.iface === 'cni0')).toBe(true);
    expect(last(t.hops)).toMatchObject({ kind: 'deliver', packet: { ttl: 64 } });
    expect(t.delivered?.observedSource).toBe(client.ip);
    expect(t.delivered?.ip).toBe(server.ip);
  });

  it('cross node: cni0 → flannel.1, UDP 8472 VNI 1 to the remote VTEP, cni0 on the far side', () => {
    const m = preset('cross-node-flannel.yaml');
    const [client, w1, w2] = [pod(m, 'client'), node(m, 'k8s-w1'), node(m, 'k8s-w2')];
    const t = trace(m, req);
    expect(t.verdict).toBe('delivered');
    // The pod's gateway is cni0's .1: the bridge takes the frame up to the host stack.
    const gw = m.dataplane.nodes['k8s-w1']!.host.interfaces.find((i) => i.name === 'cni0')!;
    expect(t.hops.find((h) => h.kind === 'bridge')!.detail.neighbour).toContain(gw.mac);
    const sub2 = w2.podCIDR!;
    const route = t.hops.find((h) => h.kind === 'route' && h.node === 'k8s-w1' && h.netns === 'host')!;
    // flanneld: `<remote /24> via <remote subnet>.0 dev flannel.1 onlink`.
    expect(route.detail.route).toBe(`${sub2} via ${sub2.replace(/\/24$/, '')} dev flannel.1 onlink`);
    const encap = t.hops.find((h) => h.kind === 'encap')!;
    expect(encap.packet.outer).toMatchObject({ src: w1.ip, dst: w2.ip, proto: 'udp', dport: 8472, vni: 1, ttl: 64 });
    expect(t.hops.find((h) => h.kind === 'decap')).toMatchObject({ node: 'k8s-w2', iface: 'flannel.1' });
    expect(t.hops.filter((h) => h.kind === 'bridge' && h.node === 'k8s-w2')[0]?.iface).toBe('cni0');
    expect(last(t.hops)).toMatchObject({ kind: 'deliver', packet: { ttl: 62 } });
    expect(t.delivered?.observedSource).toBe(client.ip);
  });
});

describe('Weave', () => {
  it('cross node: one L2 network; fast datapath VXLAN on UDP 6784, no routed hop, TTL 64', () => {
    const m = preset('cross-node-weave.yaml');
    const [client, server, w1, w2] = [pod(m, 'client'), pod(m, 'server'), node(m, 'k8s-w1'), node(m, 'k8s-w2')];
    const t = trace(m, req);
    expect(t.verdict).toBe('delivered');
    // Weave pods share 10.32.0.0/12 on eth0: ARP for the peer pod, answered across the mesh.
    expect(t.hops[0]!.detail.route).toMatch(/^10\.32\.0\.0\/12 dev eth0/);
    const serverMac = m.dataplane.nodes['k8s-w2']!.pods['default/server']!.interfaces.find((i) => i.name === 'eth0')!.mac;
    expect(t.hops[1]!.detail.neighbour).toContain(serverMac);
    expect(t.hops[2]!.iface).toMatch(/^vethwepl/);
    const encap = t.hops.find((h) => h.kind === 'encap')!;
    expect(encap).toMatchObject({ node: 'k8s-w1', iface: 'vxlan-6784' });
    expect(encap.packet.outer).toMatchObject({ src: w1.ip, dst: w2.ip, proto: 'udp', dport: 6784 });
    // The inner packet is bridged, never routed; only the outer header is (a local UDP packet).
    expect(t.hops.some((h) => h.kind === 'route' && h.netns === 'host' && !h.packet.outer)).toBe(false);
    expect(last(t.hops)).toMatchObject({ kind: 'deliver', packet: { ttl: 64, src: client.ip, dst: server.ip } });
  });
});
