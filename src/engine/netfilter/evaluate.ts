/**
 * One table at one hook, for one packet, with the kernel's semantics (ipt_do_table):
 * rules in order; `-j CHAIN` pushes a return point, `-g CHAIN` does not (so RETURN from a goto'd
 * chain resumes after the rule that jumped into the chain that did the goto); RETURN, or falling
 * off a user chain, pops; with nothing to pop, the built-in chain's policy decides. ACCEPT, DROP
 * and REJECT end the table; in nat, DNAT/SNAT/MASQUERADE/REDIRECT end it too and are reported, not
 * applied. MARK changes the packet and goes on. Counters are not touched: the result lists the hits.
 */
import { parseIPv4 } from '../net/ipv4';
import { candidates, compileRuleset, invalidate, type AddrField, type CompiledChain, type CompiledRule } from './compile';
import { ifaceMatches, type MatchCtx } from './matches';
import { rejectWith } from './modules';
import type {
  BuiltinChain, HookResult, NatAction, NetfilterEnv, NetfilterPacket, RuleHit, RuleOption, Ruleset, TableName,
} from './types';
import { parseNumber, parsePort, parseValueMask, protoNumber } from './values';

/** Far more than any real rule set needs; stops a jump loop the kernel would have refused. */
const MAX_DEPTH = 64;
const MAX_STEPS = 1_000_000;

const addrOk = (f: AddrField | null, a: number) => f === null || ((((a & f.mask) >>> 0) === f.net) !== f.negated);

function entryMatches(r: CompiledRule, p: NetfilterPacket, src: number, dst: number, protoN: number): boolean {
  if (!addrOk(r.src, src) || !addrOk(r.dst, dst)) return false;
  const rule = r.rule;
  if (r.proto && r.proto.n !== 0 && (r.proto.n === protoN) === r.proto.negated) return false;
  if (rule.inIface && ifaceMatches(rule.inIface.value, p.inIface) === rule.inIface.negated) return false;
  if (rule.outIface && ifaceMatches(rule.outIface.value, p.outIface) === rule.outIface.negated) return false;
  // Our packets are never non-first fragments: `-f` never matches, `! -f` always does.
  if (rule.fragment && !rule.fragment.negated) return false;
  return true;
}

const opt = (opts: RuleOption[], name: string) => opts.find((o) => o.name === name);

/** `a.b.c.d[-e.f.g.h][:port[-port]]` of DNAT/SNAT. */
function natTo(text: string): { ip?: string; port?: number } {
  const colon = text.indexOf(':');
  const ipPart = colon < 0 ? text : text.slice(0, colon);
  const portPart = colon < 0 ? '' : text.slice(colon + 1);
  const out: { ip?: string; port?: number } = {};
  const ip = ipPart.split('-')[0] ?? '';
  if (ip !== '') out.ip = ip;
  const port = parsePort(portPart.split('-')[0] ?? '');
  if (port !== null && portPart !== '') out.port = port;
  return out;
}

function natAction(r: CompiledRule, hit: RuleHit): NatAction {
  const t = r.rule.target as NonNullable<CompiledRule['rule']['target']>;
  const kind = t.name as NatAction['kind'];
  const action: NatAction = { kind, randomFully: opt(t.options, 'random-fully') !== undefined, hit };
  const to = opt(t.options, kind === 'DNAT' ? 'to-destination' : 'to-source');
  if ((kind === 'DNAT' || kind === 'SNAT') && to) {
    const { ip, port } = natTo(to.values[0] ?? '');
    if (ip !== undefined) action.toIp = ip;
    if (port !== undefined) action.toPort = port;
  }
  const ports = opt(t.options, 'to-ports');
  if (ports) {
    const port = parsePort((ports.values[0] ?? '').split('-')[0] ?? '');
    if (port !== null) action.toPort = port;
  }
  return action;
}

/** MARK/CONNMARK: new = (old & ~mask) ^ value, the xmark form every variant reduces to. */
function xmark(opts: RuleOption[]): { value: number; mask: number } | null {
  const vm = (n: string) => {
    const o = opt(opts, n);
    return o ? parseValueMask(o.values[0] ?? '') : null;
  };
  const num = (n: string) => {
    const o = opt(opts, n);
    return o ? parseNumber(o.values[0] ?? '') : null;
  };
  const setX = vm('set-xmark');
  if (setX) return setX;
  const set = vm('set-mark');
  if (set) return { value: set.value, mask: (set.mask | set.value) >>> 0 };
  const and = num('and-mark');
  if (and !== null) return { value: 0, mask: ~and >>> 0 };
  const or = num('or-mark');
  if (or !== null) return { value: or, mask: or };
  const x = num('xor-mark');
  if (x !== null) return { value: x, mask: 0 };
  return null;
}

interface Frame {
  chain: CompiledChain;
  /** Positions to visit (null: every rule) and where we are in them. */
  order: number[] | null;
  pos: number;
}

export function evaluateHook(
  ruleset: Ruleset,
  table: TableName,
  hook: BuiltinChain,
  packet: NetfilterPacket,
  env: NetfilterEnv,
): HookResult {
  const first = evaluateCompiled(ruleset, table, hook, packet, env);
  if (first !== STALE) return first;
  // A chain was edited in place after it was compiled: compile again and start over.
  invalidate(ruleset);
  return evaluateCompiled(ruleset, table, hook, packet, env, true) as HookResult;
}

const STALE = Symbol('stale');

function evaluateCompiled(
  ruleset: Ruleset,
  table: TableName,
  hook: BuiltinChain,
  packet: NetfilterPacket,
  env: NetfilterEnv,
  ignoreStale = false,
): HookResult | typeof STALE {
  const compiled = compileRuleset(ruleset).tables.get(table);
  const pkt: NetfilterPacket = { ...packet };
  const result: HookResult = { verdict: 'ACCEPT', packet: pkt, hits: [], chains: [], byPolicy: false, problems: [] };
  const base = compiled?.get(hook);
  if (!compiled || !base) {
    result.byPolicy = true;
    return result;
  }
  const src = parseIPv4(pkt.src) ?? -1;
  const dst = parseIPv4(pkt.dst) ?? -1;
  const protoN = protoNumber(pkt.proto) ?? -1;
  const ctx: MatchCtx = { packet: pkt, env, ref: { table, chain: hook, index: 0 }, recent: [], problems: result.problems };
  const reported = new Set<CompiledRule>();
  let stale = false;
  const enter = (chain: CompiledChain): Frame => {
    if (chain.rules.length !== chain.chain.rules.length && !ignoreStale) stale = true;
    result.chains.push(chain.chain.name);
    return { chain, order: candidates(chain, pkt.dst, pkt.proto, pkt.dport), pos: 0 };
  };
  const stack: Frame[] = [];
  let frame = enter(base);
  const hitOf = (r: CompiledRule, chain: string): RuleHit => ({
    ref: { table, chain, index: r.index },
    text: r.text(),
    target: r.rule.target?.name ?? '',
  });

  const finish = (verdict: HookResult['verdict'], byPolicy: boolean) => {
    result.verdict = verdict;
    result.byPolicy = byPolicy;
    if (ctx.recent.length) result.recent = ctx.recent;
    return result;
  };
  const policy = () => {
    const pol = base.chain.policy ?? 'ACCEPT';
    result.hits.push({ ref: { table, chain: hook, index: -1 }, text: `-P ${hook} ${pol}`, target: pol });
    return finish(pol, true);
  };

  for (let steps = 0; steps < MAX_STEPS; steps++) {
    if (stale) return STALE;
    const { chain } = frame;
    const limit = frame.order ? frame.order.length : chain.rules.length;
    if (frame.pos >= limit) {
      // Off the end: a user chain returns to its caller, a built-in chain applies its policy.
      const back = stack.pop();
      if (!back || chain === base) return policy();
      frame = back;
      continue;
    }
    const idx = frame.order ? (frame.order[frame.pos] as number) : frame.pos;
    frame.pos++;
    const r = chain.rules[idx] as CompiledRule;
    if (!entryMatches(r, pkt, src, dst, protoN)) continue;
    ctx.ref = { table, chain: chain.chain.name, index: idx };
    let matched = true;
    for (const m of r.matches) {
      if ('unknown' in m) {
        if (!reported.has(r)) result.problems.push(`${table}/${chain.chain.name} rule ${idx + 1}: ${m.unknown}; the rule is treated as not matching`);
        reported.add(r);
        matched = false;
        break;
      }
      if (!m.fn(ctx)) {
        matched = false;
        break;
      }
    }
    if (!matched) continue;
    const t = r.target;
    if (t.kind === 'unknown') {
      if (!reported.has(r)) result.problems.push(`${table}/${chain.chain.name} rule ${idx + 1}: ${t.why}; the rule is treated as not matching`);
      reported.add(r);
      continue;
    }
    const hit = hitOf(r, chain.chain.name);
    result.hits.push(hit);
    switch (t.kind) {
      case 'none':
        break; // counts only
      case 'effect': {
        const target = r.rule.target as NonNullable<typeof r.rule.target>;
        // raw table: conntrack will leave this packet alone, so later tables see UNTRACKED.
        if (target.name === 'NOTRACK' || (target.name === 'CT' && opt(target.options, 'notrack'))) pkt.ctState = 'UNTRACKED';
        if (target.name === 'MARK' || target.name === 'CONNMARK') {
          const x = xmark(target.options);
          if (x && target.name === 'MARK') pkt.mark = ((pkt.mark & ~x.mask) ^ x.value) >>> 0;
          if (x && target.name === 'CONNMARK') result.connmark = pkt.connmark = (((pkt.connmark ?? 0) & ~x.mask) ^ x.value) >>> 0;
        }
        (result.effects ??= []).push({ hit, note: target.name });
        break;
      }
      case 'verdict':
        if (t.verdict === 'RETURN') {
          const back = stack.pop();
          if (!back || chain === base) return policy();
          frame = back;
          break;
        }
        if (t.verdict === 'REJECT') result.rejectWith = rejectWith(r.rule.target?.options ?? []);
        return finish(t.verdict, false);
      case 'nat':
        result.nat = natAction(r, hit);
        return finish('ACCEPT', false);
      case 'jump': {
        const next = compiled.get(t.chain) as CompiledChain;
        if (!t.goto) stack.push(frame);
        if (stack.length > MAX_DEPTH) {
          result.problems.push(`${table}/${hook}: jumps nest deeper than ${MAX_DEPTH} (a loop?); dropped`);
          return finish('DROP', false);
        }
        frame = enter(next);
        break;
      }
    }
  }
  result.problems.push(`${table}/${hook}: evaluation did not finish in ${MAX_STEPS} steps; dropped`);
  return finish('DROP', false);
}
