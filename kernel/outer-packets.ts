/**
 * The rules an encapsulated packet's outer header meets. The kernel sends a VXLAN packet like any
 * locally generated UDP datagram (OUTPUT, POSTROUTING on the sending node) and receives it like one
 * (PREROUTING, INPUT on the receiving node); each direction's outer flow is its own conntrack entry,
 * so nat sees both. The walker does not walk outer headers through netfilter yet, so the comparison
 * adds what the engine's own evaluator says these hooks do to the trace's rules, tagged as a known gap.
 */
import type { EngineModel } from '../src/engine';
import { evaluateHook } from '../src/engine/netfilter';
import type { BuiltinChain, NetfilterEnv, NetfilterPacket, TableName } from '../src/engine/netfilter/types';
import type { TracePath } from '../src/engine/walk/types';
import { ruleKey, type RuleKey } from './conformance';

const SEND: [TableName, BuiltinChain][] = [
  ['raw', 'OUTPUT'],
  ['mangle', 'OUTPUT'],
  ['nat', 'OUTPUT'],
  ['filter', 'OUTPUT'],
  ['mangle', 'POSTROUTING'],
  ['nat', 'POSTROUTING'],
];
const RECEIVE: [TableName, BuiltinChain][] = [
  ['raw', 'PREROUTING'],
  ['mangle', 'PREROUTING'],
  ['nat', 'PREROUTING'],
  ['mangle', 'INPUT'],
  ['filter', 'INPUT'],
  ['nat', 'INPUT'],
];

function env(model: EngineModel, node: string): NetfilterEnv {
  const nd = model.dataplane.nodes[node]!;
  const local = new Set(nd.host.interfaces.flatMap((i) => i.addresses.map((a) => a.ip)));
  return {
    addressType: (ip) => (local.has(ip) || ip.startsWith('127.') ? 'LOCAL' : 'UNICAST'),
    ipsets: nd.ipsets,
    chooseRandom: () => false,
  };
}

function walkHooks(model: EngineModel, node: string, hooks: [TableName, BuiltinChain][], pkt: NetfilterPacket): RuleKey[] {
  const nd = model.dataplane.nodes[node];
  if (!nd) return [];
  const out: RuleKey[] = [];
  let p = pkt;
  for (const [table, hook] of hooks) {
    if (!nd.iptables.tables.some((t) => t.name === table && t.chains.some((c) => c.name === hook && c.rules.length > 0))) continue;
    const res = evaluateHook(nd.iptables, table, hook, p, env(model, node));
    for (const h of res.hits) out.push(ruleKey(node, table, h.text));
    p = res.packet;
    if (res.verdict !== 'ACCEPT') break;
  }
  return out;
}

/**
 * The inner packet's skb mark when it reaches the tunnel device: the MARK rules it met on this node,
 * in order. The outer packet inherits it (skb_scrub_packet keeps the mark within one netns), which
 * is why Felix's cali-OUTPUT accepts it on its first rule (`--mark 0x10000/0x10000`).
 */
function innerMark(hops: TracePath['hops'], upTo: number, node: string): number {
  let mark = 0;
  for (let j = upTo - 1; j >= 0 && hops[j]!.node === node; j--) {
    /* find where this node's part of the path starts */
    if (j === 0 || hops[j - 1]!.node !== node) {
      for (const h of hops.slice(j, upTo)) {
        for (const l of h.kind === 'netfilter' ? (h.detail.lines ?? []) : []) {
          const m = /-j MARK --set-xmark (0x[0-9a-f]+)\/(0x[0-9a-f]+)/.exec(l);
          if (m) mark = ((mark & ~Number(m[2])) ^ Number(m[1])) >>> 0;
        }
      }
      break;
    }
  }
  return mark;
}

/** Rule keys for the outer header of every VXLAN hop in a path: sender's OUTPUT side, receiver's INPUT side. */
export function outerPacketRules(model: EngineModel, path: TracePath | undefined): RuleKey[] {
  const out: RuleKey[] = [];
  const hops = path?.hops ?? [];
  hops.forEach((h, i) => {
    const o = h.packet.outer;
    if (h.kind !== 'encap' || !o || o.proto !== 'udp' || !h.node) return;
    const pkt: NetfilterPacket = {
      src: o.src,
      dst: o.dst,
      proto: 'udp',
      ...(o.sport !== undefined ? { sport: o.sport } : {}),
      ...(o.dport !== undefined ? { dport: o.dport } : {}),
      mark: 0,
      ctState: 'NEW',
      ctNat: { dnat: false, snat: false },
    };
    const iface = hops.find((x, j) => j > i && x.node === h.node && x.kind === 'route')?.iface ?? 'eth0';
    out.push(...walkHooks(model, h.node, SEND, { ...pkt, mark: innerMark(hops, i, h.node), outIface: iface }));
    const decap = hops.find((x, j) => j > i && x.kind === 'decap');
    if (decap?.node) out.push(...walkHooks(model, decap.node, RECEIVE, { ...pkt, inIface: 'eth0' }));
  });
  return out;
}
