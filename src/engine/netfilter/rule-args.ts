/**
 * The arguments after `-A CHAIN`, read into a Rule the way iptables' option parser assigns them:
 * entry fields (`-s -d -i -o -p -f`), `-m` matches, `-j/-g` targets, and each `--option` to the
 * extension that owns it — the target's own options first, then the most recent match that takes
 * the option, then an implicit `-m tcp/udp/sctp/icmp` for `-p` (so `-p tcp --dport 80` and
 * `-p tcp -m tcp --dport 80` give the same Rule). One reader object per line, no closures: rule
 * sets run to 10^5 lines.
 */
import { problem, type Problem } from '../problems';
import { formatCidr, maskOf, parseIPv4, type Cidr } from '../net/ipv4';
import { canonicalOption, MATCHES, TARGETS, type ExtensionDef } from './modules';
import type { Token } from './tokenize';
import type { MatchSpec, Rule, RuleOption } from './types';
import { protoNumber } from './values';

export interface LineCtx {
  line: number;
  problems: Problem[];
}

export function report(ctx: LineCtx, col: number, code: string, message: string, severity: 'error' | 'warning' = 'error') {
  ctx.problems.push(problem(severity, code, message, { doc: 0, line: ctx.line, col }));
}

const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}|\d+\.\d+\.\d+\.\d+))?$/;

/**
 * `a.b.c.d`, `a.b.c.d/len` or `a.b.c.d/m.m.m.m` (a contiguous dotted mask), as iptables takes
 * them, normalised to `net/len` with the host bits cleared (what iptables-save prints).
 */
export function normaliseAddress(text: string): Cidr | null {
  const m = DOTTED.exec(text);
  if (!m) return null;
  let addr = 0;
  for (let k = 1; k <= 4; k++) {
    const v = Number(m[k]);
    if (v > 255) return null;
    addr = addr * 256 + v;
  }
  let len = 32;
  const suffix = m[5];
  if (suffix !== undefined) {
    if (suffix.includes('.')) {
      const mask = parseIPv4(suffix);
      if (mask === null) return null;
      len = 32 - Math.log2((~mask >>> 0) + 1);
      if (!Number.isInteger(len)) return null;
    } else {
      len = Number(suffix);
      if (len > 32) return null;
    }
  }
  if (len === 32) return suffix === undefined ? `${text}/32` : `${text.slice(0, text.indexOf('/'))}/32`;
  return formatCidr({ net: (addr & maskOf(len)) >>> 0, len });
}

/** Protocols with an implicit match module (`-p tcp --dport 80` loads `-m tcp`). */
const IMPLICIT: Record<string, string> = { tcp: 'tcp', udp: 'udp', sctp: 'sctp', icmp: 'icmp' };

class RuleReader {
  readonly rule: Rule = { matches: [] };
  private i = 0;
  private negate: Token | null = null;
  ok = true;
  /** The latest extension we do not model: it takes the options nobody else claims. */
  private lastUnknown: { options: RuleOption[] } | null = null;
  srcList: Cidr[] | null = null;
  dstList: Cidr[] | null = null;

  constructor(private readonly args: Token[], private readonly ctx: LineCtx) {}

  private fail(t: Token, msg: string, code = 'iptables-syntax') {
    report(this.ctx, t.col, code, msg);
    this.ok = false;
  }

  private takeNeg(): boolean {
    const n = this.negate !== null;
    this.negate = null;
    return n;
  }

  private value(t: Token): Token | null {
    const v = this.args[this.i + 1];
    if (!v) {
      this.fail(t, `option "${t.text}" requires an argument`);
      return null;
    }
    this.i++;
    return v;
  }

  read(): Rule | null {
    const { args, rule } = this;
    for (; this.i < args.length && this.ok; this.i++) {
      const t = args[this.i] as Token;
      const a = t.quoted ? '\u0000' : t.text;
      if (a === '!') {
        if (this.negate) this.fail(t, 'multiple "!" flags are not allowed');
        this.negate = t;
        continue;
      }
      switch (a) {
        case '-s': case '--source': case '--src':
        case '-d': case '--destination': case '--dst': {
          const v = this.value(t);
          if (!v) break;
          // `-s a,b` is one rule per address (per source × destination pair), as iptables adds them.
          const list = v.text.split(',').map(normaliseAddress);
          const bad = list.indexOf(null);
          if (bad >= 0) {
            this.fail(v, `host/network "${v.text.split(',')[bad]}" not found (an IPv4 address or a.b.c.d/len expected)`);
            break;
          }
          if (list.length > 1 && this.negate) {
            this.fail(this.negate, '! not allowed with multiple source or destination IP addresses');
            break;
          }
          const isSrc = a === '-s' || a === '--source' || a === '--src';
          if (isSrc ? rule.src : rule.dst) {
            this.fail(t, `multiple ${isSrc ? '-s' : '-d'} flags not allowed`);
            break;
          }
          const field = { value: list[0] as Cidr, negated: this.takeNeg() };
          if (isSrc) rule.src = field;
          else rule.dst = field;
          if (list.length > 1) this[isSrc ? 'srcList' : 'dstList'] = list as Cidr[];
          break;
        }
        case '-i': case '--in-interface': case '-o': case '--out-interface': {
          const v = this.value(t);
          if (!v) break;
          const isIn = a === '-i' || a === '--in-interface';
          if (isIn ? rule.inIface : rule.outIface) {
            this.fail(t, `multiple ${isIn ? '-i' : '-o'} flags not allowed`);
            break;
          }
          const field = { value: v.text, negated: this.takeNeg() };
          if (isIn) rule.inIface = field;
          else rule.outIface = field;
          break;
        }
        case '-p': case '--protocol': {
          const v = this.value(t);
          if (!v) break;
          if (rule.proto) this.fail(t, 'multiple -p flags not allowed');
          else if (protoNumber(v.text) === null) this.fail(v, `unknown protocol "${v.text}" specified`);
          else rule.proto = { value: v.text.toLowerCase(), negated: this.takeNeg() };
          break;
        }
        case '-f': case '--fragment':
          rule.fragment = { value: true, negated: this.takeNeg() };
          break;
        case '-m': case '--match': {
          const v = this.value(t);
          if (!v) break;
          if (this.negate) this.fail(this.negate, 'unexpected "!" before -m');
          const spec: MatchSpec = { module: v.text, options: [] };
          rule.matches.push(spec);
          if (!MATCHES[v.text]) this.lastUnknown = spec;
          break;
        }
        case '-j': case '--jump': case '-g': case '--goto': {
          const v = this.value(t);
          if (!v) break;
          if (rule.target) this.fail(t, 'multiple -j/-g flags are not allowed');
          if (this.negate) this.fail(this.negate, 'unexpected "!" before a target');
          rule.target = { name: v.text, goto: a === '-g' || a === '--goto', options: [] };
          if (!TARGETS[v.text]) this.lastUnknown = rule.target;
          break;
        }
        case '-c': case '--set-counters': {
          const p = args[this.i + 1];
          const b = args[this.i + 2];
          if (!p || !b || !/^\d+$/.test(p.text) || !/^\d+$/.test(b.text)) this.fail(t, '-c needs packets and bytes');
          else rule.counters = { packets: Number(p.text), bytes: Number(b.text) };
          this.i += 2;
          break;
        }
        case '-t': case '--table':
          this.fail(t, 'the -t option cannot be used in iptables-restore');
          break;
        default:
          if (!t.text.startsWith('--') || t.quoted) this.fail(t, `bad argument "${t.text}"`);
          else this.option(t);
      }
    }
    if (this.ok && this.negate) this.fail(this.negate, 'dangling "!"');
    return this.ok ? rule : null;
  }

  /** Gives `--name values…` to the extension that owns it. */
  private option(t: Token) {
    const { rule, args } = this;
    const negated = this.takeNeg();
    const name = t.text.slice(2);
    let owner: { options: RuleOption[] } | null = null;
    let found: ReturnType<typeof canonicalOption> = null;
    const targetDef = rule.target ? TARGETS[rule.target.name] : undefined;
    if (targetDef) {
      found = canonicalOption(targetDef, name);
      if (found) owner = rule.target as NonNullable<Rule['target']>;
    }
    for (let k = rule.matches.length - 1; k >= 0 && !owner; k--) {
      const spec = rule.matches[k] as MatchSpec;
      const def = MATCHES[spec.module];
      found = def ? canonicalOption(def, name) : null;
      if (found) owner = spec;
    }
    const implicit = rule.proto && !rule.proto.negated ? IMPLICIT[rule.proto.value] : undefined;
    if (!owner && implicit) {
      found = canonicalOption(MATCHES[implicit] as ExtensionDef, name);
      if (found) {
        const spec: MatchSpec = { module: implicit, options: [] };
        rule.matches.push(spec);
        owner = spec;
      }
    }
    // Extensions we do not model take their options as written (until the next flag).
    if (!owner) owner = this.lastUnknown;
    if (!owner) {
      this.fail(t, `unknown option "${t.text}"`, 'iptables-unknown-option');
      return;
    }
    const values: string[] = [];
    let j = this.i + 1;
    if (found === null) {
      for (; j < args.length; j++) {
        const v = args[j] as Token;
        if (!v.quoted && (v.text === '!' || v.text.startsWith('-'))) break;
        values.push(v.text);
      }
    } else {
      for (let k = 0; k < found.def.arity; k++, j++) {
        const v = args[j];
        if (!v) {
          const n = found.def.arity;
          this.fail(t, `option "${t.text}" requires ${n} argument${n > 1 ? 's' : ''}`);
          return;
        }
        values.push(v.text);
      }
    }
    owner.options.push({ name: found ? found.name : name, values, negated });
    this.i = j - 1;
  }
}

/**
 * Parses the arguments after `-A CHAIN` into the rules iptables would append: one, or one per
 * source × destination address for comma lists. Null (with problems reported) when unusable.
 */
export function parseRuleArgs(args: Token[], ctx: LineCtx): Rule[] | null {
  const reader = new RuleReader(args, ctx);
  const rule = reader.read();
  if (!rule) return null;
  if (!reader.srcList && !reader.dstList) return [rule];
  const out: Rule[] = [];
  for (const src of reader.srcList ?? [rule.src?.value]) {
    for (const dst of reader.dstList ?? [rule.dst?.value]) {
      const copy: Rule = { ...rule, matches: rule.matches.map((m) => ({ ...m, options: m.options.map((o) => ({ ...o })) })) };
      if (src !== undefined) copy.src = { value: src, negated: false };
      if (dst !== undefined) copy.dst = { value: dst, negated: false };
      if (rule.target) copy.target = { ...rule.target, options: rule.target.options.map((o) => ({ ...o })) };
      out.push(copy);
    }
  }
  return out;
}
