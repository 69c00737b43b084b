/**
 * The same scenarios on every CNI they apply to: same-node pod → pod, pod → ClusterIP,
 * external → NodePort on a node without the endpoint, and pod → outside. What changes per CNI is
 * the device towards the remote pod (and so the address MASQUERADE picks: the device's own address
 * for that next hop) and the rule that masquerades egress.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, runTrace, type EngineModel } from '../index';
import type { Trace, TraceRequest } from './types';

/**
 * `masqAcrossNodes`: the bridge plugin's ipMasq chain masquerades everything that leaves the node's
 * own pod subnet (`-d <subnet> -j ACCEPT`, then `! -d 224.0.0.0/4 -j MASQUERADE`), pods included.
 */
type Variant = {
  name: string;
  cni: string;
  encap?: string;
  podCIDR: string;
  egressChain: RegExp;
  towardsRemote: string;
  masqAcrossNodes?: boolean;
  /** The node's pods share this bridge, so a same-node reply is bridged, not routed. */
  bridge?: string;
};

const VARIANTS: Variant[] = [
  { name: 'Calico IPIP', cni: 'calico', encap: 'IPIP', podCIDR: '172.16.0.0/16', egressChain: /cali-nat-outgoing/, towardsRemote: 'tunl0' },
  { name: 'Calico VXLAN', cni: 'calico', encap: 'VXLAN', podCIDR: '172.16.0.0/16', egressChain: /cali-nat-outgoing/, towardsRemote: 'vxlan.calico' },
  { name: 'Calico no encapsulation', cni: 'calico', encap: 'None', podCIDR: '172.16.0.0/16', egressChain: /cali-nat-outgoing/, towardsRemote: 'eth0' },
  { name: 'Flannel VXLAN', cni: 'flannel', podCIDR: '10.244.0.0/16', egressChain: /FLANNEL-POSTRTG/, towardsRemote: 'flannel.1', bridge: 'cni0' },
  { name: 'Weave', cni: 'weave', podCIDR: '10.32.0.0/12', egressChain: /WEAVE/, towardsRemote: 'weave', bridge: 'weave' },
  { name: 'bridge plugin', cni: 'bridge', podCIDR: '172.16.0.0/16', egressChain: /CNI-/, towardsRemote: 'eth0', masqAcrossNodes: true, bridge: 'cni0' },
];

function manifests(v: Variant): string {
  const calico = v.encap ? `\n  calico: { encapsulation: ${v.encap}, blockSize: 26, natOutgoing: true }` : '';
  const pod = (name: string, node: string, app: string, port: number) => `---
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: default, labels: { app: ${app} } }
spec:
  nodeName: ${node}
  containers: [{ name: main, image: nginx:1.27, ports: [{ name: http, containerPort: ${port} }] }]`;
  return `apiVersion: packetwalk.dev/v1alpha1
kind: Cluster
metadata: { name: t }
spec:
  cni: ${v.cni}${calico}
  podCIDR: ${v.podCIDR}
  kubeProxy: { mode: iptables, clusterCIDR: ${v.podCIDR} }
  nodes:
    - { name: k8s-m,  ip: 192.168.10.10,  role: control-plane }
    - { name: k8s-w1, ip: 192.168.10.101 }
    - { name: k8s-w2, ip: 192.168.10.102 }
${pod('client', 'k8s-w1', 'client', 8080)}
${pod('neighbour', 'k8s-w1', 'neighbour', 80)}
${pod('web-0', 'k8s-w2', 'web', 80)}
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  type: NodePort
  selector: { app: web }
  ports: [{ name: http, port: 80, targetPort: http, nodePort: 30080 }]
---
apiVersion: v1
kind: Service
metadata: { name: nb, namespace: default }
spec:
  selector: { app: neighbour }
  ports: [{ name: http, port: 80, targetPort: http }]
`;
}

function trace(m: EngineModel, req: TraceRequest): Trace {
  const t = runTrace(m, req);
  if ('error' in t) throw new Error(t.error);
  return t;
}

describe.each(VARIANTS)('$name', (v) => {
  const m = buildModel(manifests(v));
  const ip = (name: string) => m.cluster.pods.find((p) => p.name === name)!.ip;
  const w1 = m.cluster.nodes.find((n) => n.name === 'k8s-w1')!;
  const svc = m.cluster.services.find((s) => s.name === 'web')!;

  it('builds without errors', () => {
    expect(m.problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('same node pod → pod: delivered with the client address', () => {
    const t = trace(m, { from: 'pod/default/client', to: 'pod/default/neighbour', proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    expect(t.hops.every((h) => h.node === 'k8s-w1')).toBe(true);
    expect(t.delivered).toMatchObject({ ip: ip('neighbour'), port: 80, observedSource: ip('client') });
  });

  it('pod → ClusterIP: DNAT to the endpoint on the client node, SNAT only where the CNI masquerades', () => {
    const t = trace(m, { from: 'pod/default/client', to: 'svc/default/web', proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    const nat = t.hops.filter((h) => h.kind === 'nat');
    if (v.masqAcrossNodes) {
      expect(nat.map((h) => [h.node, h.detail.target])).toEqual([['k8s-w1', 'DNAT'], ['k8s-w1', 'MASQUERADE']]);
      expect(t.delivered).toMatchObject({ ip: ip('web-0'), port: 80, observedSource: w1.ip });
    } else {
      expect(nat.map((h) => [h.node, h.detail.target])).toEqual([['k8s-w1', 'DNAT']]);
      expect(t.delivered).toMatchObject({ ip: ip('web-0'), port: 80, observedSource: ip('client') });
    }
    expect(t.reply?.delivered?.observedSource).toBe(svc.clusterIP);
    if (v.cni === 'weave') {
      // The DNATed frame is bridged out to the datapath port (bridged DNAT): the kernel counts this
      // rule in the Weave lab, and the routed WEAVE-NPC-DEFAULT path not at all.
      const lines = t.hops.filter((h) => h.kind === 'netfilter' && h.detail.chain === 'FORWARD').flatMap((h) => h.detail.lines ?? []);
      expect(lines).toContain('-A WEAVE-NPC -m physdev --physdev-out vethwe-bridge --physdev-is-bridged -j ACCEPT');
    }
  });

  it('pod → ClusterIP with the endpoint on the same node: the reply is un-DNATed, bridged or routed', () => {
    const nb = m.cluster.services.find((x) => x.name === 'nb')!;
    const t = trace(m, { from: 'pod/default/client', to: 'svc/default/nb', proto: 'tcp' });
    expect(t.delivered).toMatchObject({ ip: ip('neighbour'), observedSource: ip('client') });
    const dnat = t.hops.findIndex((h) => h.kind === 'nat' && h.detail.target === 'DNAT');
    const hostAfter = t.hops.slice(dnat + 1).filter((h) => h.netns === 'host');
    if (v.bridge) {
      // br_netfilter's bridged DNAT: the endpoint hangs off the same bridge, so the frame is bridged
      // back out, not routed (kernel: the pod receives TTL 64, FORWARD counts --physdev-is-bridged).
      expect(hostAfter[0]).toMatchObject({ kind: 'bridge', iface: v.bridge });
      expect(hostAfter.some((h) => h.kind === 'route')).toBe(false);
      expect(t.hops[t.hops.length - 1]!.packet.ttl).toBe(64);
    } else {
      expect(t.hops[t.hops.length - 1]!.packet.ttl).toBe(63);
    }
    // On a bridge the reply goes pod → pod at L2; only br_netfilter's conntrack pass on the bridge
    // restores the cluster IP as its source (why kube-proxy needs bridge-nf-call-iptables=1).
    const unDnat = t.reply!.hops.find((h) => h.kind === 'conntrack' && h.packet.src === nb.clusterIP)!;
    if (v.bridge) {
      expect(unDnat.iface).toBe(v.bridge);
      expect(t.reply!.hops.some((h) => h.kind === 'route' && h.netns === 'host')).toBe(false);
    }
    expect(t.reply?.delivered).toMatchObject({ pod: 'default/client', observedSource: nb.clusterIP });
  });

  it('external → NodePort on a node without the endpoint: MASQUERADE to the address of the device towards the pod', () => {
    const t = trace(m, { from: 'external/203.0.113.50', to: `${w1.ip}:30080`, proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    const dev = m.dataplane.nodes['k8s-w1']!.host.interfaces.find((i) => i.name === v.towardsRemote)!;
    const expected = dev.addresses.find((a) => a.scope === 'global')!.ip;
    const masq = t.hops.find((h) => h.kind === 'nat' && h.detail.target === 'MASQUERADE')!;
    expect(masq.iface).toBe(v.towardsRemote);
    expect(t.delivered?.observedSource).toBe(expected);
    expect(t.reply?.delivered).toMatchObject({ ip: '203.0.113.50', observedSource: w1.ip });
  });

  it('pod → outside: the CNI masquerades to the node address', () => {
    const t = trace(m, { from: 'pod/default/client', to: '198.51.100.7:443', proto: 'tcp' });
    expect(t.verdict).toBe('delivered');
    const masq = t.hops.find((h) => h.kind === 'nat')!;
    expect(masq.detail.rule).toMatch(v.egressChain);
    expect(t.delivered?.observedSource).toBe(w1.ip);
    expect(t.reply?.delivered).toMatchObject({ ip: ip('client'), observedSource: '198.51.100.7' });
  });

  it('DNS: the lookup reaches CoreDNS through the kube-dns DNAT; an outside name is forwarded and masqueraded', () => {
    const inZone = trace(m, { from: 'pod/default/client', to: 'dns:web', proto: 'tcp' });
    expect(inZone.dns?.[0]).toMatchObject({ name: 'web.default.svc.cluster.local', type: 'A', answers: [svc.clusterIP] });
    expect(inZone.verdict).toBe('delivered');
    const outside = trace(m, { from: 'pod/default/client', to: 'dns:example.com', proto: 'tcp', port: 443 });
    const upstream = m.cluster.settings.upstreamDNS[0]!;
    const fwd = outside.hops.find((h) => h.kind === 'route' && h.packet.dst === upstream)!;
    expect(fwd.netns).toMatch(/^pod:kube-system\/coredns-/);
    const masq = outside.hops.find((h) => h.kind === 'nat' && h.detail.target === 'MASQUERADE' && h.packet.dst === upstream)!;
    expect(masq.detail.rule).toMatch(v.egressChain);
    expect(masq.packet.src).toBe(m.cluster.nodes.find((n) => n.name === fwd.node)!.ip);
  });
});
