import { describe, expect, it } from 'vitest';
import { calicoCluster, flannelCluster, weaveCluster } from './fixtures/clusters';
import { buildDataplane } from './index';
import { lookupFdb, resolveNeighbour } from './neighbours';

describe('resolveNeighbour', () => {
  it('Calico: the host veth answers 169.254.1.1 by proxy ARP with ee:ee:ee:ee:ee:ee (proxy_arp=1, routed out of eth0)', () => {
    const dp = buildDataplane(calicoCluster('IPIP'));
    const web = dp.nodes['k8s-w1']!.pods['default/web']!;
    expect(resolveNeighbour(web, 'eth0', '169.254.1.1', dp)).toMatchObject({
      ok: true,
      how: 'proxy_arp',
      lladdr: 'ee:ee:ee:ee:ee:ee',
      answeredBy: { netns: 'host', iface: 'cali68caf03a5f4' },
      text: '169.254.1.1 dev eth0 lladdr ee:ee:ee:ee:ee:ee REACHABLE ',
    });
    // Without the dataplane only static entries resolve, and the pod has none.
    expect(resolveNeighbour(web, 'eth0', '169.254.1.1').ok).toBe(false);
  });

  it('Calico host → pod: the pod eth0 answers for its own address; tunl0 has no ARP', () => {
    const dp = buildDataplane(calicoCluster('IPIP'));
    const host = dp.nodes['k8s-w1']!.host;
    const podMac = dp.nodes['k8s-w1']!.pods['default/web']!.interfaces.find((i) => i.name === 'eth0')!.mac;
    expect(resolveNeighbour(host, 'cali68caf03a5f4', '172.16.1.2', dp)).toMatchObject({ ok: true, how: 'arp', lladdr: podMac });
    expect(resolveNeighbour(host, 'tunl0', '192.168.10.102', dp)).toMatchObject({ ok: true, how: 'noarp' });
    // Underlay: the other node's eth0.
    const w2Mac = dp.nodes['k8s-w2']!.host.interfaces.find((i) => i.name === 'eth0')!.mac;
    expect(resolveNeighbour(host, 'eth0', '192.168.10.102', dp)).toMatchObject({ ok: true, how: 'arp', lladdr: w2Mac, answeredBy: { node: 'k8s-w2' } });
  });

  it('Flannel: permanent VTEP neighbour, then the FDB gives the remote node; pods find the cni0 gateway and each other', () => {
    const dp = buildDataplane(flannelCluster());
    const w1 = dp.nodes['k8s-w1']!;
    const vtep = resolveNeighbour(w1.host, 'flannel.1', '10.244.2.0', dp);
    expect(vtep).toMatchObject({ ok: true, how: 'static' });
    expect(vtep.ok && lookupFdb(w1.host, 'flannel.1', vtep.lladdr)?.dst).toBe('192.168.10.102');
    const web = w1.pods['default/web']!;
    expect(resolveNeighbour(web, 'eth0', '10.244.1.1', dp)).toMatchObject({ ok: true, lladdr: '0a:58:0a:f4:01:01', answeredBy: { iface: 'cni0' } });
    expect(resolveNeighbour(web, 'eth0', '10.244.1.3', dp)).toMatchObject({ ok: true, lladdr: '0a:58:0a:f4:01:03', answeredBy: { netns: 'pod:default/api' } });
    // The bridge learned api's MAC on api's port.
    const port = lookupFdb(w1.host, 'cni0', '0a:58:0a:f4:01:03');
    expect(port?.dev).toBe(w1.pods['default/api']!.interfaces.find((i) => i.name === 'eth0')!.peer!.iface);
  });

  it('Weave: a pod on another node answers across the datapath', () => {
    const dp = buildDataplane(weaveCluster());
    const web = dp.nodes['k8s-w1']!.pods['default/web']!;
    expect(resolveNeighbour(web, 'eth0', '10.40.0.1', dp)).toMatchObject({ ok: true, answeredBy: { node: 'k8s-w2', netns: 'pod:default/client' } });
  });
});
