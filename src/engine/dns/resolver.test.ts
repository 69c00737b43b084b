import { describe, expect, it } from 'vitest';
import { Resolver, resolverOptions, searchCandidates, type DnsAnswer, type DnsQuestion } from './resolver';

// The resolv.conf kubelet writes for a ClusterFirst pod in `default` (Kubernetes DNS docs).
const podConf = {
  nameservers: ['10.96.0.10'],
  search: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
  options: ['ndots:5'],
};

describe('searchCandidates (glibc res_search order)', () => {
  it('appends each search domain, then tries the bare name, when dots < ndots', () => {
    expect(searchCandidates('web', { ndots: 5, search: podConf.search })).toEqual([
      'web.default.svc.cluster.local',
      'web.svc.cluster.local',
      'web.cluster.local',
      'web',
    ]);
    // example.com has 1 dot < 5: the famous ndots:5 cost, three in-cluster misses first.
    expect(searchCandidates('example.com', { ndots: 5, search: podConf.search })).toEqual([
      'example.com.default.svc.cluster.local',
      'example.com.svc.cluster.local',
      'example.com.cluster.local',
      'example.com',
    ]);
  });
  it('tries the name as-is first when it has at least ndots dots, then still walks the list', () => {
    expect(searchCandidates('a.b.c.d.e.f', { ndots: 5, search: ['x'] })).toEqual(['a.b.c.d.e.f', 'a.b.c.d.e.f.x']);
    expect(searchCandidates('api.example.com', { ndots: 1, search: ['corp'] })).toEqual(['api.example.com', 'api.example.com.corp']);
    // ndots:0: even a single label is tried as-is first, and not again at the end.
    expect(searchCandidates('web', { ndots: 0, search: ['a'] })).toEqual(['web', 'web.a']);
  });
  it('treats a trailing dot as absolute: one candidate, no search', () => {
    expect(searchCandidates('kubernetes.default.svc.cluster.local.', { ndots: 5, search: podConf.search })).toEqual([
      'kubernetes.default.svc.cluster.local',
    ]);
  });
  it('reads ndots from options and caps it at 15 like RES_MAXNDOTS', () => {
    expect(resolverOptions(podConf).ndots).toBe(5);
    expect(resolverOptions({ ...podConf, options: ['ndots:30'] }).ndots).toBe(15);
    expect(resolverOptions({ ...podConf, options: [] }).ndots).toBe(1);
  });
});

describe('Resolver.resolve', () => {
  const zone: Record<string, string[]> = { 'web.default.svc.cluster.local': ['10.96.5.5'], 'example.com': ['203.0.113.9'] };
  const exists = new Set(['default.svc.cluster.local']);
  const ask = (q: DnsQuestion): DnsAnswer => {
    const a = zone[q.name];
    if (a) return { rcode: 'NOERROR', answers: q.type === 'A' ? a : [] };
    return exists.has(q.name) ? { rcode: 'NOERROR', answers: [] } : { rcode: 'NXDOMAIN', answers: [] };
  };
  it('sends A and AAAA per candidate and stops at the first that answers', () => {
    const r = new Resolver(podConf).resolve('web', ask);
    expect(r.result).toBe('ok');
    expect(r.addresses).toEqual(['10.96.5.5']);
    // AAAA is NODATA but A answered: the candidate succeeds, nothing more is sent.
    expect(r.queries.map((q) => `${q.type} ${q.name}`)).toEqual(['A web.default.svc.cluster.local', 'AAAA web.default.svc.cluster.local']);
  });
  it('continues on NXDOMAIN through the whole list to the bare name', () => {
    const r = new Resolver(podConf).resolve('example.com', ask);
    expect(r.queries).toHaveLength(8);
    expect(r.name).toBe('example.com');
    expect(r.addresses).toEqual(['203.0.113.9']);
  });
  it('reports NODATA when some candidate existed without an address, NXDOMAIN otherwise', () => {
    expect(new Resolver({ ...podConf, search: ['svc.cluster.local'] }).resolve('default', ask).result).toBe('nodata');
    expect(new Resolver(podConf).resolve('nothing-here', ask).result).toBe('nxdomain');
  });
  it('stops the walk when the server does not answer at all', () => {
    const r = new Resolver(podConf).resolve('web', () => ({ rcode: 'TIMEOUT', answers: [] }));
    expect(r.result).toBe('timeout');
    expect(r.queries).toHaveLength(2);
  });
});
