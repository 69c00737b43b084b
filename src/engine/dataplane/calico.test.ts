import { describe, expect, it } from 'vitest';
import { calicoCluster } from './fixtures/clusters';
import { buildDataplane } from './index';
import { calicoVethName } from './interface-names';
import { lookupRoute } from './route-table';
import { formatIpRoute } from './views';

describe('Calico names', () => {
  it('host veth is cali + 11 hex of SHA-1("<ns>.<pod>")', () => {
    // echo -n default.web | sha1sum → 68caf03a5f4aa41b0a8b0a4b0ad8f3dd6f51c354
    expect(calicoVethName('default', 'web')).toBe('cali68caf03a5f4');
    // echo -n kube-system.coredns-5d78c9869d-abcde | sha1sum → 4d5f75c480cc7f4ead7f9379346b00d119f4b71c
    expect(calicoVethName('kube-system', 'coredns-5d78c9869d-abcde')).toBe('cali4d5f75c480c');
  });
});

describe('Calico IPIP (DESIGN.md §4)', () => {
  const dp = buildDataplane(calicoCluster('IPIP'));
  const w1 = dp.nodes['k8s-w1']!;

  it('host routes: workload /32 scope link, blackhole for the local block, remote blocks via tunl0 onlink', () => {
    const routes = formatIpRoute(w1.host).split('\n');
    expect(routes).toContain('172.16.1.2 dev cali68caf03a5f4 scope link ');
    expect(routes).toContain('blackhole 172.16.1.0/26 proto bird ');
    expect(routes).toContain('172.16.0.0/26 via 192.168.10.10 dev tunl0 proto bird onlink ');
    expect(routes).toContain('172.16.2.0/26 via 192.168.10.102 dev tunl0 proto bird onlink ');
    expect(routes).toContain('default via 192.168.10.1 dev eth0 ');
  });

  it('tunl0: MTU host-20 and the /32 tunnel address; cali veth: ee:ee:ee:ee:ee:ee, proxy_arp=1, tunnel MTU', () => {
    const tunl0 = w1.host.interfaces.find((i) => i.name === 'tunl0')!;
    expect(tunl0.mtu).toBe(1480);
    expect(tunl0.addresses).toEqual([{ ip: '172.16.1.0', prefixLen: 32, scope: 'global' }]);
    const cali = w1.host.interfaces.find((i) => i.name === 'cali68caf03a5f4')!;
    expect(cali.mac).toBe('ee:ee:ee:ee:ee:ee');
    expect(cali.sysctls.proxy_arp).toBe('1');
    expect(cali.mtu).toBe(1480);
    expect(w1.host.sysctls['net.ipv4.ip_forward']).toBe('1');
  });

  it('pod netns: eth0 /32, 169.254.1.1 scope link and default via it; veth ends point at each other', () => {
    const web = w1.pods['default/web']!;
    expect(web.id).toBe('pod:default/web');
    expect(formatIpRoute(web)).toBe('default via 169.254.1.1 dev eth0 \n169.254.1.1 dev eth0 scope link \n');
    const eth0 = web.interfaces.find((i) => i.name === 'eth0')!;
    const cali = w1.host.interfaces.find((i) => i.name === 'cali68caf03a5f4')!;
    expect(eth0.peer).toEqual({ netns: 'host', iface: 'cali68caf03a5f4', index: cali.index });
    expect(cali.peer).toEqual({ netns: 'pod:default/web', iface: 'eth0', index: eth0.index });
    expect(eth0.addresses[0]).toMatchObject({ ip: '172.16.1.2', prefixLen: 32 });
  });

  it('hostNetwork pods get no netns of their own', () => {
    expect(w1.pods['kube-system/kube-proxy-7xk2p']).toBeUndefined();
    expect(w1.hostNetworkResolvConf?.['kube-system/kube-proxy-7xk2p']).toBeDefined();
  });

  it('lookups: local pod, blackhole for an unallocated address in the local block, onlink via tunl0 with the tunnel address as source', () => {
    expect(lookupRoute(w1.host, '172.16.1.2')).toMatchObject({ ok: true, dev: 'cali68caf03a5f4', nextHop: '172.16.1.2', src: '192.168.10.101' });
    expect(lookupRoute(w1.host, '172.16.1.9')).toMatchObject({ ok: false, error: 'blackhole', routeText: 'blackhole 172.16.1.0/26 proto bird ' });
    expect(lookupRoute(w1.host, '172.16.2.3')).toMatchObject({ ok: true, dev: 'tunl0', gateway: '192.168.10.102', src: '172.16.1.0' });
    expect(lookupRoute(w1.host, '172.16.1.0')).toMatchObject({ ok: true, type: 'local', dev: 'lo' });
    expect(lookupRoute(w1.pods['default/web']!, '10.96.0.10')).toMatchObject({ ok: true, dev: 'eth0', gateway: '169.254.1.1', src: '172.16.1.2' });
  });
});

describe('Calico VXLAN', () => {
  const dp = buildDataplane(calicoCluster('VXLAN'));
  const w1 = dp.nodes['k8s-w1']!;
  const w2 = dp.nodes['k8s-w2']!;

  it('vxlan.calico: VNI 4096, UDP 4789, MTU host-50; Felix routes (proto 80 blackhole) via the remote VTEP onlink', () => {
    const vx = w1.host.interfaces.find((i) => i.name === 'vxlan.calico')!;
    expect(vx.vxlan).toMatchObject({ vni: 4096, dstPort: 4789, local: '192.168.10.101' });
    expect(vx.mtu).toBe(1450);
    const routes = formatIpRoute(w1.host).split('\n');
    expect(routes).toContain('blackhole 172.16.1.0/26 proto 80 ');
    expect(routes).toContain('172.16.2.0/26 via 172.16.2.0 dev vxlan.calico onlink ');
    expect(w1.host.interfaces.some((i) => i.name === 'tunl0')).toBe(false);
  });

  it('permanent neighbour and FDB entries point at the remote VTEP MAC and node IP', () => {
    const remoteMac = w2.host.interfaces.find((i) => i.name === 'vxlan.calico')!.mac;
    expect(w1.host.neighbours).toContainEqual({ ip: '172.16.2.0', dev: 'vxlan.calico', lladdr: remoteMac, state: 'PERMANENT' });
    expect(w1.host.fdb).toContainEqual({ mac: remoteMac, dev: 'vxlan.calico', dst: '192.168.10.102', permanent: true, self: true });
    expect(lookupRoute(w1.host, '172.16.2.3')).toMatchObject({ ok: true, dev: 'vxlan.calico', gateway: '172.16.2.0', src: '172.16.1.0' });
    expect(w1.pods['default/web']!.interfaces.find((i) => i.name === 'eth0')!.mtu).toBe(1450);
  });
});

describe('Calico without encapsulation', () => {
  it('remote blocks straight via the node IP on eth0 (proto bird), MTU unchanged', () => {
    const w1 = buildDataplane(calicoCluster('None')).nodes['k8s-w1']!;
    expect(formatIpRoute(w1.host)).toContain('172.16.2.0/26 via 192.168.10.102 dev eth0 proto bird \n');
    expect(lookupRoute(w1.host, '172.16.2.3')).toMatchObject({ ok: true, dev: 'eth0', gateway: '192.168.10.102', src: '192.168.10.101' });
    expect(w1.pods['default/web']!.interfaces.find((i) => i.name === 'eth0')!.mtu).toBe(1500);
  });
});
