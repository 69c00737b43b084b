import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NetnsBuilder } from './netns';
import { lookupRoute } from './route-table';
import { formatBridgeFdb, formatIpAddr, formatIpNeigh, formatIpRoute, formatResolvConf } from './views';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** The same netns make-fixtures.sh builds with real `ip`, step for step (MACs copied from the capture). */
function mirrorHost() {
  const h = new NetnsBuilder('host', 'n');
  h.addLink({ name: 'eth0', kind: 'veth', mtu: 1500, mac: '56:ea:de:0b:fc:e2', peer: { netns: 'wire', iface: 'uplink', index: 2 }, linkNetns: 'pw-dataplane-wire' });
  h.addAddress('eth0', '192.168.10.101', 24);
  h.addRoute({ dst: 'default', via: '192.168.10.1', dev: 'eth0' });
  h.addLink({ name: 'cali3b1cf3c5c5b', kind: 'veth', mtu: 1480, mac: 'ee:ee:ee:ee:ee:ee', peer: { netns: 'pod', iface: 'eth0', index: 2 }, linkNetns: 'pw-dataplane-pod', sysctls: { proxy_arp: '1' } });
  h.addRoute({ dst: '172.16.1.2', dev: 'cali3b1cf3c5c5b', scope: 'link' });
  h.addRoute({ type: 'blackhole', dst: '172.16.1.0/26', proto: 'bird' });
  h.addLink({ name: 'vxlan.calico', kind: 'vxlan', mtu: 1450, mac: '66:aa:bb:cc:dd:01', vxlan: { vni: 4096, dstPort: 4789, local: '192.168.10.101', dev: 'eth0', learning: false } });
  h.addAddress('vxlan.calico', '172.16.1.0', 32);
  h.addNeighbour({ ip: '172.16.2.0', dev: 'vxlan.calico', lladdr: '66:aa:bb:cc:dd:02', state: 'PERMANENT' });
  h.addFdb({ mac: '66:aa:bb:cc:dd:02', dev: 'vxlan.calico', dst: '192.168.10.102', self: true, permanent: true });
  h.addRoute({ dst: '172.16.2.0/26', via: '172.16.2.0', dev: 'vxlan.calico', onlink: true });
  h.addRoute({ dst: '172.16.3.0/26', via: '192.168.10.103', dev: 'eth0', proto: 'bird' });
  h.addLink({ name: 'cni0', kind: 'bridge', mtu: 1450, mac: '0a:58:0a:f4:01:01' });
  h.addAddress('cni0', '10.244.1.1', 24);
  h.addLink({ name: 'veth1a2b3c4d', kind: 'veth', mtu: 1450, mac: 'c6:ef:5e:1d:53:75', master: 'cni0', peer: { netns: 'fpod', iface: 'eth0', index: 2 }, linkNetns: 'pw-dataplane-fpod' });
  h.addLink({ name: 'flannel.1', kind: 'vxlan', mtu: 1450, mac: '5a:aa:bb:cc:dd:01', vxlan: { vni: 1, dstPort: 8472, local: '192.168.10.101', dev: 'eth0', learning: false } });
  h.addAddress('flannel.1', '10.244.1.0', 32);
  h.addNeighbour({ ip: '10.244.2.0', dev: 'flannel.1', lladdr: '5a:aa:bb:cc:dd:02', state: 'PERMANENT' });
  h.addFdb({ mac: '5a:aa:bb:cc:dd:02', dev: 'flannel.1', dst: '192.168.10.102', self: true, permanent: true });
  h.addRoute({ dst: '10.244.2.0/24', via: '10.244.2.0', dev: 'flannel.1', onlink: true });
  h.addNeighbour({ ip: '192.168.10.1', dev: 'eth0', lladdr: '52:54:00:12:34:56', state: 'REACHABLE' });
  return h.ns;
}

function mirrorCalicoPod() {
  const p = new NetnsBuilder('pod:default/web', 'n');
  p.addLink({ name: 'eth0', kind: 'veth', mtu: 1480, mac: 'b6:bb:03:08:f5:84', peer: { netns: 'host', iface: 'cali3b1cf3c5c5b', index: 3 }, linkNetns: 'pw-dataplane-host' });
  p.addAddress('eth0', '172.16.1.2', 32);
  p.addRoute({ dst: '169.254.1.1', dev: 'eth0', scope: 'link' });
  p.addRoute({ dst: 'default', via: '169.254.1.1', dev: 'eth0' });
  return p.ns;
}

function mirrorFlannelPod() {
  const p = new NetnsBuilder('pod:default/f', 'n');
  p.addLink({ name: 'eth0', kind: 'veth', mtu: 1450, mac: '0a:58:0a:f4:01:02', peer: { netns: 'host', iface: 'veth1a2b3c4d', index: 6 }, linkNetns: 'pw-dataplane-host' });
  p.addAddress('eth0', '10.244.1.2', 24);
  p.addRoute({ dst: '10.244.0.0/16', via: '10.244.1.1', dev: 'eth0' });
  p.addRoute({ dst: 'default', via: '10.244.1.1', dev: 'eth0' });
  return p.ns;
}

describe('views against real iproute2 output (fixtures/make-fixtures.sh)', () => {
  const host = mirrorHost();
  const pod = mirrorCalicoPod();
  const fpod = mirrorFlannelPod();

  it('ip addr', () => {
    expect(formatIpAddr(host)).toBe(fixture('host.ip-addr.txt'));
    expect(formatIpAddr(pod)).toBe(fixture('pod.ip-addr.txt'));
    expect(formatIpAddr(fpod)).toBe(fixture('fpod.ip-addr.txt'));
  });

  it('ip route and ip route show table local, in fib dump order', () => {
    for (const [ns, name] of [[host, 'host'], [pod, 'pod'], [fpod, 'fpod']] as const) {
      expect(formatIpRoute(ns)).toBe(fixture(`${name}.ip-route.txt`));
      expect(formatIpRoute(ns, 'local')).toBe(fixture(`${name}.ip-route-local.txt`));
    }
  });

  it('ip neigh (kernel hash order differs: compared as a set) and bridge fdb of the vxlan devices', () => {
    const lines = (t: string) => t.split('\n').filter(Boolean).sort();
    expect(lines(formatIpNeigh(host))).toEqual(lines(fixture('host.ip-neigh.txt')));
    const fdb = formatBridgeFdb(host);
    // `bridge fdb show dev X` omits `dev X`; the unfiltered form we print has it.
    for (const [dev, file] of [['vxlan.calico', 'host.bridge-fdb-vxlan-calico.txt'], ['flannel.1', 'host.bridge-fdb-flannel.txt']]) {
      const want = fixture(file!).trim().replace(/^(\S+) /, `$1 dev ${dev} `);
      expect(fdb).toContain(`${want}\n`);
    }
  });

  it('ip route get, including the blackhole error', () => {
    const got = ['172.16.1.2', '172.16.1.9', '172.16.2.7', '172.16.3.7', '8.8.8.8', '192.168.10.101', '10.244.1.2', '10.244.2.5']
      .map((d) => lookupRoute(host, d).text)
      .join('\n');
    expect(`${got}\n`).toBe(fixture('host.route-get.txt'));
    expect(`${lookupRoute(pod, '10.244.2.5').text}\n${lookupRoute(pod, '172.16.1.2').text}\n`).toBe(fixture('pod.route-get.txt'));
    expect(`${lookupRoute(fpod, '10.244.1.3').text}\n${lookupRoute(fpod, '8.8.8.8').text}\n`).toBe(fixture('fpod.route-get.txt'));
  });

  it('resolv.conf in containerd order: search, nameserver lines, options', () => {
    expect(formatResolvConf({ search: ['a.svc.cluster.local', 'svc.cluster.local'], nameservers: ['10.96.0.10', '1.1.1.1'], options: ['ndots:5'] })).toBe(
      'search a.svc.cluster.local svc.cluster.local\nnameserver 10.96.0.10\nnameserver 1.1.1.1\noptions ndots:5\n',
    );
  });
});
