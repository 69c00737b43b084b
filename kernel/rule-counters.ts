/**
 * `iptables-save -c` before and after a probe: which rules the kernel matched. A rule "matched" when
 * its packet counter moved, which is the same thing the walker's RuleHit means (all matches matched).
 */
import type { LabRunner } from './lab-runner';

export interface CountedRule {
  node: string;
  table: string;
  chain: string;
  /** 0-based position in its chain. */
  index: number;
  /** The rule in save form without counters: `-A CHAIN ... -j TARGET`. */
  text: string;
  packets: number;
}

export type CounterSnapshot = Map<string, CountedRule>;

const key = (r: { node: string; table: string; chain: string; index: number }) => `${r.node}|${r.table}|${r.chain}|${r.index}`;

export function parseSaveCounters(node: string, text: string): CountedRule[] {
  const out: CountedRule[] = [];
  let table = '';
  const seen = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) {
      table = line.slice(1).trim();
      seen.clear();
      continue;
    }
    // Built-in chains count the packets their policy decided: the walker lists those as `-P CHAIN POLICY`.
    const policy = /^:(\S+) (ACCEPT|DROP) \[(\d+):(\d+)\]$/.exec(line);
    if (policy) {
      out.push({ node, table, chain: policy[1]!, index: -1, text: `-P ${policy[1]} ${policy[2]}`, packets: Number(policy[3]) });
      continue;
    }
    const m = /^\[(\d+):(\d+)\] (-A (\S+).*)$/.exec(line);
    if (!m) continue;
    const chain = m[4]!;
    const index = seen.get(chain) ?? 0;
    seen.set(chain, index + 1);
    out.push({ node, table, chain, index, text: m[3]!, packets: Number(m[1]) });
  }
  return out;
}

/** The rule set as the kernel prints it back, without counters and comment lines. */
export function kernelSaveText(lab: LabRunner, netns: string): string {
  // A built-in chain's policy counters count every packet of the netns, including ones the kernel
  // sends on its own (IGMP membership reports after a bridge comes up): rule text only.
  return lab
    .exec(netns, ['iptables-save'])
    .stdout.split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.replace(/^(:\S+ \S+) \[\d+:\d+\]$/, '$1 [0:0]'))
    .join('\n');
}

export function snapshot(lab: LabRunner, nodes: { node: string; netns: string }[]): CounterSnapshot {
  const snap: CounterSnapshot = new Map();
  for (const n of nodes) {
    for (const r of parseSaveCounters(n.node, lab.exec(n.netns, ['iptables-save', '-c']).stdout)) snap.set(key(r), r);
  }
  return snap;
}

/** Rules whose packet counter moved between two snapshots, with how many packets matched. */
export function movedRules(before: CounterSnapshot, after: CounterSnapshot): CountedRule[] {
  const out: CountedRule[] = [];
  for (const [k, r] of after) {
    const delta = r.packets - (before.get(k)?.packets ?? 0);
    if (delta > 0) out.push({ ...r, packets: delta });
  }
  return out;
}
