import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Dataplane } from '../dataplane/types';
import { printIptablesSave } from '../netfilter';
import { calicoVxlanFixture } from './fixtures/calico-vxlan';
import { labLayout, labScript } from './index';

/** The body of `pw_up() { ... }`: the commands `up` runs, one per line. */
function upBody(script: string): string[] {
  const start = script.indexOf('pw_up() {');
  const end = script.indexOf('\n}\n', start);
  return script.slice(start, end).split('\n').slice(1);
}

/** Here-document bodies are data, not commands. */
function commandLines(lines: string[]): string[] {
  const out: string[] = [];
  let delim: string | null = null;
  for (const l of lines) {
    if (delim) {
      if (l === delim) delim = null;
      continue;
    }
    const m = /<<'([A-Z_]+)'$/.exec(l);
    if (m) delim = m[1]!;
    out.push(l.trim());
  }
  return out.filter((l) => l && !l.startsWith('#'));
}

describe('labLayout', () => {
  const { cluster, dataplane } = calicoVxlanFixture();

  it('names one netns per node and per pod, plus the wire, the external client and the upstream resolver', () => {
    const l = labLayout(cluster, dataplane);
    expect(l.nodes.map((n) => n.netns)).toEqual(['pw-node-k8s-a', 'pw-node-k8s-b']);
    expect(l.pods.map((p) => [p.pod, p.netns, p.ip])).toEqual([
      ['default/client', 'pw-default-client', '172.16.0.2'],
      ['default/web', 'pw-default-web', '172.16.0.66'],
    ]);
    expect(l.wire).toMatchObject({ netns: 'pw-wire', subnet: '192.168.10.0/24', gateways: ['192.168.10.1'] });
    expect(l.external).toMatchObject({ netns: 'pw-external', ip: '192.168.10.200', prefixLen: 24 });
    expect(l.upstream).toEqual({ netns: 'pw-upstream', ips: ['1.1.1.1'], onWire: false });
  });

  it('shortens long pod netns names with SHA-256 of the pod key and keeps them unique', () => {
    const long = structuredClone(dataplane) as Dataplane;
    const podName = 'a-very-long-deployment-name-7d4b9c8f5-x2x7k';
    long.nodes['k8s-a']!.pods[`kube-system/${podName}`] = long.nodes['k8s-a']!.pods['default/client']!;
    const l = labLayout(cluster, long);
    const netns = l.pods.find((p) => p.pod === `kube-system/${podName}`)!.netns;
    const hash = createHash('sha256').update(`pod/kube-system/${podName}`).digest('hex').slice(0, 8);
    expect(netns.length).toBeLessThanOrEqual(40);
    expect(netns).toBe(`${`pw-kube-system-${podName}`.slice(0, 40 - 9)}-${hash}`);
    expect(new Set(l.allNetns).size).toBe(l.allNetns.length);
  });

  it('never gives a pod the name of a node netns', () => {
    const clash = structuredClone(dataplane) as Dataplane;
    clash.nodes['k8s-a']!.pods['node/k8s-b'] = clash.nodes['k8s-a']!.pods['default/client']!;
    const l = labLayout(cluster, clash);
    const pod = l.pods.find((p) => p.pod === 'node/k8s-b')!;
    expect(pod.netns).not.toBe('pw-node-k8s-b');
    expect(new Set(l.allNetns).size).toBe(l.allNetns.length);
  });
});

describe('labScript', () => {
  const { cluster, dataplane } = calicoVxlanFixture();
  const script = labScript(cluster, dataplane);
  const up = commandLines(upBody(script));

  it('is valid bash', () => {
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('down deletes exactly the namespaces up creates', () => {
    const created = up.filter((l) => l.startsWith('ip netns add ')).map((l) => l.slice('ip netns add '.length));
    const listed = /^PW_NETNS=\((.*)\)$/m.exec(script)![1]!.split(' ');
    expect(created.sort()).toEqual([...listed].sort());
  });

  it('runs every ip, bridge, sysctl and iptables command inside a lab netns, never in the root netns', () => {
    const lab = new Set(labLayout(cluster, dataplane).allNetns);
    for (const l of up) {
      const ipN = /^ip -n (\S+) /.exec(l);
      const exec = /^ip netns exec (\S+) /.exec(l);
      const sysctl = /^pw_sysctl (\S+) /.exec(l);
      const add = /^ip netns add (\S+)$/.exec(l);
      const target = ipN?.[1] ?? exec?.[1] ?? sysctl?.[1] ?? add?.[1];
      if (/^(ip|bridge|iptables|iptables-restore|ipset|sysctl|nfacct) /.test(l) || target) {
        expect(target, l).toBeDefined();
        expect(lab.has(target!), l).toBe(true);
      }
      const moved = / netns (\S+)$/.exec(l);
      if (moved && ipN) expect(lab.has(moved[1]!), l).toBe(true);
    }
  });

  it('puts each pod eth0 on a veth whose host end has the modelled cali name inside the node netns', () => {
    expect(up).toContain(
      'ip -n pw-node-k8s-a link add calia7a3e029a7b address ee:ee:ee:ee:ee:ee mtu 1450 type veth peer name eth0 address 0a:58:ac:10:00:02 mtu 1450 netns pw-default-client',
    );
    expect(up).toContain('pw_sysctl pw-node-k8s-a net/ipv4/conf/calia7a3e029a7b/proxy_arp 1');
    expect(up).toContain('ip -n pw-default-client route replace default via 169.254.1.1 dev eth0');
  });

  it('builds vxlan.calico with the modelled VNI, port and local address, and its neighbour and FDB entries', () => {
    expect(up).toContain(
      'ip -n pw-node-k8s-a link add vxlan.calico address 66:aa:bb:cc:dd:01 mtu 1450 type vxlan id 4096 dstport 4789 local 192.168.10.11 dev eth0 nolearning',
    );
    expect(up).toContain('ip -n pw-node-k8s-a route replace 172.16.0.64/26 via 172.16.0.64 dev vxlan.calico onlink');
    expect(up).toContain('ip -n pw-node-k8s-a route replace blackhole 172.16.0.0/26 proto bird');
    expect(up).toContain('ip -n pw-node-k8s-a neigh replace 172.16.0.64 lladdr 66:aa:bb:cc:dd:02 dev vxlan.calico nud permanent');
    expect(up).toContain('ip netns exec pw-node-k8s-a bridge fdb append 66:aa:bb:cc:dd:02 dev vxlan.calico dst 192.168.10.12 self permanent');
  });

  it('loads exactly the text iptables-save form of the modelled rule set', () => {
    const rules = printIptablesSave(dataplane.nodes['k8s-a']!.iptables).replace(/\n+$/, '');
    expect(script).toContain(`ip netns exec pw-node-k8s-a iptables-restore <<'PW_EOF'\n${rules}\nPW_EOF`);
  });

  it('writes each pod resolv.conf for ip netns exec', () => {
    expect(script).toContain(
      "pw_resolv pw-default-client <<'PW_EOF'\nnameserver 10.96.0.10\nsearch default.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\nPW_EOF",
    );
  });

  it('gives egress somewhere to land: public addresses go to pw-upstream, which takes any of them (AnyIP)', () => {
    expect(up).toContain('ip -n pw-wire route replace default dev upstream');
    expect(up).toContain('ip -n pw-wire route replace unreachable 10.0.0.0/8');
    expect(up).toContain('ip -n pw-upstream route replace local 0.0.0.0/0 dev lo table local');
    expect(up).toContain('ip -n pw-upstream route replace throw 192.168.10.0/24 table local');
    expect(up).toContain('ip -n pw-upstream route replace throw 10.0.0.0/8 table local');
  });

  it('stands a learning VXLAN port that floods to the other nodes in for a Weave fastdp vport', () => {
    const weave = structuredClone(dataplane) as Dataplane;
    const host = weave.nodes['k8s-a']!.host;
    host.interfaces.push(
      { index: 9, name: 'datapath', kind: 'openvswitch', mtu: 1376, mac: '1e:5a:1f:0c:c4:2b', up: true, addresses: [], sysctls: {} },
      { index: 10, name: 'vxlan-6784', kind: 'vxlan', mtu: 1376, mac: '36:1d:3d:0c:dc:20', up: true, addresses: [], sysctls: {}, master: 'datapath', vxlan: { vni: 0, dstPort: 6784, learning: false } },
    );
    const s = labScript(cluster, weave);
    expect(s).toContain('ip -n pw-node-k8s-a link add datapath address 1e:5a:1f:0c:c4:2b mtu 1376 type bridge');
    expect(s).toContain('ip -n pw-node-k8s-a link add vxlan-6784 address 36:1d:3d:0c:dc:20 mtu 1376 type vxlan id 0 dstport 6784\n');
    expect(s).toContain('ip netns exec pw-node-k8s-a bridge fdb append 00:00:00:00:00:00 dev vxlan-6784 dst 192.168.10.12 self permanent');
    expect(s).toContain('ip -n pw-node-k8s-a link set vxlan-6784 master datapath');
    expect(s).toMatch(/Open vSwitch datapath in the model; the lab builds a Linux bridge instead/);
  });

  it('routes over tunl0 fall back to the node IP on eth0 when the kernel has no ipip', () => {
    const ipip = structuredClone(dataplane) as Dataplane;
    const host = ipip.nodes['k8s-a']!.host;
    host.interfaces = host.interfaces.filter((i) => i.name !== 'vxlan.calico');
    host.interfaces.push({
      index: 3, name: 'tunl0', kind: 'ipip', mtu: 1480, mac: '00:00:00:00:00:00', up: true,
      addresses: [{ ip: '172.16.0.1', prefixLen: 32, scope: 'global' }], sysctls: {}, ipip: {},
    });
    host.routes = host.routes.map((r) => (r.dev === 'vxlan.calico' ? { ...r, via: '192.168.10.12', dev: 'tunl0', proto: 'bird' } : r));
    host.neighbours = [];
    host.fdb = [];
    const s = labScript(cluster, ipip);
    expect(s).toContain(
      [
        'if [ "$PW_HAVE_IPIP" = 1 ]; then',
        '    ip -n pw-node-k8s-a route replace 172.16.0.64/26 via 192.168.10.12 dev tunl0 proto bird onlink',
        '  else',
        '    ip -n pw-node-k8s-a route replace 172.16.0.64/26 via 192.168.10.12 dev eth0 proto bird onlink  # nearest equivalent of tunl0: no encapsulation',
        '  fi',
      ].join('\n'),
    );
    expect(s).toContain('ip -n pw-node-k8s-a addr replace 172.16.0.1/32 dev lo');
    expect(s).toMatch(/pw_note "this kernel has no ipip module/);
    expect(spawnSync('bash', ['-n'], { input: s }).status).toBe(0);
  });
});
