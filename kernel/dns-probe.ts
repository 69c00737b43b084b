/**
 * Scenario 7 for real: stub DNS servers in the CoreDNS pods (answering from the model's records,
 * forwarding the rest) and in the upstream netns, lookups through the client pod's own glibc
 * resolver (`getent ahosts`, with the kubelet-style resolv.conf the lab wrote), and the comparison
 * of every query the servers saw with the trace's `dns` list.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DnsRecord } from '../src/engine/cluster/types';
import { upstreamStandIn } from '../src/engine/dns';
import type { Trace } from '../src/engine/walk/types';
import type { Disagreement } from './conformance';
import { readRecords, run, type LabRunner } from './lab-runner';

export interface StubZone {
  /** Names under it that have no record are NXDOMAIN; null: every name not listed is NXDOMAIN. */
  zone: string | null;
  records: Pick<DnsRecord, 'name' | 'type' | 'value'>[];
  forward: string | null;
}

export interface ServedQuery {
  t: number;
  name: string;
  type: string;
  rcode: string;
  answers: string[] | number;
  forwarded?: string;
}

export class DnsStubs {
  private readonly coreDnsLogs: string[] = [];
  private upstreamLog: string | undefined;
  private readonly seen = new Map<string, number>();

  constructor(private readonly lab: LabRunner) {}

  /** Starts a stub in `netns`; `forward` set means it plays CoreDNS (its log is what the pods asked). */
  async start(netns: string, zone: StubZone): Promise<string> {
    const zoneFile = join(this.lab.dir, `${netns}-zone.json`);
    const log = join(this.lab.dir, `${netns}-dns.jsonl`);
    writeFileSync(zoneFile, JSON.stringify(zone));
    await this.lab.startAgent(netns, [process.execPath, this.lab.agentPath('dns-server.mjs'), zoneFile, log]);
    if (zone.zone !== null) this.coreDnsLogs.push(log);
    else this.upstreamLog = log;
    return log;
  }

  mark(): void {
    for (const l of [...this.coreDnsLogs, ...(this.upstreamLog ? [this.upstreamLog] : [])]) this.seen.set(l, readRecords(l).length);
  }

  /** What the upstream answered since `mark()`, by `name type`. */
  upstreamAnswers(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    if (!this.upstreamLog) return out;
    for (const q of readRecords<ServedQuery & { raw?: boolean }>(this.upstreamLog).slice(this.seen.get(this.upstreamLog) ?? 0)) {
      if (!q.raw && Array.isArray(q.answers)) out.set(`${q.name} ${q.type}`, q.answers);
    }
    return out;
  }

  /** Queries the CoreDNS stubs answered since `mark()`, in arrival order. */
  queriesSinceMark(): ServedQuery[] {
    const out: ServedQuery[] = [];
    for (const l of this.coreDnsLogs) {
      out.push(...readRecords<ServedQuery & { raw?: boolean }>(l).slice(this.seen.get(l) ?? 0).filter((q) => !q.raw));
    }
    return out.sort((a, b) => a.t - b.t);
  }
}

/** The upstream's answers for the names the probes may forward: the engine's stand-in for the internet. */
export function upstreamRecords(names: string[], upstream: string): StubZone['records'] {
  const out: StubZone['records'] = [];
  for (const name of names) {
    const a = upstreamStandIn({ name, type: 'A' }, upstream);
    for (const value of a.rcode === 'NOERROR' ? a.answers : []) out.push({ name, type: 'A', value });
  }
  return out;
}

export interface Lookup {
  found: boolean;
  addresses: string[];
}

/** getaddrinfo(AF_UNSPEC) in the pod through python3 (A and AAAA per candidate), else getent (A only). */
export function lookup(lab: LabRunner, netns: string, name: string, python: string | null): Lookup {
  if (python) {
    const r = run('timeout', ['15', 'ip', 'netns', 'exec', netns, python, lab.agentPath('lookup.py'), name]);
    return JSON.parse(r.stdout || '{"found":false,"addresses":[]}') as Lookup;
  }
  const r = run('timeout', ['15', 'ip', 'netns', 'exec', netns, 'getent', 'ahosts', name]);
  const addresses = [...new Set(r.stdout.split('\n').map((l) => l.split(/\s+/)[0] ?? '').filter((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a)))].sort();
  return { found: r.status === 0, addresses };
}

const line = (name: string, type: string, rcode: string, answers: string[]) => `${name} ${type} ${rcode} [${[...answers].sort().join(' ')}]`;

export function compareDns(kernel: Lookup, served: ServedQuery[], upstream: Map<string, string[]>, trace: Trace): Disagreement[] {
  const out: Disagreement[] = [];
  // CoreDNS relays a forwarded answer as it came: its records are what the upstream logged.
  const k = served.map((q) => line(q.name, q.type, q.rcode, Array.isArray(q.answers) ? q.answers : (upstream.get(`${q.name} ${q.type}`) ?? [])));
  // A query the trace marks TIMEOUT never reached a server (refused or dropped on the way): no
  // server can have logged it, so it is left out of the comparison of what the servers saw.
  const t = (trace.dns ?? []).filter((q) => q.rcode !== 'TIMEOUT').map((q) => line(q.name, q.type, q.rcode, q.answers));
  if (k.join('\n') !== t.join('\n')) out.push({ aspect: 'dns', kernel: k.join('\n'), trace: t.join('\n') });
  const answered = [...(trace.dns ?? [])].reverse().find((q) => q.rcode === 'NOERROR' && q.answers.length > 0);
  const traceFound = trace.verdict !== 'nxdomain' && trace.verdict !== 'timeout' && answered !== undefined;
  const traceAddrs = (trace.dns ?? []).filter((q) => q.name === answered?.name && q.type === 'A').flatMap((q) => q.answers).sort();
  if (kernel.found !== traceFound || (kernel.found && kernel.addresses.join(' ') !== traceAddrs.join(' '))) {
    out.push({ aspect: 'dns', kernel: kernel.found ? `resolved ${kernel.addresses.join(' ')}` : 'not found', trace: traceFound ? `resolved ${traceAddrs.join(' ')}` : trace.verdict });
  }
  return out;
}
