/**
 * One probe, sent for real and walked by the engine, compared aspect by aspect: verdict, receiving
 * endpoint, the peer address the receiving socket saw, the rules whose counters moved, DNS answers.
 */
import type { Trace, TracePath, Verdict } from '../src/engine/walk/types';
import type { CountedRule } from './rule-counters';

export type KernelResult = 'connected' | 'replied' | 'reply' | 'refused' | 'unreachable' | 'timeout' | 'error';

/** What the kernel's socket result means in the trace's words; several fit a silent timeout. */
export function verdictsFor(result: KernelResult): Verdict[] {
  switch (result) {
    case 'connected':
    case 'replied':
    case 'reply':
      return ['delivered'];
    case 'refused':
      return ['rejected'];
    case 'unreachable':
      return ['unroutable', 'rejected'];
    case 'timeout':
      return ['dropped', 'timeout', 'unroutable'];
    case 'error':
      return [];
  }
}

/** A rule the trace says matched: `node table text` (texts with single spaces). */
export type RuleKey = string;

const squash = (t: string) => t.replace(/\s+/g, ' ').trim();
export const ruleKey = (node: string, table: string, text: string): RuleKey => `${node} ${table} ${squash(text)}`;

/** Every rule a netfilter hop lists (all matched rules of that table at that hook, jumps followed). */
export function traceRules(path: TracePath | undefined): RuleKey[] {
  const out: RuleKey[] = [];
  for (const h of path?.hops ?? []) {
    if (h.kind !== 'netfilter' || !h.node || !h.detail.table) continue;
    const lines = (h.detail.lines ?? []).filter((l) => l.startsWith('-A ') || l.startsWith('-P '));
    if (lines.length === 0 && h.detail.rule) lines.push(h.detail.rule);
    for (const l of lines) out.push(ruleKey(h.node, h.detail.table, l));
  }
  return out;
}

export function kernelRules(moved: CountedRule[]): RuleKey[] {
  return moved.map((r) => ruleKey(r.node, r.table, r.text));
}

export interface RuleComparison {
  /** Counted by the kernel, not listed by the trace. */
  onlyKernel: RuleKey[];
  /** Listed by the trace, never counted by the kernel. */
  onlyTrace: RuleKey[];
}

export function compareRules(trace: RuleKey[], kernel: RuleKey[]): RuleComparison {
  const t = new Set(trace);
  const k = new Set(kernel);
  return { onlyKernel: [...k].filter((x) => !t.has(x)).sort(), onlyTrace: [...t].filter((x) => !k.has(x)).sort() };
}

/**
 * Rules only later packets of a TCP connection reach (the handshake's ACK, FIN, RST): the trace
 * walks the first packet and its answer, the kernel counts them all.
 */
export function laterTcpPacketRule(key: RuleKey): boolean {
  return /--ctstate (RELATED,)?ESTABLISHED|--ctstate RELATED,ESTABLISHED/.test(key);
}

export interface Observation {
  result: KernelResult;
  /** `<ns>/<pod>` of the receiving listener, `upstream`, `external`, or null when nothing arrived. */
  receiver: string | null;
  receiverIp: string | null;
  /** The peer address the receiving socket saw. */
  peer: string | null;
  rules: RuleKey[];
}

export interface Disagreement {
  aspect: 'verdict' | 'endpoint' | 'pick' | 'observedSource' | 'rules' | 'dns' | 'trace-error';
  kernel: string;
  trace: string;
}

/** The endpoint a DNAT rule chose: `--to-destination 10.0.0.5:8080` → `10.0.0.5`. */
export function dnatTarget(ruleText: string): string | undefined {
  return /-j DNAT --to-destination ([\d.]+)/.exec(ruleText)?.[1];
}

/** The endpoint a trace went to: the DNAT it applied, else where it delivered. */
export function traceEndpoint(trace: Trace): string | undefined {
  for (const h of trace.hops) {
    if (h.kind !== 'netfilter' && h.kind !== 'nat') continue;
    for (const l of [...(h.detail.lines ?? []), h.detail.rule ?? '']) {
      const ip = dnatTarget(l);
      if (ip) return ip;
    }
  }
  return trace.delivered?.ip;
}

export function compare(
  obs: Observation,
  trace: Trace,
  opts: { tcp: boolean },
): { disagreements: Disagreement[]; rules: RuleComparison } {
  const out: Disagreement[] = [];
  const allowed = verdictsFor(obs.result);
  if (!allowed.includes(trace.verdict)) out.push({ aspect: 'verdict', kernel: `${obs.result} (${allowed.join('|')})`, trace: trace.verdict });
  if (obs.receiver !== null || trace.delivered) {
    const tPod = trace.delivered?.pod ?? (trace.delivered ? `ip ${trace.delivered.ip}` : 'nothing');
    const kPod = obs.receiver ?? 'nothing';
    const same = trace.delivered ? (trace.delivered.pod ?? `ip ${trace.delivered.ip}`) === kPod || trace.delivered.ip === obs.receiverIp : kPod === 'nothing';
    if (!same) out.push({ aspect: 'endpoint', kernel: kPod, trace: tPod });
    if (obs.peer && trace.delivered && trace.delivered.observedSource !== obs.peer) {
      out.push({ aspect: 'observedSource', kernel: obs.peer, trace: trace.delivered.observedSource });
    }
  }
  const traced = [...traceRules(trace), ...traceRules(trace.reply)];
  const rules = compareRules(traced, obs.rules);
  const onlyKernel = opts.tcp ? rules.onlyKernel.filter((k) => !laterTcpPacketRule(k) && !/^\S+ filter /.test(k)) : rules.onlyKernel;
  if (onlyKernel.length || rules.onlyTrace.length) {
    out.push({ aspect: 'rules', kernel: onlyKernel.map((k) => `+ ${k}`).join('\n'), trace: rules.onlyTrace.map((k) => `- ${k}`).join('\n') });
  }
  return { disagreements: out, rules };
}
