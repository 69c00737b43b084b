import { describe, expect, it } from 'vitest';
import { bridgeCluster, calicoCluster, flannelCluster, weaveCluster } from '../fixtures/clusters';
import { buildDataplane } from '../index';
import { nodeRestoreText } from './compose';

const lines = (t: string, prefix: string) => t.split('\n').filter((l) => l.startsWith(prefix));

describe('node rule set composition', () => {
  it('composes a Calico node with 9,000 pods (no spread of huge rule lists into one call)', () => {
    const c = calicoCluster('IPIP');
    const base = c.pods[1]!;
    for (let i = 0; i < 9000; i++) c.pods.push({ ...base, name: `many-${i}`, ip: `172.16.${100 + Math.floor(i / 250)}.${(i % 250) + 1}` });
    const { text } = nodeRestoreText(c, c.nodes[1]!);
    // Felix writes a from- and a to-workload chain per local pod.
    expect(lines(text, ':cali-fw-cali').length).toBeGreaterThan(9000);
  });

  it('Calico: Felix jumps first (it inserts and keeps itself on top), then kube-proxy, Felix appends last', () => {
    const c = calicoCluster('IPIP');
    const { text, ipsets } = nodeRestoreText(c, c.nodes[1]!);
    const fwd = lines(text, '-A FORWARD ');
    expect(fwd[0]).toBe('-A FORWARD -m comment --comment "cali:wUHhoiAYhphO9Mso" --jump cali-FORWARD');
    expect(fwd.at(-2)).toContain('Policy explicitly accepted packet.');
    expect(fwd.at(-1)).toContain('--set-mark 0x10000/0x10000');
    expect(fwd.some((l) => l.includes('KUBE-FORWARD'))).toBe(true);
    // One workload on k8s-w1: its dispatch rule and endpoint chains.
    expect(text).toContain('-A cali-from-wl-dispatch -m comment --comment "cali:');
    expect(text).toContain('--in-interface cali68caf03a5f4 --goto cali-fw-cali68caf03a5f4');
    expect(text).toContain('--out-interface cali68caf03a5f4 --goto cali-tw-cali68caf03a5f4');
    expect(ipsets.find((s) => s.name === 'cali40masq-ipam-pools')?.members).toEqual(['172.16.0.0/16']);
  });

  it('Calico dispatch splits interfaces sharing a prefix into child chains (felix dispatch.go)', () => {
    const c = calicoCluster('IPIP');
    // Three pods on k8s-w1; their cali names share "cali" and then differ.
    c.pods.push(
      { ...c.pods[1]!, name: 'web-2', ip: '172.16.1.3' },
      { ...c.pods[1]!, name: 'web-3', ip: '172.16.1.4' },
    );
    const { text } = nodeRestoreText(c, c.nodes[1]!);
    const root = lines(text, '-A cali-from-wl-dispatch ');
    expect(root.at(-1)).toContain('"Unknown interface" --jump DROP');
    for (const l of root.slice(0, -1)) expect(l).toMatch(/--in-interface cali[0-9a-f]+\+? --goto cali-(fw-cali[0-9a-f]{11}|from-wl-dispatch-[0-9a-f])$/);
  });

  it('Flannel: FLANNEL-POSTRTG and FLANNEL-FWD as flanneld appends them', () => {
    const c = flannelCluster();
    const { text } = nodeRestoreText(c, c.nodes[1]!);
    expect(lines(text, '-A FLANNEL-POSTRTG ')).toEqual([
      '-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.244.1.0/24 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.1.0/24 -m comment --comment "flanneld masq" -j RETURN',
      '-A FLANNEL-POSTRTG -s 10.244.0.0/16 ! -d 224.0.0.0/4 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
      '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
    ]);
    expect(lines(text, '-A POSTROUTING ').at(-1)).toBe('-A POSTROUTING -m comment --comment "flanneld masq" -j FLANNEL-POSTRTG');
    expect(lines(text, '-A FORWARD ').at(-1)).toBe('-A FORWARD -m comment --comment "flanneld forward" -j FLANNEL-FWD');
  });

  it('bridge plugin ipMasq: CNI- + 24 hex of SHA-512(network name + container id), per pod', () => {
    // echo -n "container:default/web" | sha256sum → f5beebdd…b596 (our container id);
    // echo -n "cbr0f5beebdd…b596" | sha512sum | cut -c1-24 → 7d940eba07ff1c5487895ebc
    const c = bridgeCluster();
    const { text } = nodeRestoreText(c, c.nodes[1]!);
    const id = 'f5beebdd81470f291a2ed96b54c18e92e354bbdde32183a7ded2f67f8366b596';
    const comment = `-m comment --comment "name: \\"cbr0\\" id: \\"${id}\\""`;
    expect(text).toContain(`-A POSTROUTING -s 10.244.1.2/32 ${comment} -j CNI-7d940eba07ff1c5487895ebc\n`);
    expect(text).toContain(`-A CNI-7d940eba07ff1c5487895ebc -d 10.244.1.0/24 ${comment} -j ACCEPT\n`);
    expect(text).toContain(`-A CNI-7d940eba07ff1c5487895ebc ! -d 224.0.0.0/4 ${comment} -j MASQUERADE\n`);
  });

  it('every CNI\'s composed rule set parses without problems', () => {
    for (const c of [calicoCluster('IPIP'), calicoCluster('VXLAN'), calicoCluster('None'), flannelCluster(), weaveCluster(), bridgeCluster()]) {
      for (const n of Object.values(buildDataplane(c).nodes)) {
        expect(n.iptablesProblems).toBeUndefined();
        expect(n.iptables.tables.map((t) => t.name).sort()).toEqual(['filter', 'mangle', 'nat', 'raw']);
        if (c.settings.cni === 'calico') expect(n.iptables.tables.find((t) => t.name === 'mangle')!.chains.map((ch) => ch.name)).toContain('cali-PREROUTING');
      }
    }
  });
});
