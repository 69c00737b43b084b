import { describe, expect, it } from 'vitest';
import type { Cluster } from '../cluster/types';
import { parseCorefile, interpretServer } from './corefile';
import { CoreDnsServer, upstreamStandIn } from './coredns';
import type { DnsAnswer, DnsQuestion } from './resolver';

// kubeadm's default Corefile (cmd/kubeadm/app/phases/addons/dns/manifests.go), verbatim layout.
const KUBEADM_COREFILE = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;

function cluster(corefile = KUBEADM_COREFILE): Cluster {
  // Records as the Kubernetes DNS spec defines them for: kube-dns (ClusterIP, named ports),
  // a headless `db` with two ready endpoints that have hostnames, and an ExternalName.
  const z = 'cluster.local';
  return {
    corefile,
    namespaces: [{ name: 'default', labels: {} }, { name: 'kube-system', labels: {} }],
    services: [],
    pods: [],
    dnsRecords: [
      { name: `kube-dns.kube-system.svc.${z}`, type: 'A', value: '10.96.0.10' },
      { name: `_dns._udp.kube-dns.kube-system.svc.${z}`, type: 'SRV', value: `0 100 53 kube-dns.kube-system.svc.${z}` },
      { name: `db.default.svc.${z}`, type: 'A', value: '172.16.1.10' },
      { name: `db.default.svc.${z}`, type: 'A', value: '172.16.2.11' },
      { name: `_pg._tcp.db.default.svc.${z}`, type: 'SRV', value: `0 100 5432 db-0.db.default.svc.${z}` },
      { name: `_pg._tcp.db.default.svc.${z}`, type: 'SRV', value: `0 100 5432 db-1.db.default.svc.${z}` },
      { name: `_pg._tcp.db.default.svc.${z}`, type: 'SRV', value: `0 100 5432 db-2.db.default.svc.${z}` },
      { name: `db-0.db.default.svc.${z}`, type: 'A', value: '172.16.1.10' },
      { name: `ext.default.svc.${z}`, type: 'CNAME', value: 'api.example.com' },
    ],
  } as unknown as Cluster;
}

const noUpstream = (): DnsAnswer => {
  throw new Error('must not forward');
};
const ask = (s: CoreDnsServer, name: string, type: DnsQuestion['type'] = 'A') => s.answer({ name, type }, noUpstream);

describe('parseCorefile', () => {
  it('reads kubeadm Corefile: one server block on .:53 with nested blocks', () => {
    const cf = parseCorefile(KUBEADM_COREFILE);
    expect(cf.problems).toEqual([]);
    expect(cf.servers).toHaveLength(1);
    expect(cf.servers[0]!.zones).toEqual([{ zone: '.', port: 53 }]);
    expect(cf.servers[0]!.directives.map((d) => d.name)).toEqual([
      'errors', 'health', 'ready', 'kubernetes', 'prometheus', 'forward', 'cache', 'loop', 'reload', 'loadbalance',
    ]);
    const problems: never[] = [];
    const cfg = interpretServer(cf.servers[0]!, problems);
    expect(cfg.kubernetes).toEqual({ zones: ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.'], pods: 'insecure', fallthrough: ['in-addr.arpa.', 'ip6.arpa.'], ttl: 30 });
    expect(cfg.forward).toEqual({ from: '.', to: ['/etc/resolv.conf'], policy: 'random' });
    expect(cfg.cacheSeconds).toBe(30);
  });
  it('reports rewrite and template as parsed but not modelled, and unknown plugins', () => {
    const text = KUBEADM_COREFILE.replace('    ready\n', '    ready\n    rewrite name foo.example.com foo.default.svc.cluster.local\n    template IN A example.org {\n      answer "{{ .Name }} 60 IN A 1.2.3.4"\n    }\n    frobnicate\n');
    const s = new CoreDnsServer(cluster(text), ['1.1.1.1']);
    expect(s.problems.map((p) => p.message)).toEqual([
      expect.stringContaining("'rewrite' is parsed but not modelled"),
      expect.stringContaining("'template' is parsed but not modelled"),
      expect.stringContaining("'frobnicate' is not a plugin"),
    ]);
    expect(s.problems[0]!.message).toContain('line 7') // after the 5-line header and 'ready' on line 6;
  });
  it('reports a missing closing brace', () => {
    expect(parseCorefile('.:53 {\n  errors\n').problems[0]!.code).toBe('corefile-syntax');
  });
});

describe('CoreDnsServer kubernetes plugin', () => {
  const s = new CoreDnsServer(cluster(), ['192.168.10.1'], 'coredns-a');
  it('answers a ClusterIP service with its cluster IP', () => {
    expect(ask(s, 'kube-dns.kube-system.svc.cluster.local').answer).toEqual({ rcode: 'NOERROR', answers: ['10.96.0.10'], server: 'coredns-a' });
  });
  it('answers a headless service with one A per ready endpoint, and endpoint hostnames', () => {
    expect(ask(s, 'db.default.svc.cluster.local').answer.answers).toEqual(['172.16.1.10', '172.16.2.11']);
    expect(ask(s, 'db-0.db.default.svc.cluster.local').answer.answers).toEqual(['172.16.1.10']);
  });
  it('answers SRV with CoreDNS weights: 100 for one record, floor(100/3)=33 for three', () => {
    expect(ask(s, '_dns._udp.kube-dns.kube-system.svc.cluster.local', 'SRV').answer.answers).toEqual(['0 100 53 kube-dns.kube-system.svc.cluster.local.']);
    expect(ask(s, '_pg._tcp.db.default.svc.cluster.local', 'SRV').answer.answers).toEqual([
      '0 33 5432 db-0.db.default.svc.cluster.local.',
      '0 33 5432 db-1.db.default.svc.cluster.local.',
      '0 33 5432 db-2.db.default.svc.cluster.local.',
    ]);
  });
  it('gives NODATA for AAAA of an existing name (IPv4-only cluster) and for an existing namespace', () => {
    expect(ask(s, 'kube-dns.kube-system.svc.cluster.local', 'AAAA').answer).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(ask(s, 'default.svc.cluster.local').answer).toMatchObject({ rcode: 'NOERROR', answers: [] });
    expect(ask(s, 'cluster.local').answer).toMatchObject({ rcode: 'NOERROR', answers: [] });
  });
  it('gives NXDOMAIN for the rest of the zone (no fallthrough for cluster.local)', () => {
    expect(ask(s, 'nope.default.svc.cluster.local').answer.rcode).toBe('NXDOMAIN');
    expect(ask(s, 'nope.svc.cluster.local').answer.rcode).toBe('NXDOMAIN');
    expect(ask(s, 'web.default.svc.cluster.local.default.svc.cluster.local').answer.rcode).toBe('NXDOMAIN');
    expect(ask(s, 'no-such-ns.svc.cluster.local').answer.rcode).toBe('NXDOMAIN');
  });
  it('echoes a-b-c-d.ns.pod.<zone> with pods insecure, refuses it with pods disabled', () => {
    expect(ask(s, '172-16-1-10.default.pod.cluster.local').answer.answers).toEqual(['172.16.1.10']);
    expect(ask(s, '172-16-1-999.default.pod.cluster.local').answer.rcode).toBe('NXDOMAIN');
    const off = new CoreDnsServer(cluster(KUBEADM_COREFILE.replace('pods insecure', 'pods disabled')), []);
    expect(ask(off, '172-16-1-10.default.pod.cluster.local').answer.rcode).toBe('NXDOMAIN');
  });
  it('forwards names outside the zone to the pod resolv.conf upstream (forward . /etc/resolv.conf)', () => {
    const seen: string[] = [];
    const r = s.answer({ name: 'example.com', type: 'A' }, (q, to) => {
      seen.push(`${q.name}@${to}`);
      return upstreamStandIn(q, to);
    });
    expect(seen).toEqual(['example.com@192.168.10.1']);
    expect(r.plugin).toBe('forward');
    expect(r.forwardedTo).toBe('192.168.10.1');
    expect(r.answer.rcode).toBe('NOERROR');
    expect(r.answer.answers[0]).toMatch(/^203\.0\.113\.\d+$/);
  });
  it('resolves an ExternalName as a CNAME plus the upstream answer for the target', () => {
    const r = s.answer({ name: 'ext.default.svc.cluster.local', type: 'A' }, upstreamStandIn);
    expect(r.answer.answers[0]).toBe('CNAME api.example.com.');
    expect(r.answer.answers).toHaveLength(2);
  });
  it('answers from the hosts plugin before kubernetes, whatever the Corefile order', () => {
    const text = KUBEADM_COREFILE.replace('    loadbalance\n', '    loadbalance\n    hosts {\n      10.0.0.5 registry.local.lab\n      fallthrough\n    }\n');
    const h = new CoreDnsServer(cluster(text), []);
    expect(ask(h, 'registry.local.lab').answer.answers).toEqual(['10.0.0.5']);
    expect(ask(h, 'registry.local.lab').plugin).toBe('hosts');
  });
});
