import { describe, expect, it } from 'vitest';
import { bridgeCluster, weaveCluster } from './fixtures/clusters';
import { buildDataplane } from './index';
import { containerId } from './interface-names';
import { lookupRoute } from './route-table';
import { formatIpAddr, formatIpRoute } from './views';

describe('Weave Net fast datapath (DESIGN.md §4)', () => {
  const w1 = buildDataplane(weaveCluster()).nodes['k8s-w1']!;

  it('devices: datapath, weave bridge with the exposed address over the whole range, vethwe pair, vxlan-6784', () => {
    const names = w1.host.interfaces.map((i) => i.name);
    expect(names.slice(0, 7)).toEqual(['lo', 'eth0', 'datapath', 'weave', 'vethwe-datapath', 'vethwe-bridge', 'vxlan-6784']);
    const weave = w1.host.interfaces.find((i) => i.name === 'weave')!;
    expect(weave.addresses[0]).toMatchObject({ ip: '10.36.0.0', prefixLen: 12, broadcast: '10.47.255.255' });
    expect(w1.host.interfaces.find((i) => i.name === 'vxlan-6784')!).toMatchObject({ master: 'datapath', vxlan: { dstPort: 6784 } });
    expect(w1.host.interfaces.find((i) => i.name === 'vethwe-bridge')!.master).toBe('weave');
    expect(formatIpAddr(w1.host)).toContain('5: vethwe-datapath@vethwe-bridge: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1376 qdisc noqueue master datapath state UP');
  });

  it('pod veth vethwepl + 7 chars of the container id on the weave bridge; pod default route via the bridge address', () => {
    const web = w1.pods['default/web']!;
    const host = web.interfaces.find((i) => i.name === 'eth0')!.peer!.iface;
    expect(host).toBe(`vethwepl${containerId('default', 'web').slice(0, 7)}`);
    expect(host).toHaveLength(15);
    expect(formatIpRoute(web)).toBe('default via 10.36.0.0 dev eth0 \n10.32.0.0/12 dev eth0 proto kernel scope link src 10.36.0.1 \n');
    // The other node's pod is on-link: same /12, one L2 segment through the datapath.
    expect(lookupRoute(web, '10.40.0.1')).toMatchObject({ ok: true, dev: 'eth0', nextHop: '10.40.0.1' });
    expect(lookupRoute(w1.host, '10.40.0.1')).toMatchObject({ ok: true, dev: 'weave', src: '10.36.0.0' });
  });
});

describe('bridge plugin', () => {
  const w1 = buildDataplane(bridgeCluster()).nodes['k8s-w1']!;
  it('cni0 gateway .1, pods default via it, other nodes\' subnets via their node IPs', () => {
    expect(w1.host.interfaces.find((i) => i.name === 'cni0')!.addresses[0]).toMatchObject({ ip: '10.244.1.1', prefixLen: 24 });
    expect(formatIpRoute(w1.pods['default/web']!)).toBe('default via 10.244.1.1 dev eth0 \n10.244.1.0/24 dev eth0 proto kernel scope link src 10.244.1.2 \n');
    expect(lookupRoute(w1.host, '10.244.2.5')).toMatchObject({ ok: true, dev: 'eth0', gateway: '192.168.10.102' });
  });
});
