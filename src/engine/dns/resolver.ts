/**
 * The pod's stub resolver, as glibc's `res_search` (resolv/res_query.c) walks names:
 *  - a name with at least `ndots` dots, or with a trailing dot, is tried as-is first;
 *  - a trailing dot stops there (the name is absolute);
 *  - otherwise each search domain is appended in order; NXDOMAIN, NODATA and SERVFAIL move on to
 *    the next candidate, any other failure (no answer at all: timeout, REFUSED) ends the walk;
 *  - finally the bare name, when it was not tried first.
 * getaddrinfo(AF_UNSPEC) sends A and AAAA for every candidate; a candidate succeeds when either has
 * an answer.
 */
import type { ResolvConf } from '../dataplane/types';

export type QueryType = 'A' | 'AAAA' | 'SRV' | 'PTR';
export type Rcode = 'NOERROR' | 'NXDOMAIN' | 'SERVFAIL' | 'REFUSED' | 'TIMEOUT';

export interface DnsQuestion {
  /** Fully qualified, no trailing dot. */
  name: string;
  type: QueryType;
}

export interface DnsAnswer {
  rcode: Rcode;
  /** A: addresses; SRV: `priority weight port target.`; CNAME chains are resolved before this. */
  answers: string[];
  /** Who answered, for the trace: `coredns/kube-system/coredns-…`, `upstream 1.1.1.1`, `hosts`. */
  server?: string;
}

export interface ResolverOptions {
  ndots: number;
  search: string[];
  nameservers: string[];
  attempts: number;
  timeoutSeconds: number;
}

/** glibc caps ndots at 15 (RES_MAXNDOTS) and defaults it to 1. */
const MAX_NDOTS = 15;

export function resolverOptions(conf: ResolvConf): ResolverOptions {
  const opts: ResolverOptions = {
    ndots: 1,
    search: conf.search.map((s) => s.replace(/\.$/, '')).filter((s) => s !== ''),
    nameservers: conf.nameservers.slice(0, 3), // MAXNS: glibc uses the first three
    attempts: 2,
    timeoutSeconds: 5,
  };
  for (const o of conf.options.flatMap((x) => x.split(/\s+/))) {
    const [key, value] = o.split(':');
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0) continue;
    if (key === 'ndots') opts.ndots = Math.min(n, MAX_NDOTS);
    else if (key === 'attempts') opts.attempts = Math.min(n, 5);
    else if (key === 'timeout') opts.timeoutSeconds = Math.min(n, 30);
  }
  return opts;
}

/** The candidate names in the order glibc tries them (without trailing dots). */
export function searchCandidates(name: string, opts: Pick<ResolverOptions, 'ndots' | 'search'>): string[] {
  const trailingDot = name.endsWith('.');
  const bare = name.replace(/\.+$/, '');
  if (bare === '') return [];
  const dots = (bare.match(/\./g) ?? []).length;
  const out: string[] = [];
  const asIsFirst = dots >= opts.ndots || trailingDot;
  if (asIsFirst) out.push(bare);
  if (trailingDot) return out;
  for (const domain of opts.search) out.push(`${bare}.${domain}`);
  if (!asIsFirst) out.push(bare);
  return out;
}

export interface ResolverQuery extends DnsQuestion {
  answer: DnsAnswer;
}

export interface Resolution {
  /** Every query sent, in order. */
  queries: ResolverQuery[];
  /** The name that answered, if any. */
  name?: string;
  addresses: string[];
  /** The outcome getaddrinfo reports. */
  result: 'ok' | 'nxdomain' | 'nodata' | 'servfail' | 'timeout';
}

/**
 * `Resolver.resolve(name, ask)` walks the candidates; `ask` sends one question and returns the
 * answer (the walker turns each call into a real UDP packet to the nameserver).
 */
export class Resolver {
  readonly options: ResolverOptions;

  constructor(conf: ResolvConf) {
    this.options = resolverOptions(conf);
  }

  candidates(name: string): string[] {
    return searchCandidates(name, this.options);
  }

  resolve(name: string, ask: (q: DnsQuestion) => DnsAnswer, types: QueryType[] = ['A', 'AAAA']): Resolution {
    const queries: ResolverQuery[] = [];
    let sawNodata = false;
    let sawServfail = false;
    for (const candidate of this.candidates(name)) {
      const answers = types.map((type) => {
        const answer = ask({ name: candidate, type });
        queries.push({ name: candidate, type, answer });
        return answer;
      });
      const hit = answers.filter((a) => a.rcode === 'NOERROR' && a.answers.length > 0);
      if (hit.length > 0) {
        return { queries, name: candidate, addresses: hit.flatMap((a) => a.answers), result: 'ok' };
      }
      // res_search's switch on h_errno: NO_DATA and HOST_NOT_FOUND continue, SERVFAIL (TRY_AGAIN)
      // continues and is remembered, anything else (no reply, REFUSED) stops the walk.
      if (answers.some((a) => a.rcode === 'NOERROR')) sawNodata = true;
      else if (answers.every((a) => a.rcode === 'NXDOMAIN')) continue;
      else if (answers.some((a) => a.rcode === 'SERVFAIL')) sawServfail = true;
      else if (answers.some((a) => a.rcode === 'TIMEOUT')) return { queries, addresses: [], result: 'timeout' };
      else return { queries, addresses: [], result: 'servfail' };
    }
    const result = sawNodata ? 'nodata' : sawServfail ? 'servfail' : 'nxdomain';
    return { queries, addresses: [], result };
  }
}
