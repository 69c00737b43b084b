/**
 * CoreDNS as it answers inside a cluster: the server block for the query's zone, then its plugins
 * in CoreDNS's fixed order (hosts → kubernetes → forward), whatever order the Corefile lists them.
 * The `kubernetes` plugin follows the Kubernetes DNS-Based Service Discovery specification and
 * CoreDNS's own edge cases (NODATA for an existing name of another type, NODATA for an existing
 * namespace, `pods insecure` echoing the address in `a-b-c-d.ns.pod.<zone>`).
 */
import type { Cluster, DnsRecord } from '../cluster/types';
import { formatIPv4, isIPv4 } from '../net/ipv4';
import type { Problem } from '../problems';
import { interpretServer, parseCorefile, type ServerConfig } from './corefile';
import type { DnsAnswer, DnsQuestion } from './resolver';

export interface CoreDnsResult {
  answer: DnsAnswer;
  /** The plugin that produced the answer. */
  plugin: 'kubernetes' | 'hosts' | 'forward' | 'none';
  /** Set when the query left CoreDNS: the upstream resolver it was sent to. */
  forwardedTo?: string;
}

/** Asks an upstream resolver (the walker traces the packet and returns its answer). */
export type UpstreamAsk = (q: DnsQuestion, upstream: string) => DnsAnswer;

function inZone(name: string, zone: string): boolean {
  const n = `${name}.`;
  return zone === '.' || n === zone || n.endsWith(`.${zone}`);
}

/** Longest zone of `zones` that contains `name`, or undefined. */
function matchZone(name: string, zones: string[]): string | undefined {
  let best: string | undefined;
  for (const z of zones) if (inZone(name, z) && (best === undefined || z.length > best.length)) best = z;
  return best;
}

/** CoreDNS spreads SRV weight over the records of one priority: floor(100 / n) each. */
function srvAnswers(records: DnsRecord[]): string[] {
  const parsed = records.map((r) => r.value.trim().split(/\s+/));
  const perPriority = new Map<string, number>();
  for (const p of parsed) perPriority.set(p[0] ?? '0', (perPriority.get(p[0] ?? '0') ?? 0) + 1);
  return parsed.map((p) => {
    const prio = p[0] ?? '0';
    const target = (p[3] ?? '').replace(/\.?$/, '.');
    return `${prio} ${Math.floor(100 / (perPriority.get(prio) ?? 1))} ${p[2] ?? '0'} ${target}`;
  });
}

export class CoreDnsServer {
  readonly servers: ServerConfig[];
  readonly problems: Problem[];
  private readonly byName = new Map<string, DnsRecord[]>();
  private readonly namespaces: Set<string>;

  /**
   * @param upstreams the CoreDNS pod's own /etc/resolv.conf nameservers (dnsPolicy Default: the
   *   node's resolvers), used by `forward . /etc/resolv.conf`.
   */
  constructor(
    private readonly cluster: Cluster,
    private readonly upstreams: string[],
    private readonly identity = 'coredns',
  ) {
    const parsed = parseCorefile(cluster.corefile);
    this.problems = [...parsed.problems];
    this.servers = parsed.servers.map((b) => interpretServer(b, this.problems));
    for (const r of cluster.dnsRecords) {
      const key = r.name.toLowerCase().replace(/\.$/, '');
      const list = this.byName.get(key);
      if (list) list.push(r);
      else this.byName.set(key, [r]);
    }
    this.namespaces = new Set([
      ...cluster.namespaces.map((n) => n.name),
      ...cluster.services.map((s) => s.namespace),
      ...cluster.pods.map((p) => p.namespace),
    ]);
  }

  /** The server block CoreDNS picks for a query on port 53: the longest matching zone. */
  serverFor(name: string): ServerConfig | undefined {
    let best: ServerConfig | undefined;
    let bestLen = -1;
    for (const s of this.servers) {
      for (const z of s.zones) {
        if (z.port === 53 && inZone(name, z.zone) && z.zone.length > bestLen) {
          best = s;
          bestLen = z.zone.length;
        }
      }
    }
    return best;
  }

  answer(q: DnsQuestion, askUpstream: UpstreamAsk): CoreDnsResult {
    const name = q.name.toLowerCase().replace(/\.$/, '');
    const server = this.serverFor(name);
    const self = (rcode: DnsAnswer['rcode'], answers: string[] = []): DnsAnswer => ({ rcode, answers, server: this.identity });
    // No server block for the zone: CoreDNS answers REFUSED.
    if (!server) return { answer: self('REFUSED'), plugin: 'none' };

    if (server.hosts) {
      const hit = server.hosts.entries.filter((e) => e.names.includes(name));
      if (hit.length > 0) {
        const answers = hit.filter((e) => (q.type === 'A' ? isIPv4(e.ip) : q.type === 'AAAA' && !isIPv4(e.ip))).map((e) => e.ip);
        return { answer: self('NOERROR', answers), plugin: 'hosts' };
      }
      if (!server.hosts.fallthrough && matchZone(name, server.zones.map((z) => z.zone))) {
        return { answer: self('NXDOMAIN'), plugin: 'hosts' };
      }
    }

    const k = server.kubernetes;
    const kZone = k ? matchZone(name, k.zones) : undefined;
    if (k && kZone) {
      const local = this.kubernetesAnswer(name, q, kZone, k.pods, askUpstream);
      const fallsThrough = local.rcode === 'NXDOMAIN' && k.fallthrough !== null && (k.fallthrough.length === 0 || matchZone(name, k.fallthrough));
      if (!fallsThrough) return { answer: { ...local, server: local.server ?? this.identity }, plugin: 'kubernetes' };
    }

    if (server.forward && inZone(name, server.forward.from)) {
      const targets = server.forward.to.flatMap((t) => (t === '/etc/resolv.conf' ? this.upstreams : [t.replace(/^dns:\/\//, '').replace(/:53$/, '')]));
      // `policy random` would pick at random; the first upstream keeps traces deterministic.
      const to = targets[0];
      if (to === undefined) return { answer: self('SERVFAIL'), plugin: 'forward' };
      return { answer: askUpstream(q, to), plugin: 'forward', forwardedTo: to };
    }
    return { answer: self('REFUSED'), plugin: 'none' };
  }

  private kubernetesAnswer(name: string, q: DnsQuestion, zone: string, pods: 'disabled' | 'insecure' | 'verified', askUpstream: UpstreamAsk): DnsAnswer {
    const records = this.byName.get(name);
    const nodata: DnsAnswer = { rcode: 'NOERROR', answers: [] };
    if (`${name}.` === zone) return nodata; // the zone apex exists (SOA/NS), no A record
    if (records && records.length > 0) {
      if (q.type === 'A') {
        const a = records.filter((r) => r.type === 'A').map((r) => r.value);
        if (a.length) return { rcode: 'NOERROR', answers: a };
        const cname = records.find((r) => r.type === 'CNAME');
        if (cname) {
          // ExternalName: the CNAME, and CoreDNS resolves an out-of-zone target through its upstream.
          const target = cname.value.replace(/\.$/, '');
          const up = askUpstream({ name: target, type: 'A' }, this.upstreams[0] ?? '');
          return { rcode: up.rcode === 'NXDOMAIN' ? 'NOERROR' : up.rcode, answers: [`CNAME ${target}.`, ...up.answers] };
        }
        return nodata;
      }
      if (q.type === 'SRV') {
        const srv = records.filter((r) => r.type === 'SRV');
        return srv.length ? { rcode: 'NOERROR', answers: srvAnswers(srv) } : nodata;
      }
      if (q.type === 'PTR') return { rcode: 'NOERROR', answers: records.filter((r) => r.type === 'PTR').map((r) => r.value.replace(/\.?$/, '.')) };
      return nodata; // AAAA of an existing name in an IPv4-only cluster
    }
    const base = zone === '.' ? name : name.slice(0, name.length - zone.length);
    const labels = base === '' ? [] : base.split('.');
    const kind = labels[labels.length - 1];
    if (kind === 'pod' && labels.length === 3) {
      const ns = labels[1]!;
      const m = /^(\d{1,3})-(\d{1,3})-(\d{1,3})-(\d{1,3})$/.exec(labels[0]!);
      const ip = m ? m.slice(1).join('.') : '';
      if (pods === 'disabled' || !isIPv4(ip)) return { rcode: 'NXDOMAIN', answers: [] };
      if (pods === 'verified' && !this.cluster.pods.some((p) => p.namespace === ns && p.ip === ip)) return { rcode: 'NXDOMAIN', answers: [] };
      return q.type === 'A' ? { rcode: 'NOERROR', answers: [formatIPv4(ipNumber(ip))] } : nodata;
    }
    // `<ns>.svc.<zone>`: an existing namespace is a name without data.
    if (kind === 'svc' && labels.length === 2 && this.namespaces.has(labels[0]!)) return nodata;
    return { rcode: 'NXDOMAIN', answers: [] };
  }
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

/**
 * The world outside the cluster, which PacketWalk cannot know: public-looking names (a known
 * top-level domain) get a stand-in address from TEST-NET-3 (203.0.113.0/24, RFC 5737), derived
 * from the name so it is stable; names under private suffixes are NXDOMAIN; AAAA is NODATA because
 * the model is IPv4-only.
 */
const PUBLIC_TLDS = new Set(['com', 'org', 'net', 'io', 'dev', 'app', 'edu', 'gov', 'info', 'co', 'uk', 'de', 'fr', 'eu', 'cloud', 'ai', 'sh', 'me']);

export function upstreamStandIn(q: DnsQuestion, upstream: string): DnsAnswer {
  const name = q.name.toLowerCase().replace(/\.$/, '');
  const labels = name.split('.');
  const tld = labels[labels.length - 1] ?? '';
  const server = `upstream ${upstream}`;
  if (labels.length < 2 || !PUBLIC_TLDS.has(tld)) return { rcode: 'NXDOMAIN', answers: [], server };
  if (q.type !== 'A') return { rcode: 'NOERROR', answers: [], server };
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619) >>> 0;
  return { rcode: 'NOERROR', answers: [`203.0.113.${(h % 254) + 1}`], server };
}
