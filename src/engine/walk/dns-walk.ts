/**
 * Scenario 7: the pod's resolver walks its search list; every query is a UDP packet to the
 * nameserver in its /etc/resolv.conf. The first query is traced packet by packet (DNAT of the
 * cluster DNS IP to a CoreDNS pod, CoreDNS's answer, the reply un-DNATed by conntrack); the ones
 * after it take the same path and are recorded as `dns` hops. A name outside the cluster zone is
 * forwarded by CoreDNS from its own pod to the upstream resolver (traced the first time, with the
 * node's MASQUERADE when it leaves). Then the connection to the answer follows in the same trace.
 */
import type { ResolvConf } from '../dataplane/types';
import { CoreDnsServer, Resolver, upstreamStandIn, type DnsAnswer, type DnsQuestion } from '../dns';
import { at, type Outcome, type Pkt, type WalkContext, type Where } from './context';
import { ephemeralPort, finishTrace, sendIcmpError, sendReply, type Source } from './scenario';
import { sendLocal } from './stack';
import type { DnsQueryRecord, Hop, L4Proto, Trace, TraceRequest, Verdict } from './types';

/** kubelet's ClusterFirst resolv.conf, for a netns the dataplane gave none. */
function clusterFirstConf(ctx: WalkContext, w: Where): ResolvConf {
  const s = ctx.cluster.settings;
  const ns = w.nsId.startsWith('pod:') ? w.nsId.slice(4).split('/')[0]! : 'default';
  const d = s.clusterDomain;
  return { nameservers: [s.clusterDNS], search: [`${ns}.svc.${d}`, `svc.${d}`, d], options: ['ndots:5'] };
}

function appendPath(ctx: WalkContext, hops: Hop[]): void {
  for (const h of hops) ctx.hops.push({ ...h, seq: ctx.hops.length + 1 });
}

function answerText(a: DnsAnswer): string {
  if (a.rcode !== 'NOERROR') return a.rcode;
  return a.answers.length ? a.answers.join(', ') : 'NOERROR, no records (NODATA)';
}

export function traceDns(ctx: WalkContext, src: Source, ep: { name: string; port?: number }, proto: L4Proto, req: TraceRequest): Trace | { error: string } {
  if (src.kind !== 'netns') return { error: '--to dns:…: a lookup starts in a pod or on a node, not outside the cluster' };
  const client = src.w;
  const conf = client.ns.resolvConf ?? clusterFirstConf(ctx, client);
  const resolver = new Resolver(conf);
  const records: DnsQueryRecord[] = [];
  const servers = new Map<string, CoreDnsServer>();
  let server: { w: Where; pod: string; arrived: Pkt } | undefined;
  let firstFailure: Verdict | undefined;
  let forwardTraced = false;
  let queried = false;

  const coreDns = (w: Where, pod: string): CoreDnsServer => {
    let s = servers.get(pod);
    if (!s) {
      const upstreams = w.ns.resolvConf?.nameservers ?? ctx.cluster.settings.upstreamDNS;
      s = new CoreDnsServer(ctx.cluster, upstreams, `coredns ${pod}`);
      servers.set(pod, s);
    }
    return s;
  };

  const askUpstream = (w: Where) => (q: DnsQuestion, to: string): DnsAnswer => {
    if (forwardTraced) return upstreamStandIn(q, to);
    forwardTraced = true;
    const pkt: Pkt = { src: '', dst: to, proto: 'udp', sport: ephemeralPort(ctx), dport: 53, ttl: 64, mark: 0 };
    const out = sendLocal(ctx, w, pkt);
    if (out.verdict !== 'delivered') return { rcode: 'SERVFAIL', answers: [], server: `upstream ${to}` };
    const arrived = ctx.hops[ctx.hops.length - 1]!.packet;
    const answer = upstreamStandIn(q, to);
    ctx.hop({ node: null, netns: 'external' }, 'dns', pkt, { query: `${q.type} ${q.name}`, answer: answerText(answer) }, `The upstream resolver ${to} answers ${answerText(answer)}${answer.answers.length ? ' (a stand-in address: PacketWalk does not know the internet\'s records)' : ''}.`, {});
    const back = sendReply(ctx, out, arrived);
    if (back) appendPath(ctx, back.hops);
    return answer;
  };

  const ask = (q: DnsQuestion): DnsAnswer => {
    const ns = resolver.options.nameservers[0];
    const record = (a: DnsAnswer): DnsAnswer => {
      const r: DnsQueryRecord = { name: q.name, type: q.type, rcode: a.rcode, answers: a.answers };
      if (a.server) r.server = a.server;
      records.push(r);
      return a;
    };
    if (!ns) return record({ rcode: 'TIMEOUT', answers: [] });
    if (!queried) {
      queried = true;
      const pkt: Pkt = { src: '', dst: ns, proto: 'udp', sport: ephemeralPort(ctx), dport: 53, ttl: 64, mark: 0 };
      const out: Outcome = sendLocal(ctx, client, pkt);
      if (out.verdict !== 'delivered' || !out.at || 'external' in out.at) {
        firstFailure = out.verdict === 'delivered' ? 'timeout' : out.verdict;
        // A refused query comes back as an ICMP error: the resolver's socket fails at once.
        if (out.icmpError) appendPath(ctx, sendIcmpError(ctx, out.icmpError).hops);
        return record({ rcode: 'TIMEOUT', answers: [] });
      }
      const arrived = ctx.hops[ctx.hops.length - 1]!.packet;
      server = { w: out.at, pod: out.delivered?.pod ?? out.at.nsId, arrived: { ...arrived, mark: 0 } };
      const result = coreDns(server.w, server.pod).answer(q, askUpstream(server.w));
      ctx.hop(at(server.w), 'dns', { ...arrived, mark: 0 }, { query: `${q.type} ${q.name}`, answer: answerText(result.answer) }, `CoreDNS (${result.plugin} plugin) answers ${q.type} ${q.name}: ${answerText(result.answer)}.`, {
        commands: [`kubectl -n kube-system logs ${server.pod.split('/')[1] ?? ''}`],
      });
      const back = sendReply(ctx, out, arrived);
      if (back) appendPath(ctx, back.hops);
      return record(result.answer);
    }
    if (!server) return record({ rcode: 'TIMEOUT', answers: [] });
    const result = coreDns(server.w, server.pod).answer(q, askUpstream(server.w));
    ctx.hop(at(server.w), 'dns', server.arrived, { query: `${q.type} ${q.name}`, answer: answerText(result.answer) }, `The next query, ${q.type} ${q.name}, takes the same path; CoreDNS (${result.plugin} plugin) answers ${answerText(result.answer)}.`, {});
    return record(result.answer);
  };

  const pick = ctx.pick;
  ctx.pick = undefined;
  const resolution = resolver.resolve(ep.name, ask);
  ctx.pick = pick;
  if (resolution.result !== 'ok') {
    const verdict: Verdict = firstFailure ?? (resolution.result === 'timeout' || resolution.result === 'servfail' ? 'timeout' : 'nxdomain');
    const trace: Trace = { verdict, hops: ctx.hops, dns: records };
    const entries = [...ctx.conntrack.values()].flatMap((t) => t.entries);
    if (entries.length) trace.conntrack = entries;
    return trace;
  }
  const ip = resolution.addresses.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a));
  if (!ip) return { verdict: 'nxdomain', hops: ctx.hops, dns: records };
  const prefix = { hops: ctx.hops, dns: records };
  ctx.hops = [];
  const port = proto === 'icmp' ? undefined : (ep.port ?? req.port ?? 80);
  return finishTrace(ctx, src, { ip, port }, proto, req, prefix);
}
