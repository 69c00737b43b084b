/**
 * Match extensions as predicates, each compiled once per rule (option text parsed up front), with
 * the kernel module's semantics (xt_tcpudp, xt_multiport, xt_addrtype, xt_mark, xt_conntrack,
 * xt_statistic, xt_recent, xt_physdev, xt_set, …). `!` on an option inverts that option only.
 */
import { formatIPv4, parseCidr, parseIPv4, prefixContains } from '../net/ipv4';
import { normaliseAddress } from './rule-args';
import type { IpSet, MatchSpec, NetfilterEnv, NetfilterPacket, RecentUpdate, RuleOption, RuleRef } from './types';
import { parseIcmpType, parseNumber, parsePortRange, parseValueMask, protoNumber, storedProbability } from './values';

export interface MatchCtx {
  packet: NetfilterPacket;
  env: NetfilterEnv;
  ref: RuleRef;
  recent: RecentUpdate[];
  problems: string[];
}

export type MatchFn = (ctx: MatchCtx) => boolean;

/** A compiled match, or why we cannot evaluate it (the rule then never matches). */
export type CompiledMatch = { fn: MatchFn } | { unknown: string };

const opt = (m: MatchSpec, name: string) => m.options.find((o) => o.name === name);
const arg = (o: RuleOption) => o.values[0] ?? '';
const xor = (v: boolean, o: RuleOption) => v !== o.negated;

function ranges(list: string): { lo: number; hi: number }[] | null {
  const out: { lo: number; hi: number }[] = [];
  for (const part of list.split(',')) {
    const r = parsePortRange(part);
    if (!r) return null;
    out.push(r);
  }
  return out;
}
const inRanges = (rs: { lo: number; hi: number }[], p: number | undefined) => p !== undefined && rs.some((r) => p >= r.lo && p <= r.hi);

/** `eth+` matches any name starting with `eth`; a missing interface is the empty name. */
export function ifaceMatches(pattern: string, name: string | undefined): boolean {
  const n = name ?? '';
  return pattern.endsWith('+') ? n.startsWith(pattern.slice(0, -1)) : n === pattern;
}

function portMatch(m: MatchSpec, proto: string): CompiledMatch {
  const checks: MatchFn[] = [];
  for (const o of m.options) {
    if (o.name === 'sport' || o.name === 'dport') {
      const r = parsePortRange(arg(o));
      if (!r) return { unknown: `bad port "${arg(o)}" in -m ${m.module}` };
      const key = o.name;
      checks.push((c) => xor(inRanges([r], c.packet[key]), o));
    } else if (o.name === 'tcp-flags' || o.name === 'syn') {
      const [maskText, compText] = o.name === 'syn' ? ['FIN,SYN,RST,ACK', 'SYN'] : [arg(o), o.values[1] ?? ''];
      const names = (t: string) => {
        const s = new Set(t.toUpperCase().split(','));
        return s.has('ALL') ? new Set(['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG']) : s;
      };
      const mask = names(maskText);
      const comp = names(compText);
      checks.push((c) => {
        const flags = new Set(c.packet.tcpFlags ?? (c.packet.ctState === 'NEW' ? ['SYN'] : ['ACK']));
        return xor([...mask].every((f) => flags.has(f) === comp.has(f)), o);
      });
    } else {
      return { unknown: `-m ${m.module} --${o.name} is not modelled` };
    }
  }
  return { fn: (c) => c.packet.proto === proto && checks.every((f) => f(c)) };
}

const CT_BITS = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

function stateBits(p: NetfilterPacket, withNat: boolean): Set<string> {
  const s = new Set<string>([p.ctState]);
  if (withNat && p.ctState !== 'INVALID' && p.ctState !== 'UNTRACKED') {
    if (p.ctNat.snat) s.add('SNAT');
    if (p.ctNat.dnat) s.add('DNAT');
  }
  return s;
}

function statusOf(p: NetfilterPacket): Set<string> {
  if (p.ctStatus) return new Set(p.ctStatus);
  if (p.ctState === 'ESTABLISHED') return new Set(['SEEN_REPLY', 'ASSURED', 'CONFIRMED']);
  if (p.ctState === 'RELATED') return new Set(['CONFIRMED']);
  return new Set();
}

function tupleCheck(o: RuleOption, pick: (p: NetfilterPacket) => string | number | undefined, isPort: boolean): CompiledMatch {
  if (isPort) {
    const r = parsePortRange(arg(o));
    if (!r) return { unknown: `bad port "${arg(o)}" in --${o.name}` };
    return { fn: (c) => xor(inRanges([r], pick(c.packet) as number | undefined), o) };
  }
  const pre = parseCidr(normaliseAddress(arg(o)) ?? '');
  if (!pre) return { unknown: `bad address "${arg(o)}" in --${o.name}` };
  return { fn: (c) => xor(prefixContains(pre, parseIPv4(String(pick(c.packet) ?? '')) ?? -1), o) };
}

function conntrackMatch(m: MatchSpec): CompiledMatch {
  const checks: MatchFn[] = [];
  const orig = (p: NetfilterPacket) => p.ctOrig ?? { src: p.src, dst: p.dst, sport: p.sport, dport: p.dport };
  const reply = (p: NetfilterPacket) => p.ctReply ?? { src: orig(p).dst, dst: orig(p).src, sport: orig(p).dport, dport: orig(p).sport };
  for (const o of m.options) {
    let c: CompiledMatch;
    switch (o.name) {
      case 'ctstate': case 'state': {
        const want = arg(o).toUpperCase().split(',');
        if (want.some((w) => !CT_BITS.includes(w))) return { unknown: `bad state "${arg(o)}"` };
        const nat = o.name === 'ctstate';
        c = { fn: (x) => xor(want.some((w) => stateBits(x.packet, nat).has(w)), o) };
        break;
      }
      case 'ctstatus': {
        const want = arg(o).toUpperCase().split(',');
        c = { fn: (x) => xor(want.some((w) => statusOf(x.packet).has(w)), o) };
        break;
      }
      case 'ctproto': {
        const n = protoNumber(arg(o));
        c = { fn: (x) => xor(protoNumber(x.packet.proto) === n, o) };
        break;
      }
      case 'ctdir':
        c = { fn: (x) => xor((x.packet.ctDir ?? 'ORIGINAL') === arg(o).toUpperCase(), o) };
        break;
      case 'ctorigsrc': c = tupleCheck(o, (p) => orig(p).src, false); break;
      case 'ctorigdst': c = tupleCheck(o, (p) => orig(p).dst, false); break;
      case 'ctreplsrc': c = tupleCheck(o, (p) => reply(p).src, false); break;
      case 'ctrepldst': c = tupleCheck(o, (p) => reply(p).dst, false); break;
      case 'ctorigsrcport': c = tupleCheck(o, (p) => orig(p).sport, true); break;
      case 'ctorigdstport': c = tupleCheck(o, (p) => orig(p).dport, true); break;
      case 'ctreplsrcport': c = tupleCheck(o, (p) => reply(p).sport, true); break;
      case 'ctrepldstport': c = tupleCheck(o, (p) => reply(p).dport, true); break;
      default:
        return { unknown: `-m conntrack --${o.name} is not modelled` };
    }
    if ('unknown' in c) return c;
    checks.push(c.fn);
  }
  return { fn: (x) => checks.every((f) => f(x)) };
}

function recentMatch(m: MatchSpec): CompiledMatch {
  const mode = ['set', 'rcheck', 'update', 'remove'].map((n) => opt(m, n)).find((o) => o !== undefined);
  const name = arg(opt(m, 'name') ?? { name: 'name', values: ['DEFAULT'], negated: false });
  const maskText = opt(m, 'mask');
  const mask = maskText ? parseIPv4(arg(maskText)) : 0xffffffff;
  if (mask === null) return { unknown: `bad --mask in -m recent` };
  const dest = opt(m, 'rdest') !== undefined;
  const modeOpt = mode ?? { name: 'rcheck', values: [], negated: false };
  return {
    fn: (c) => {
      const ip = formatIPv4(((parseIPv4(dest ? c.packet.dst : c.packet.src) ?? 0) & mask) >>> 0);
      const list = c.env.recent?.[name] ?? [];
      const seen = list.some((a) => ((parseIPv4(a) ?? -1) & mask) >>> 0 === (parseIPv4(ip) ?? -2));
      // xt_recent: --set always "hits" (then the result is inverted by !); the others need an entry.
      const hit = modeOpt.name === 'set' ? true : seen;
      if (modeOpt.name === 'set' || (hit && modeOpt.name !== 'rcheck')) {
        c.recent.push({ name, ip, op: modeOpt.name as 'set' | 'update' | 'remove', at: c.ref });
      }
      return xor(hit, modeOpt);
    },
  };
}

function setContains(sets: IpSet[], name: string, flags: string[], p: NetfilterPacket, depth = 0): boolean | null {
  const set = sets.find((s) => s.name === name);
  if (!set || depth > 8) return null;
  const pick = (f: string | undefined, ip: boolean) =>
    f === 'dst' ? (ip ? p.dst : p.dport) : (ip ? p.src : p.sport);
  switch (set.type) {
    case 'hash:ip': case 'hash:net': {
      const a = parseIPv4(String(pick(flags[0], true)));
      return a !== null && set.members.some((mem) => {
        const pre = parseCidr(mem);
        return pre !== null && prefixContains(pre, a);
      });
    }
    case 'hash:ip,port': {
      const ip = String(pick(flags[0], true));
      const port = pick(flags[1] ?? flags[0], false);
      return set.members.some((mem) => {
        const [mip, mport = ''] = mem.split(',');
        const pm = /^(?:(\w+):)?(\d+)$/.exec(mport);
        return mip === ip && pm !== null && Number(pm[2]) === port && (!pm[1] || pm[1] === p.proto);
      });
    }
    case 'list:set':
      return set.members.some((mem) => setContains(sets, mem, flags, p, depth + 1) === true);
  }
}

export function compileMatch(m: MatchSpec): CompiledMatch {
  switch (m.module) {
    case 'comment': case 'nfacct': case 'limit':
      // nfacct only counts and limit only rate-limits: for one packet both match.
      return { fn: () => true };
    case 'tcp': case 'udp': case 'sctp':
      return portMatch(m, m.module);
    case 'icmp': {
      const o = opt(m, 'icmp-type');
      const t = o ? parseIcmpType(arg(o)) : { type: 0xff, codeLo: 0, codeHi: 0xff };
      if (!t || !o) return o ? { unknown: `bad --icmp-type "${arg(o)}"` } : { fn: (c) => c.packet.proto === 'icmp' };
      return {
        fn: (c) => {
          if (c.packet.proto !== 'icmp') return false;
          const type = c.packet.icmpType ?? (c.packet.ctState === 'NEW' ? 8 : 0);
          const code = c.packet.icmpCode ?? 0;
          return xor(t.type === 0xff || (type === t.type && code >= t.codeLo && code <= t.codeHi), o);
        },
      };
    }
    case 'multiport': {
      const checks: MatchFn[] = [];
      for (const o of m.options) {
        const rs = ranges(arg(o));
        if (!rs) return { unknown: `bad port list "${arg(o)}" in -m multiport` };
        if (o.name === 'sports') checks.push((c) => xor(inRanges(rs, c.packet.sport), o));
        else if (o.name === 'dports') checks.push((c) => xor(inRanges(rs, c.packet.dport), o));
        else if (o.name === 'ports') checks.push((c) => xor(inRanges(rs, c.packet.sport) || inRanges(rs, c.packet.dport), o));
        else return { unknown: `-m multiport --${o.name} is not modelled` };
      }
      return { fn: (c) => c.packet.sport !== undefined && checks.every((f) => f(c)) };
    }
    case 'addrtype': {
      const checks: MatchFn[] = [];
      for (const o of m.options) {
        if (o.name === 'limit-iface-in' || o.name === 'limit-iface-out') continue; // env answers per netns
        const want = arg(o).toUpperCase().split(',');
        const field = o.name === 'src-type' ? 'src' : o.name === 'dst-type' ? 'dst' : null;
        if (!field) return { unknown: `-m addrtype --${o.name} is not modelled` };
        checks.push((c) => xor(want.includes(c.env.addressType(c.packet[field])), o));
      }
      return { fn: (c) => checks.every((f) => f(c)) };
    }
    case 'mark': case 'connmark': {
      const o = opt(m, 'mark');
      const vm = o ? parseValueMask(arg(o)) : null;
      if (!o || !vm) return { unknown: `bad --mark in -m ${m.module}` };
      const field = m.module === 'mark' ? 'mark' : 'connmark';
      return { fn: (c) => xor((((c.packet[field] ?? 0) & vm.mask) >>> 0) === vm.value, o) };
    }
    case 'conntrack': case 'state':
      return conntrackMatch(m);
    case 'statistic': {
      const mode = arg(opt(m, 'mode') ?? { name: 'mode', values: ['random'], negated: false });
      if (mode === 'random') {
        const o = opt(m, 'probability');
        const p = o ? Number(arg(o)) : NaN;
        if (!o || !Number.isFinite(p)) return { unknown: 'statistic --mode random needs --probability' };
        const effective = storedProbability(p) / 0x80000000;
        return { fn: (c) => xor(c.env.chooseRandom(effective, c.ref), o) };
      }
      const every = opt(m, 'every');
      const n = every ? parseNumber(arg(every)) : null;
      if (mode !== 'nth' || !every || !n) return { unknown: `statistic --mode ${mode} is not modelled` };
      // xt_statistic counts packets from --packet and matches every n-th one: packet n, 2n, …
      return { fn: (c) => xor(((c.env.nthSeen?.(c.ref) ?? 0) + 1) % n === 0, every) };
    }
    case 'recent':
      return recentMatch(m);
    case 'rpfilter': {
      // xt_rpfilter: does a route back to the source leave through the interface the packet came in
      // on? The walker may answer; by default the path is valid (nothing in a modelled cluster spoofs).
      const flags = { loose: opt(m, 'loose') !== undefined, acceptLocal: opt(m, 'accept-local') !== undefined };
      const invert = opt(m, 'invert') !== undefined;
      return { fn: (c) => (c.env.reversePathOk?.(c.packet, flags) ?? true) !== invert };
    }
    case 'physdev': {
      const checks: MatchFn[] = [];
      for (const o of m.options) {
        if (o.name === 'physdev-in') checks.push((c) => c.packet.physdevIn !== undefined && xor(ifaceMatches(arg(o), c.packet.physdevIn), o));
        else if (o.name === 'physdev-out') checks.push((c) => c.packet.physdevOut !== undefined && xor(ifaceMatches(arg(o), c.packet.physdevOut), o));
        else if (o.name === 'physdev-is-in') checks.push((c) => xor(c.packet.physdevIn !== undefined, o));
        else if (o.name === 'physdev-is-out') checks.push((c) => xor(c.packet.physdevOut !== undefined, o));
        else if (o.name === 'physdev-is-bridged') checks.push((c) => xor(c.packet.physdevIsBridged === true, o));
        else return { unknown: `-m physdev --${o.name} is not modelled` };
      }
      return { fn: (c) => checks.every((f) => f(c)) };
    }
    case 'set': {
      const o = opt(m, 'match-set');
      if (!o || o.values.length < 2) return { unknown: 'set needs --match-set NAME src|dst' };
      const name = arg(o);
      const flags = (o.values[1] ?? '').split(',');
      return {
        fn: (c) => {
          const r = setContains(c.env.ipsets, name, flags, c.packet);
          if (r === null) {
            c.problems.push(`ipset "${name}" does not exist on this node: rule treated as not matching`);
            return false;
          }
          return xor(r, o);
        },
      };
    }
    default:
      return { unknown: `unknown match "-m ${m.module}"` };
  }
}
