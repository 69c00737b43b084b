/**
 * Behaviours of syncProxyRules beyond the golden: traffic policies, firewalls, the profile flags,
 * endpoint conditions and large-cluster mode. Each expectation follows proxier.go / topology.go.
 */
import { describe, expect, it } from 'vitest';
import { serviceChainName, endpointChainName } from './names';
import { kubeProxyRestoreText } from './restore';
import { cluster, ep, node, port, service } from './test-clusters';

const N1 = 'n1';
const N2 = 'n2';
const nodes = [node(N1, '192.168.0.2'), node(N2, '192.168.0.3')];
const svc = (name: string) => serviceChainName('KUBE-SVC-', `ns/${name}:p`, 'tcp');
const svl = (name: string) => serviceChainName('KUBE-SVL-', `ns/${name}:p`, 'tcp');

function lines(text: string): string[] {
  return text.split('\n');
}

describe('internalTrafficPolicy: Local', () => {
  const c = cluster(nodes, [
    service('ns', 'itp', '172.30.0.50', [port('p', 80, [ep('10.1.0.5', 80, N1), ep('10.2.0.5', 80, N2)])], { internalTrafficPolicy: 'Local' }),
  ]);

  it('sends the cluster IP to KUBE-SVL with only this node’s endpoints, and masquerades there', () => {
    const text = kubeProxyRestoreText(c, N1);
    expect(text).toContain(`-A KUBE-SERVICES -m comment --comment "ns/itp:p cluster IP" -m tcp -p tcp -d 172.30.0.50 --dport 80 -j ${svl('itp')}`);
    expect(text).toContain(`-A ${svl('itp')} -m comment --comment "ns/itp:p cluster IP" -m tcp -p tcp -d 172.30.0.50 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ`);
    expect(text).toContain(`-A ${svl('itp')} -m comment --comment "ns/itp:p -> 10.1.0.5:80" -j ${endpointChainName('ns/itp:p', 'tcp', '10.1.0.5:80')}`);
    // Not externally accessible, so Cluster endpoints are never used: no KUBE-SVC chain at all.
    expect(text).not.toContain(svc('itp'));
    expect(text).not.toContain('10.2.0.5');
  });

  it('drops traffic to the cluster IP in the filter table on a node without local endpoints', () => {
    const text = kubeProxyRestoreText(cluster([...nodes, node('n3', '192.168.0.4')], c.services), 'n3');
    expect(text).toContain('-A KUBE-SERVICES -m comment --comment "ns/itp:p has no local endpoints" -m tcp -p tcp -d 172.30.0.50 --dport 80 -j DROP');
    expect(text).not.toContain(svl('itp'));
  });
});

describe('load balancers', () => {
  const lb = (sourceRanges: string[]) =>
    cluster(nodes, [
      service('ns', 'lb', '172.30.0.60', [port('p', 80, [ep('10.1.0.6', 80, N1)], { nodePort: 30060 })], {
        type: 'LoadBalancer',
        loadBalancerIPs: ['5.6.7.8'],
        loadBalancerSourceRanges: sourceRanges,
      }),
    ]);
  const fw = serviceChainName('KUBE-FW-', 'ns/lb:p', 'tcp');
  const ext = serviceChainName('KUBE-EXT-', 'ns/lb:p', 'tcp');

  it('without source ranges, sends the LB IP straight to KUBE-EXT', () => {
    expect(kubeProxyRestoreText(lb([]), N1)).toContain(
      `-A KUBE-SERVICES -m comment --comment "ns/lb:p loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j ${ext}`,
    );
  });

  it('with source ranges containing the node IP, also accepts the VIP as source (hairpin through a local VIP)', () => {
    const text = kubeProxyRestoreText(lb(['192.168.0.0/24', '203.0.113.0/25']), N1);
    const fwRules = lines(text).filter((l) => l.startsWith(`-A ${fw} `));
    expect(fwRules).toEqual([
      `-A ${fw} -m comment --comment "ns/lb:p loadbalancer IP" -s 192.168.0.0/24 -j ${ext}`,
      `-A ${fw} -m comment --comment "ns/lb:p loadbalancer IP" -s 203.0.113.0/25 -j ${ext}`,
      `-A ${fw} -m comment --comment "ns/lb:p loadbalancer IP" -s 5.6.7.8 -j ${ext}`,
      `-A ${fw} -m comment --comment "other traffic to ns/lb:p will be dropped by KUBE-PROXY-FIREWALL"`,
    ]);
    expect(text).toContain(`-A KUBE-PROXY-FIREWALL -m comment --comment "ns/lb:p traffic not accepted by ${fw}" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP`);
  });

  it('normalises a source range with host bits, like net.ParseCIDR', () => {
    expect(kubeProxyRestoreText(lb(['203.0.113.7/25']), N1)).toContain(`-s 203.0.113.0/25 -j ${ext}`);
  });
});

describe('services without endpoints', () => {
  it('rejects cluster IP, external IP, LB IP and node port in the filter table', () => {
    const c = cluster(nodes, [
      service('ns', 'none', '172.30.0.70', [port('p', 80, [], { nodePort: 30070 })], {
        type: 'LoadBalancer',
        externalIPs: ['192.168.99.11'],
        loadBalancerIPs: ['1.2.3.4'],
      }),
    ]);
    const text = kubeProxyRestoreText(c, N1);
    // TestNoEndpointsReject expects exactly these four REJECTs (in its own sorted form).
    const rejects = lines(text).filter((l) => l.endsWith('-j REJECT'));
    expect(rejects).toEqual([
      '-A KUBE-SERVICES -m comment --comment "ns/none:p has no endpoints" -m tcp -p tcp -d 172.30.0.70 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns/none:p has no endpoints" -m tcp -p tcp -d 192.168.99.11 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns/none:p has no endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j REJECT',
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "ns/none:p has no endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30070 -j REJECT',
    ]);
    expect(text).not.toContain('KUBE-SVC-');
    expect(text).not.toContain('KUBE-EXT-');
  });

  it('skips headless and ExternalName services', () => {
    const c = cluster(nodes, [
      service('ns', 'headless', 'None', [port('p', 80, [ep('10.1.0.1', 80, N1)])]),
      service('ns', 'ext', '', [port('p', 80, [])], { type: 'ExternalName', externalName: 'example.com' }),
    ]);
    expect(kubeProxyRestoreText(c, N1)).not.toMatch(/ns\/(headless|ext)/);
  });
});

describe('endpoint conditions', () => {
  const one = (eps: ReturnType<typeof ep>[]) => cluster(nodes, [service('ns', 'e', '172.30.0.80', [port('p', 80, eps)])]);
  const seps = (text: string) => lines(text).filter((l) => l.startsWith(`-A ${svc('e')} `) && l.includes(' -> '));

  it('uses only ready endpoints, deduplicated by ip:port', () => {
    const text = kubeProxyRestoreText(one([ep('10.1.0.1', 80), ep('10.1.0.2', 80, N1, { ready: false }), ep('10.1.0.1', 80)]), N1);
    expect(seps(text)).toEqual([`-A ${svc('e')} -m comment --comment "ns/e:p -> 10.1.0.1:80" -j ${endpointChainName('ns/e:p', 'tcp', '10.1.0.1:80')}`]);
  });

  it('falls back to serving, terminating endpoints when none is ready', () => {
    const text = kubeProxyRestoreText(
      one([ep('10.1.0.1', 80, N1, { ready: false, serving: true, terminating: true }), ep('10.1.0.2', 80, N1, { ready: false, serving: false, terminating: true })]),
      N1,
    );
    expect(seps(text)).toEqual([`-A ${svc('e')} -m comment --comment "ns/e:p -> 10.1.0.1:80" -j ${endpointChainName('ns/e:p', 'tcp', '10.1.0.1:80')}`]);
  });

  it('keeps the ready copy of an endpoint listed twice', () => {
    const text = kubeProxyRestoreText(one([ep('10.1.0.1', 80, N1, { ready: false, serving: false }), ep('10.1.0.1', 80, N1)]), N1);
    expect(seps(text)).toHaveLength(1);
  });

  it('eTP Local with only a terminating local endpoint: SVL uses it, SVC the remote ready one, both get SEP chains', () => {
    // CategorizeEndpoints: clusterEndpoints = ready ones (10.2.0.1); no local ready endpoint, so
    // localEndpoints = local serving+terminating (10.1.0.1); allReachable is their union.
    const c = cluster(nodes, [
      service('ns', 't', '172.30.0.81', [port('p', 80, [ep('10.1.0.1', 80, N1, { ready: false, serving: true, terminating: true }), ep('10.2.0.1', 80, N2)], { nodePort: 30081 })], {
        type: 'NodePort',
        externalTrafficPolicy: 'Local',
      }),
    ]);
    const text = kubeProxyRestoreText(c, N1);
    const sep1 = endpointChainName('ns/t:p', 'tcp', '10.1.0.1:80');
    const sep2 = endpointChainName('ns/t:p', 'tcp', '10.2.0.1:80');
    expect(lines(text).filter((l) => l.includes(' -> '))).toEqual([
      `-A ${svc('t')} -m comment --comment "ns/t:p -> 10.2.0.1:80" -j ${sep2}`,
      `-A ${svl('t')} -m comment --comment "ns/t:p -> 10.1.0.1:80" -j ${sep1}`,
    ]);
    expect(lines(text).filter((l) => l.startsWith(':KUBE-SEP-'))).toEqual([`:${sep1} - [0:0]`, `:${sep2} - [0:0]`]);
  });

  it('writes UDP services with -m udp -p udp', () => {
    const c = cluster(nodes, [service('kube-system', 'kube-dns', '10.96.0.10', [port('dns', 53, [ep('172.16.1.2', 53)], { protocol: 'UDP' })])]);
    const text = kubeProxyRestoreText(c, N1);
    expect(text).toContain('-A KUBE-SERVICES -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp -p udp -d 10.96.0.10 --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU');
    expect(text).toMatch(/-m udp -p udp -j DNAT --to-destination 172\.16\.1\.2:53\n/);
  });
});

describe('profile flags', () => {
  const np = (kp: Parameters<typeof cluster>[2]) =>
    kubeProxyRestoreText(cluster(nodes, [service('ns', 'np', '172.30.0.90', [port('p', 80, [ep('10.1.0.9', 80)], { nodePort: 30090 })], { type: 'NodePort' })], kp), N1);

  it('localhostNodePorts off: no KUBE-FIREWALL, no 127/8 node-port rule, loopback excluded from the tail call', () => {
    const text = np({ localhostNodePorts: false });
    expect(text).not.toContain('KUBE-FIREWALL');
    expect(text).not.toContain('-d 127.0.0.0/8 --dport 30090');
    expect(text).toContain(
      '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS',
    );
  });

  it('nfacct off: plain INVALID drop and no counted localhost node port', () => {
    const text = np({ nfacct: false });
    expect(text).toContain('-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP\n');
    expect(text).not.toContain('nfacct');
  });

  it('randomFully off and another masquerade bit', () => {
    const text = np({ randomFully: false, masqueradeBit: 15 });
    expect(text).toContain('-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE\n');
    expect(text).toContain('-A KUBE-MARK-MASQ -j MARK --or-mark 0x00008000');
  });

  it('no cluster CIDR: no local detector, so no masquerade rule in KUBE-SVC', () => {
    const text = np({ clusterCIDR: '' });
    expect(text).not.toMatch(/! -s (?!127\.0\.0\.0\/8)/);
    expect(np({})).toMatch(/--dport 80 ! -s 10\.0\.0\.0\/8 -j KUBE-MARK-MASQ/);
  });
});

describe('large cluster mode', () => {
  it('drops the per-endpoint comments above 1000 endpoints (largeClusterEndpointsThreshold)', () => {
    const services = [];
    for (let i = 0; i < 334; i++) {
      const ip = `172.30.${i >> 8}.${i & 255}`;
      services.push(service('ns', `s${i}`, ip, [port('p', 80, [ep(`10.1.${i >> 8}.${i & 255}`, 80), ep(`10.2.${i >> 8}.${i & 255}`, 80), ep(`10.3.${i >> 8}.${i & 255}`, 80)])]));
    }
    // 334 × 3 = 1002 endpoints > 1000.
    const text = kubeProxyRestoreText(cluster(nodes, services), N1);
    const sep = endpointChainName('ns/s0:p', 'tcp', '10.1.0.0:80');
    expect(text).toContain(`-A ${sep} -s 10.1.0.0 -j KUBE-MARK-MASQ\n`);
    expect(text).toContain(`-A ${sep} -m tcp -p tcp -j DNAT --to-destination 10.1.0.0:80\n`);
    expect(text).toContain(`-A ${svc('s0')} -m statistic --mode random --probability 0.3333333333 -j ${sep}\n`);
    // Service-level comments stay.
    expect(text).toContain('-A KUBE-SERVICES -m comment --comment "ns/s0:p cluster IP"');
    // 333 × 3 = 999: comments are kept.
    const small = kubeProxyRestoreText(cluster(nodes, services.slice(0, 333)), N1);
    expect(small).toContain(`-A ${sep} -m comment --comment ns/s0:p -s 10.1.0.0 -j KUBE-MARK-MASQ\n`);
  });
});
