import { describe, expect, it } from 'vitest';
import { flannelCluster } from './fixtures/clusters';
import { buildDataplane } from './index';
import { lookupRoute } from './route-table';
import { formatIpRoute } from './views';

describe('Flannel VXLAN (DESIGN.md §4)', () => {
  const dp = buildDataplane(flannelCluster());
  const w1 = dp.nodes['k8s-w1']!;
  const w2 = dp.nodes['k8s-w2']!;

  it('flannel.1: VNI 1, UDP 8472, <subnet>.0/32, MTU 1450; cni0 holds the .1/24 gateway', () => {
    const f = w1.host.interfaces.find((i) => i.name === 'flannel.1')!;
    expect(f.vxlan).toMatchObject({ vni: 1, dstPort: 8472, local: '192.168.10.101', learning: false });
    expect(f.mtu).toBe(1450);
    expect(f.addresses).toEqual([{ ip: '10.244.1.0', prefixLen: 32, scope: 'global' }]);
    const cni0 = w1.host.interfaces.find((i) => i.name === 'cni0')!;
    expect(cni0.addresses[0]).toMatchObject({ ip: '10.244.1.1', prefixLen: 24, broadcast: '10.244.1.255' });
  });

  it('remote /24 via <remote>.0 dev flannel.1 onlink, with permanent neighbour and FDB to the remote VTEP', () => {
    const routes = formatIpRoute(w1.host).split('\n');
    expect(routes).toContain('10.244.2.0/24 via 10.244.2.0 dev flannel.1 onlink ');
    expect(routes).toContain('10.244.0.0/24 via 10.244.0.0 dev flannel.1 onlink ');
    expect(routes).toContain('10.244.1.0/24 dev cni0 proto kernel scope link src 10.244.1.1 ');
    const mac = w2.host.interfaces.find((i) => i.name === 'flannel.1')!.mac;
    expect(w1.host.neighbours).toContainEqual({ ip: '10.244.2.0', dev: 'flannel.1', lladdr: mac, state: 'PERMANENT' });
    expect(w1.host.fdb).toContainEqual({ mac, dev: 'flannel.1', dst: '192.168.10.102', permanent: true, self: true });
  });

  it('pod veths are cni0 ports; pod routes: default and the cluster network via .1, the /24 on-link', () => {
    const web = w1.pods['default/web']!;
    const veth = w1.host.interfaces.find((i) => i.name === web.interfaces.find((x) => x.name === 'eth0')!.peer!.iface)!;
    expect(veth.name).toMatch(/^veth[0-9a-f]{8}$/);
    expect(veth.master).toBe('cni0');
    expect(formatIpRoute(web)).toBe(
      'default via 10.244.1.1 dev eth0 \n10.244.0.0/16 via 10.244.1.1 dev eth0 \n10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2 \n',
    );
  });

  it('lookups: same-node pod on cni0, remote pod through flannel.1 with the VTEP address as source', () => {
    expect(lookupRoute(w1.host, '10.244.1.3')).toMatchObject({ ok: true, dev: 'cni0', src: '10.244.1.1' });
    expect(lookupRoute(w1.host, '10.244.2.5')).toMatchObject({ ok: true, dev: 'flannel.1', gateway: '10.244.2.0', src: '10.244.1.0' });
    // From the pod, 10.244.0.0/16 wins over default by prefix length; the same-subnet pod is on-link.
    const web = w1.pods['default/web']!;
    expect(lookupRoute(web, '10.244.2.5')).toMatchObject({ ok: true, gateway: '10.244.1.1', routeText: '10.244.0.0/16 via 10.244.1.1 dev eth0 ' });
    expect(lookupRoute(web, '10.244.1.3')).toMatchObject({ ok: true, nextHop: '10.244.1.3' });
    expect(lookupRoute(web, '1.1.1.1')).toMatchObject({ ok: true, routeText: 'default via 10.244.1.1 dev eth0 ' });
  });
});
