/**
 * Netfilter at one hook of one host netns, in the kernel's priority order
 * (raw -300, conntrack -200, mangle -150, nat DNAT -100, filter 0, security 50, nat SNAT 100),
 * through the one evaluator. The nat table only sees a connection's first packet; later packets
 * and replies are translated by conntrack (see `stack.ts`).
 */
import { evaluateHook } from '../netfilter';
import type { BuiltinChain, ConntrackTuple, HookResult, NatAction, NetfilterEnv, NetfilterPacket, RuleRef, Ruleset, TableName } from '../netfilter/types';
import { parseIPv4 } from '../net/ipv4';
import { at, inNs, type Pkt, type WalkContext, type Where } from './context';
import { isLocalAddress } from './routing';

const TABLES_AT: Record<BuiltinChain, TableName[]> = {
  PREROUTING: ['raw', 'mangle', 'nat'],
  INPUT: ['mangle', 'filter', 'security', 'nat'],
  FORWARD: ['mangle', 'filter', 'security'],
  OUTPUT: ['raw', 'mangle', 'nat', 'filter', 'security'],
  POSTROUTING: ['mangle', 'nat'],
};

export interface HookIo {
  inIface?: string;
  outIface?: string;
  ctState: NetfilterPacket['ctState'];
  ctNat: { dnat: boolean; snat: boolean };
  /** br_netfilter: the frame is being bridged between these ports. */
  physdev?: { in?: string; out?: string };
  /** The packet's direction in its connection, and the connection's tuples once known. */
  ctDir?: 'ORIGINAL' | 'REPLY';
  ctOrig?: ConntrackTuple;
  ctReply?: ConntrackTuple;
  /** The rules see the tunnel's outer header (`pkt.outer`), a packet of its own to netfilter. */
  outer?: boolean;
}

export interface HookOutcome {
  verdict: 'ACCEPT' | 'DROP' | 'REJECT';
  rejectWith?: string;
  /** NAT the nat table asked for (applied by the caller, which knows the route for MASQUERADE). */
  nat?: NatAction;
  /** The table that decided a DROP/REJECT, and the rule (absent when a chain policy did). */
  table?: TableName;
  chain?: string;
  rule?: string;
  /** The stop was already recorded (by the DNAT callback). */
  handled?: boolean;
}

function hasRules(rs: Ruleset, table: TableName, chain: string): boolean {
  const c = rs.tables.find((t) => t.name === table)?.chains.find((x) => x.name === chain);
  return !!c && (c.rules.length > 0 || c.policy === 'DROP');
}

function chainRules(rs: Ruleset, table: TableName, chain: string) {
  return rs.tables.find((t) => t.name === table)?.chains.find((c) => c.name === chain)?.rules;
}

/**
 * `--pick IP`: the statistic rule "matches" when the chain it jumps to DNATs to that IP, which is
 * how a user would read KUBE-SVC-… to force one endpoint.
 */
function dnatTargetOf(rs: Ruleset, ref: RuleRef): string | undefined {
  const rule = chainRules(rs, ref.table, ref.chain)?.[ref.index];
  const chain = rule?.target?.name;
  if (!chain) return undefined;
  for (const r of chainRules(rs, ref.table, chain) ?? []) {
    if (r.target?.name === 'DNAT') return r.target.options.find((o) => o.name === 'to-destination')?.values[0];
  }
  return undefined;
}

export function netfilterEnv(ctx: WalkContext, w: Where, rs: Ruleset, ipsets: NetfilterEnv['ipsets']): NetfilterEnv {
  return {
    addressType(ip) {
      if (isLocalAddress(w.ns, ip)) return 'LOCAL';
      const n = parseIPv4(ip) ?? 0;
      if (n >>> 28 === 0xe) return 'MULTICAST';
      if (ip === '255.255.255.255' || w.ns.routes.some((r) => r.type === 'broadcast' && r.dst === ip)) return 'BROADCAST';
      return 'UNICAST';
    },
    ipsets,
    recent: ctx.recent,
    chooseRandom(probability, ref) {
      if (ctx.pick !== undefined) {
        const to = dnatTargetOf(rs, ref);
        if (to !== undefined) {
          return to === ctx.pick || to.startsWith(`${ctx.pick}:`);
        }
      }
      return ctx.prng.next() < probability;
    },
  };
}

/** The deepest user chain the packet entered, for `iptables -t nat -L <chain> -n -v`. */
function interestingChain(res: HookResult): string {
  const user = res.chains.filter((c) => !/^(PREROUTING|INPUT|FORWARD|OUTPUT|POSTROUTING)$/.test(c));
  return user[user.length - 1] ?? res.chains[0] ?? '';
}

function explainTable(table: TableName, hook: BuiltinChain, res: HookResult): string {
  const last = res.hits[res.hits.length - 1];
  // The chains the packet walked, without immediate repeats (a RETURN back into the caller).
  const path = res.chains.filter((c, i) => c !== res.chains[i - 1]).join(' → ');
  const via = res.chains.length > 1 ? ` (${path})` : '';
  if (res.verdict === 'DROP') return `The ${table} table's ${hook} chain drops the packet${last ? ` in ${last.ref.chain}` : ' by policy'}${via}.`;
  if (res.verdict === 'REJECT') return `The ${table} table's ${hook} chain rejects the packet${res.rejectWith ? ` with ${res.rejectWith}` : ''}${last ? ` in ${last.ref.chain}` : ''}${via}.`;
  if (res.nat) {
    const to = res.nat.toIp ? ` to ${res.nat.toIp}${res.nat.toPort !== undefined ? `:${res.nat.toPort}` : ''}` : '';
    return `The ${table} table's ${hook} chain walks ${path} and ends in ${res.nat.kind}${to}.`;
  }
  if (last && !res.byPolicy) return `The ${table} table's ${hook} chain walks ${path}; ${last.ref.chain} → ${last.target} lets the packet continue.`;
  return `The ${table} table's ${hook} chain${via} lets the packet continue to the ${res.verdict === 'ACCEPT' ? 'ACCEPT' : res.verdict} policy.`;
}

/** Runs every table registered at `hook` in the host netns `w`; records one hop per table that acted. */
/**
 * `onDnat`: called as soon as the nat table asks for DNAT (OUTPUT: filter comes after nat and sees
 * the new destination, and the kernel re-routes right there); returns the new output device, or
 * a stop when the new destination cannot be routed.
 */
export function runHook(ctx: WalkContext, w: Where, hook: BuiltinChain, pkt: Pkt, io: HookIo, onDnat?: (nat: NatAction) => { outIface?: string } | 'stop'): HookOutcome {
  const dp = ctx.nodeDp(w.node);
  if (!dp || w.nsId !== 'host') return { verdict: 'ACCEPT' };
  const rs = dp.iptables;
  const env = netfilterEnv(ctx, w, rs, dp.ipsets);
  let nat: NatAction | undefined;
  for (const table of TABLES_AT[hook]) {
    if (table === 'nat' && io.ctState !== 'NEW') continue;
    if (!hasRules(rs, table, hook)) continue;
    const h = io.outer && pkt.outer ? pkt.outer : pkt;
    const nfp: NetfilterPacket = {
      src: h.src,
      dst: h.dst,
      proto: h.proto === 'ipip' ? 'ipencap' : h.proto,
      mark: pkt.mark,
      ctState: io.ctState,
      ctNat: io.ctNat,
    };
    if (h.sport !== undefined) nfp.sport = h.sport;
    if (h.dport !== undefined) nfp.dport = h.dport;
    if (!io.outer && pkt.icmp) {
      nfp.icmpType = pkt.icmp.type;
      nfp.icmpCode = pkt.icmp.code;
    }
    if (io.inIface) nfp.inIface = io.inIface;
    if (io.outIface) nfp.outIface = io.outIface;
    if (io.ctDir) nfp.ctDir = io.ctDir;
    if (io.ctOrig) nfp.ctOrig = io.ctOrig;
    if (io.ctReply) nfp.ctReply = io.ctReply;
    if (nfp.proto === 'tcp') nfp.tcpFlags = io.ctDir === 'REPLY' ? ['SYN', 'ACK'] : io.ctState === 'NEW' ? ['SYN'] : ['ACK'];
    if (io.physdev) {
      nfp.physdevIsBridged = true;
      if (io.physdev.in) nfp.physdevIn = io.physdev.in;
      if (io.physdev.out) nfp.physdevOut = io.physdev.out;
    }
    const res = evaluateHook(rs, table, hook, nfp, env);
    pkt.mark = res.packet.mark;
    for (const u of res.recent ?? []) {
      // Session affinity (`-m recent --set`): remember the client for the next connection.
      const list = (ctx.recent[u.name] ??= []);
      if (u.op === 'remove') ctx.recent[u.name] = list.filter((ip) => ip !== u.ip);
      else if (!list.includes(u.ip)) list.push(u.ip);
    }
    for (const p of res.problems) if (!ctx.notes.includes(p)) ctx.notes.push(p);
    if (res.hits.length > 0 || res.verdict !== 'ACCEPT') {
      const last = res.hits[res.hits.length - 1];
      const chain = interestingChain(res);
      const detail = {
        table,
        chain: hook,
        target: res.verdict !== 'ACCEPT' && !last ? res.verdict : (last?.target ?? 'ACCEPT'),
        lines: [`chains: ${res.chains.join(' → ')}`, ...res.hits.map((h) => h.text)],
        ...(last ? { rule: last.text } : {}),
      };
      const explain = explainTable(table, hook, res);
      ctx.hop(at(w), 'netfilter', pkt, detail, io.outer ? `Outer header ${h.src} → ${h.dst}: ${explain.charAt(0).toLowerCase()}${explain.slice(1)}` : explain, {
        ...(io.inIface ?? io.outIface ? { iface: io.inIface ?? io.outIface } : {}),
        commands: [inNs(w, `iptables -t ${table} -L ${chain} -n -v --line-numbers`)],
      });
    }
    if (res.verdict !== 'ACCEPT') {
      const last = res.hits[res.hits.length - 1];
      const out: HookOutcome = { verdict: res.verdict, table, chain: last?.ref.chain ?? hook };
      if (last) out.rule = last.text;
      if (res.rejectWith) out.rejectWith = res.rejectWith;
      return out;
    }
    if (res.nat && onDnat && (res.nat.kind === 'DNAT' || res.nat.kind === 'REDIRECT')) {
      const next = onDnat(res.nat);
      if (next === 'stop') return { verdict: 'DROP', handled: true };
      if (next.outIface) io.outIface = next.outIface;
    } else if (res.nat) nat = res.nat;
  }
  return nat ? { verdict: 'ACCEPT', nat } : { verdict: 'ACCEPT' };
}
