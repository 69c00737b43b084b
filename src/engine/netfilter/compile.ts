/**
 * A Ruleset prepared for evaluation: entry fields as numbers, matches as predicates, targets
 * classified, and long chains (kube-proxy's KUBE-SERVICES holds one rule per service port)
 * indexed by exact destination /32 + protocol + destination port. A packet then only visits the
 * rules that could match it, still in chain order, so first-match semantics are unchanged.
 * Cached per Ruleset object: rulesets are treated as immutable once evaluated.
 */
import { maskOf, parseCidr } from '../net/ipv4';
import { compileMatch, type CompiledMatch } from './matches';
import { TARGETS } from './modules';
import { OTHER_TARGETS } from './parse';
import { formatRule } from './print';
import type { Chain, Rule, Ruleset, TableName } from './types';
import { parsePortRange, protoNumber } from './values';

export interface AddrField {
  net: number;
  mask: number;
  negated: boolean;
}

export type TargetKind =
  | { kind: 'none' }
  | { kind: 'verdict'; verdict: 'ACCEPT' | 'DROP' | 'REJECT' | 'RETURN' }
  | { kind: 'jump'; chain: string; goto: boolean }
  | { kind: 'nat' }
  | { kind: 'effect' }
  | { kind: 'unknown'; why: string };

export interface CompiledRule {
  rule: Rule;
  index: number;
  src: AddrField | null;
  dst: AddrField | null;
  /** Protocol number (0 = all) and negation; null when `-p` is absent. */
  proto: { n: number; negated: boolean } | null;
  matches: CompiledMatch[];
  target: TargetKind;
  /** Save-form text, computed on first use (only hits need it). */
  text(): string;
}

export interface CompiledChain {
  chain: Chain;
  rules: CompiledRule[];
  /** Rule positions by `dst|proto|dport`, and the positions of rules without that shape. */
  index: { byKey: Map<string, number[]>; rest: number[] } | null;
}

export interface CompiledRuleset {
  tables: Map<TableName, Map<string, CompiledChain>>;
}

/** Chains shorter than this are scanned; the index only pays for itself on long chains. */
const INDEX_MIN_RULES = 64;

const NON_TERMINATING = new Set(['MARK', 'CONNMARK', 'LOG', 'NFLOG', 'CT', 'NOTRACK', 'TRACE', 'AUDIT', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'TCPMSS', 'CHECKSUM', 'SECMARK', 'CONNSECMARK']);

function addr(f: Rule['src']): AddrField | null {
  if (!f) return null;
  const p = parseCidr(f.value);
  if (!p) return { net: 0, mask: 0xffffffff, negated: !f.negated }; // never matches (unparsable)
  return { net: p.net, mask: maskOf(p.len), negated: f.negated };
}

function classify(rule: Rule, chains: Map<string, Chain>): TargetKind {
  const t = rule.target;
  if (!t) return { kind: 'none' };
  if (chains.has(t.name)) return { kind: 'jump', chain: t.name, goto: t.goto };
  switch (t.name) {
    case 'ACCEPT': case 'DROP': case 'REJECT': case 'RETURN':
      return { kind: 'verdict', verdict: t.name };
    case 'DNAT': case 'SNAT': case 'MASQUERADE': case 'REDIRECT':
      return { kind: 'nat' };
  }
  if (NON_TERMINATING.has(t.name)) return { kind: 'effect' };
  if (TARGETS[t.name] || OTHER_TARGETS.has(t.name)) return { kind: 'unknown', why: `target "${t.name}" is not modelled` };
  return { kind: 'unknown', why: `target "${t.name}" is neither a chain of this table nor a known target` };
}

/** `dst|proto|dport` when the rule can only ever match that exact destination, else null. */
function indexKey(rule: Rule): string | null {
  const { dst, proto } = rule;
  if (!dst || dst.negated || !dst.value.endsWith('/32') || !proto || proto.negated) return null;
  if (proto.value !== 'tcp' && proto.value !== 'udp' && proto.value !== 'sctp') return null;
  for (const m of rule.matches) {
    if (m.module !== proto.value) continue;
    const d = m.options.find((o) => o.name === 'dport');
    const r = d && !d.negated ? parsePortRange(d.values[0] ?? '') : null;
    if (r && r.lo === r.hi) return `${dst.value.slice(0, -3)}|${proto.value}|${r.lo}`;
  }
  return null;
}

function compileChain(chain: Chain, chains: Map<string, Chain>, indexMinRules: number): CompiledChain {
  const rules = chain.rules.map((rule, index): CompiledRule => {
    let text: string | null = null;
    return {
      rule,
      index,
      src: addr(rule.src),
      dst: addr(rule.dst),
      proto: rule.proto ? { n: protoNumber(rule.proto.value) ?? -1, negated: rule.proto.negated } : null,
      matches: rule.matches.map(compileMatch),
      target: classify(rule, chains),
      text: () => (text ??= formatRule(chain.name, rule)),
    };
  });
  let index: CompiledChain['index'] = null;
  if (rules.length >= indexMinRules) {
    const byKey = new Map<string, number[]>();
    const rest: number[] = [];
    chain.rules.forEach((r, i) => {
      const key = indexKey(r);
      if (key === null) rest.push(i);
      else {
        const list = byKey.get(key);
        if (list) list.push(i);
        else byKey.set(key, [i]);
      }
    });
    index = { byKey, rest };
  }
  return { chain, rules, index };
}

const cache = new WeakMap<Ruleset, CompiledRuleset>();

/** Chains per table when compiled: a changed count means someone edited the rule set since. */
const shapes = new WeakMap<CompiledRuleset, number[]>();

const shapeOf = (ruleset: Ruleset) => ruleset.tables.map((t) => t.chains.length);

/**
 * `indexMinRules` only matters on the first call for a Ruleset (the result is cached); tests use
 * it to compare indexed and plain evaluation. Rule sets are meant to be built, then evaluated; a
 * table or chain that grew or shrank since is noticed and recompiled (`invalidate` forces it).
 */
export function compileRuleset(ruleset: Ruleset, opts: { indexMinRules?: number } = {}): CompiledRuleset {
  const hit = cache.get(ruleset);
  if (hit) {
    const shape = shapes.get(hit);
    const now = shapeOf(ruleset);
    if (shape && shape.length === now.length && shape.every((n, i) => n === now[i])) return hit;
  }
  const tables = new Map<TableName, Map<string, CompiledChain>>();
  for (const t of ruleset.tables) {
    const byName = new Map(t.chains.map((c) => [c.name, c]));
    const compiled = new Map<string, CompiledChain>();
    for (const c of t.chains) compiled.set(c.name, compileChain(c, byName, opts.indexMinRules ?? INDEX_MIN_RULES));
    tables.set(t.name, compiled);
  }
  const out = { tables };
  cache.set(ruleset, out);
  shapes.set(out, shapeOf(ruleset));
  return out;
}

/** Drops the compiled form of a rule set that was edited in place. */
export function invalidate(ruleset: Ruleset): void {
  cache.delete(ruleset);
}

/** The rule positions of a chain a packet can match, in chain order. */
export function candidates(chain: CompiledChain, dst: string, proto: string, dport: number | undefined): number[] | null {
  if (!chain.index) return null;
  const keyed = dport === undefined ? undefined : chain.index.byKey.get(`${dst}|${proto}|${dport}`);
  if (!keyed) return chain.index.rest;
  // Merge two ascending lists: first-match order is the chain's order.
  const out: number[] = [];
  const rest = chain.index.rest;
  let i = 0;
  let j = 0;
  while (i < rest.length || j < keyed.length) {
    if (j >= keyed.length || (i < rest.length && (rest[i] as number) < (keyed[j] as number))) out.push(rest[i++] as number);
    else out.push(keyed[j++] as number);
  }
  return out;
}
