/**
 * Reads both text forms of iptables rules: what kube-proxy and Calico feed to `iptables-restore`
 * and what `iptables-save [-c]` prints. Options are attached to their extension the way iptables'
 * option parser does it (the target's own options, then the most recent match that takes the
 * option, then an implicit `-m tcp/udp/sctp/icmp` for `-p`), so both forms give the same Rule.
 */
import { problem, type Problem } from '../problems';
import { formatCidr, parseCidr, parseIPv4 } from '../net/ipv4';
import { canonicalOption, MATCHES, TARGETS, type ExtensionDef } from './modules';
import { tokenizeLine, type Token } from './tokenize';
import type { Chain, MatchSpec, Rule, RuleOption, Ruleset, Table, TableName } from './types';
import { protoNumber } from './values';

const TABLE_NAMES: TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];

export const BUILTIN_CHAINS: Record<TableName, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** Protocols with an implicit match module (`-p tcp --dport 80` loads `-m tcp`). */
const IMPLICIT: Record<string, string> = { tcp: 'tcp', udp: 'udp', sctp: 'sctp', icmp: 'icmp' };

const COMMANDS = new Set(['-A', '--append', '-I', '--insert', '-N', '--new-chain', '-P', '--policy']);

interface LineCtx {
  line: number;
  problems: Problem[];
}

function report(ctx: LineCtx, col: number, code: string, message: string, severity: 'error' | 'warning' = 'error') {
  ctx.problems.push(problem(severity, code, message, { doc: 0, line: ctx.line, col }));
}

/** `a.b.c.d`, `a.b.c.d/len` or `a.b.c.d/m.m.m.m` (a contiguous dotted mask), as iptables takes them. */
function parseAddress(text: string) {
  const m = /^([\d.]+)\/(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (!m) return parseCidr(text);
  const mask = parseIPv4(m[2] as string);
  if (mask === null) return null;
  const len = 32 - Math.log2((~mask >>> 0) + 1);
  return Number.isInteger(len) ? parseCidr(`${m[1]}/${len}`) : null;
}

function parseCounters(text: string): { packets: number; bytes: number } | null {
  const m = /^\[(\d+):(\d+)\]$/.exec(text);
  return m ? { packets: Number(m[1]), bytes: Number(m[2]) } : null;
}

function newTable(name: TableName): Table {
  return {
    name,
    chains: BUILTIN_CHAINS[name].map((c) => ({ name: c, policy: 'ACCEPT' as const, rules: [] })),
  };
}

/** Parses the arguments after `-A CHAIN` into a Rule; null when the line is unusable. */
export function parseRuleArgs(args: Token[], ctx: LineCtx): Rule | null {
  const rule: Rule = { matches: [] };
  let negate: Token | null = null;
  let ok = true;
  const fail = (t: Token, msg: string, code = 'iptables-syntax') => {
    report(ctx, t.col, code, msg);
    ok = false;
  };
  const takeNeg = () => {
    const n = negate !== null;
    negate = null;
    return n;
  };
  const owners: Owners = { list: [], lastUnknown: null };

  let i = 0;
  const value = (t: Token): Token | null => {
    const v = args[i + 1];
    if (!v) {
      fail(t, `option "${t.text}" requires an argument`);
      return null;
    }
    i++;
    return v;
  };

  for (; i < args.length && ok; i++) {
    const t = args[i] as Token;
    const a = t.quoted ? '\u0000' : t.text;
    if (a === '!') {
      if (negate) fail(t, 'multiple "!" flags are not allowed');
      negate = t;
      continue;
    }
    switch (a) {
      case '-s': case '--source': case '--src':
      case '-d': case '--destination': case '--dst': {
        const v = value(t);
        if (!v) break;
        const p = parseAddress(v.text);
        if (!p) {
          fail(v, `host/network "${v.text}" not found (an IPv4 address or a.b.c.d/len expected)`);
          break;
        }
        const field = { value: formatCidr(p), negated: takeNeg() };
        if (a.startsWith('-s') || a === '--source' || a === '--src') rule.src = field;
        else rule.dst = field;
        break;
      }
      case '-i': case '--in-interface': case '-o': case '--out-interface': {
        const v = value(t);
        if (!v) break;
        const field = { value: v.text, negated: takeNeg() };
        if (a === '-i' || a === '--in-interface') rule.inIface = field;
        else rule.outIface = field;
        break;
      }
      case '-p': case '--protocol': {
        const v = value(t);
        if (!v) break;
        if (protoNumber(v.text) === null) {
          fail(v, `unknown protocol "${v.text}" specified`);
          break;
        }
        rule.proto = { value: v.text.toLowerCase(), negated: takeNeg() };
        break;
      }
      case '-f': case '--fragment':
        rule.fragment = { value: true, negated: takeNeg() };
        break;
      case '-m': case '--match': {
        const v = value(t);
        if (!v) break;
        if (negate) fail(negate, 'unexpected "!" before -m');
        const spec: MatchSpec = { module: v.text, options: [] };
        rule.matches.push(spec);
        owners.list.push({ def: MATCHES[v.text], spec });
        if (!MATCHES[v.text]) owners.lastUnknown = spec;
        break;
      }
      case '-j': case '--jump': case '-g': case '--goto': {
        const v = value(t);
        if (!v) break;
        if (rule.target) fail(t, 'multiple -j/-g flags are not allowed');
        if (negate) fail(negate, 'unexpected "!" before a target');
        rule.target = { name: v.text, goto: a === '-g' || a === '--goto', options: [] };
        if (!TARGETS[v.text]) owners.lastUnknown = rule.target;
        break;
      }
      case '-c': case '--set-counters': {
        const p = args[i + 1];
        const b = args[i + 2];
        if (!p || !b || !/^\d+$/.test(p.text) || !/^\d+$/.test(b.text)) fail(t, '-c needs packets and bytes');
        else rule.counters = { packets: Number(p.text), bytes: Number(b.text) };
        i += 2;
        break;
      }
      case '-t': case '--table':
        fail(t, 'the -t option cannot be used in iptables-restore');
        break;
      default: {
        if (!t.text.startsWith('--') || t.quoted) {
          fail(t, `bad argument "${t.text}"`);
          break;
        }
        i = attachOption(t, args, i, rule, owners, negate !== null, ctx, fail);
        negate = null;
      }
    }
  }
  if (ok && negate) fail(negate, 'dangling "!"');
  return ok ? rule : null;
}

interface Owners {
  list: { def: ExtensionDef | undefined; spec: MatchSpec }[];
  /** The latest extension we do not model: it takes the options nobody else claims. */
  lastUnknown: { options: RuleOption[] } | null;
}

/** Gives `--name values…` to the extension that owns it; returns the index of its last argument. */
function attachOption(
  t: Token, args: Token[], i: number, rule: Rule,
  owners: Owners,
  negated: boolean, ctx: LineCtx, fail: (t: Token, msg: string, code?: string) => void,
): number {
  const name = t.text.slice(2);
  let target: { options: RuleOption[] } | null = null;
  let canon = name;
  let arity: number | null = null;

  const targetDef = rule.target ? TARGETS[rule.target.name] : undefined;
  const tOpt = targetDef ? canonicalOption(targetDef, name) : null;
  if (rule.target && tOpt) {
    target = rule.target;
    canon = tOpt.name;
    arity = tOpt.def.arity;
  }
  for (let k = owners.list.length - 1; k >= 0 && !target; k--) {
    const o = owners.list[k] as { def: ExtensionDef | undefined; spec: MatchSpec };
    const c = o.def ? canonicalOption(o.def, name) : null;
    if (c) {
      target = o.spec;
      canon = c.name;
      arity = c.def.arity;
    }
  }
  const implicit = rule.proto && !rule.proto.negated ? IMPLICIT[rule.proto.value] : undefined;
  if (!target && implicit) {
    const def = MATCHES[implicit] as ExtensionDef;
    const c = canonicalOption(def, name);
    if (c) {
      const spec: MatchSpec = { module: implicit, options: [] };
      rule.matches.push(spec);
      owners.list.push({ def, spec });
      target = spec;
      canon = c.name;
      arity = c.def.arity;
    }
  }
  // Extensions we do not model take their options as written (until the next flag).
  if (!target) target = owners.lastUnknown;
  if (!target) {
    fail(t, `unknown option "${t.text}"`, 'iptables-unknown-option');
    return i;
  }
  const values: string[] = [];
  let j = i + 1;
  if (arity === null) {
    while (j < args.length && (args[j] as Token).text !== '!' && !((args[j] as Token).text.startsWith('-') && !(args[j] as Token).quoted)) {
      values.push((args[j] as Token).text);
      j++;
    }
  } else {
    for (let k = 0; k < arity; k++, j++) {
      const v = args[j];
      if (!v) {
        report(ctx, t.col, 'iptables-syntax', `option "${t.text}" requires ${arity} argument${arity > 1 ? 's' : ''}`);
        return args.length;
      }
      values.push(v.text);
    }
  }
  target.options.push({ name: canon, values, negated });
  return j - 1;
}

export function parseIptables(text: string): { ruleset: Ruleset; problems: Problem[] } {
  const problems: Problem[] = [];
  const ruleset: Ruleset = { tables: [] };
  let table: Table | null = null;
  let tableLine = 0;
  let chains = new Map<string, Chain>();
  const lines = text.split('\n');
  // Where each rule's target sits, to point at jumps to chains that do not exist.
  const ruleAt = new Map<Rule, LineCtx & { col: number }>();

  const chainOf = (name: string, ctx: LineCtx, col: number): Chain => {
    let c = chains.get(name);
    if (!c) {
      report(ctx, col, 'iptables-unknown-chain', `chain "${name}" does not exist (declare it with ":${name} - [0:0]")`);
      c = { name, policy: null, rules: [] };
      chains.set(name, c);
      table?.chains.push(c);
    }
    return c;
  };

  for (let n = 0; n < lines.length; n++) {
    const ctx: LineCtx = { line: n + 1, problems };
    const raw = lines[n] as string;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const col0 = raw.indexOf(trimmed[0] as string) + 1;
    if (trimmed.startsWith('*')) {
      const name = trimmed.slice(1).trim();
      if (table) report(ctx, col0, 'iptables-syntax', `COMMIT expected before *${name} (table ${table.name} opened at line ${tableLine})`);
      if (!TABLE_NAMES.includes(name as TableName)) {
        report(ctx, col0 + 1, 'iptables-syntax', `unknown table "${name}"`);
        table = null;
        continue;
      }
      const existing = ruleset.tables.find((t) => t.name === name);
      table = existing ?? newTable(name as TableName);
      if (!existing) ruleset.tables.push(table);
      tableLine = n + 1;
      chains = new Map(table.chains.map((c) => [c.name, c]));
      continue;
    }
    if (trimmed === 'COMMIT') {
      if (!table) report(ctx, col0, 'iptables-syntax', 'COMMIT without a table (*filter, *nat, …)');
      else checkJumps(table, chains, ruleAt);
      table = null;
      continue;
    }
    if (!table) {
      report(ctx, col0, 'iptables-syntax', 'rule outside a table: the text must start with a line like *nat or *filter');
      continue;
    }
    if (trimmed.startsWith(':')) {
      parseChainLine(raw, table, chains, ctx);
      continue;
    }
    const { tokens, error } = tokenizeLine(raw);
    if (error) {
      report(ctx, error.col, 'iptables-syntax', error.message);
      continue;
    }
    let k = 0;
    let counters: { packets: number; bytes: number } | null = null;
    const first = tokens[0] as Token;
    if (first.text.startsWith('[')) {
      counters = parseCounters(first.text);
      if (!counters) {
        report(ctx, first.col, 'iptables-syntax', `bad counters "${first.text}" ([packets:bytes] expected)`);
        continue;
      }
      k = 1;
    }
    const cmd = tokens[k];
    const chainTok = tokens[k + 1];
    if (!cmd || !COMMANDS.has(cmd.text)) {
      report(ctx, (cmd ?? first).col, 'iptables-syntax', `unexpected "${(cmd ?? first).text}": a rule starts with -A CHAIN`);
      continue;
    }
    if (!chainTok) {
      report(ctx, cmd.col, 'iptables-syntax', `${cmd.text} needs a chain name`);
      continue;
    }
    if (cmd.text === '-N' || cmd.text === '--new-chain') {
      if (!chains.has(chainTok.text)) {
        const c: Chain = { name: chainTok.text, policy: null, rules: [] };
        chains.set(c.name, c);
        table.chains.push(c);
      }
      continue;
    }
    if (cmd.text === '-P' || cmd.text === '--policy') {
      const c = chains.get(chainTok.text);
      const pol = tokens[k + 2]?.text;
      if (!c || c.policy === null) report(ctx, chainTok.col, 'iptables-syntax', `-P needs a built-in chain, not "${chainTok.text}"`);
      else if (pol !== 'ACCEPT' && pol !== 'DROP') report(ctx, chainTok.col, 'iptables-syntax', 'policy must be ACCEPT or DROP');
      else c.policy = pol;
      continue;
    }
    let rest = tokens.slice(k + 2);
    let position = -1;
    if ((cmd.text === '-I' || cmd.text === '--insert') && rest[0] && /^\d+$/.test(rest[0].text)) {
      position = Number(rest[0].text) - 1;
      rest = rest.slice(1);
    } else if (cmd.text === '-I' || cmd.text === '--insert') position = 0;
    const chain = chainOf(chainTok.text, ctx, chainTok.col);
    const rule = parseRuleArgs(rest, ctx);
    if (!rule) continue;
    if (counters) rule.counters = counters;
    const t = rule.target?.name;
    if (t !== undefined && !chains.has(t) && !BUILTIN_TARGETS.has(t) && !TARGETS[t]) {
      // Not resolvable yet (the chain may be declared later in the table): checked at COMMIT.
      const jump = rest.find((tok) => tok.text === '-j' || tok.text === '-g' || tok.text === '--jump' || tok.text === '--goto');
      ruleAt.set(rule, { ...ctx, col: jump ? jump.col : chainTok.col });
    }
    if (position >= 0) chain.rules.splice(Math.min(position, chain.rules.length), 0, rule);
    else chain.rules.push(rule);
  }
  if (table) {
    problems.push(problem('warning', 'iptables-syntax', `table ${table.name} has no COMMIT line (iptables-restore would not apply it)`, { doc: 0, line: tableLine, col: 1 }));
    checkJumps(table, chains, ruleAt);
  }
  return { ruleset, problems };
}

function parseChainLine(raw: string, table: Table, chains: Map<string, Chain>, ctx: LineCtx) {
  const { tokens } = tokenizeLine(raw);
  const nameTok = tokens[0] as Token;
  const name = nameTok.text.slice(1);
  const policy = tokens[1]?.text ?? '-';
  const counters = tokens[2] ? parseCounters(tokens[2].text) : null;
  if (name === '') {
    report(ctx, nameTok.col, 'iptables-syntax', 'chain name expected after ":"');
    return;
  }
  if (tokens[2] && !counters) report(ctx, tokens[2].col, 'iptables-syntax', `bad counters "${tokens[2].text}"`);
  const existing = chains.get(name);
  if (existing && existing.policy !== null) {
    if (policy !== 'ACCEPT' && policy !== 'DROP') report(ctx, (tokens[1] ?? nameTok).col, 'iptables-syntax', `bad policy "${policy}" for built-in chain ${name}`);
    else existing.policy = policy;
    if (counters) existing.counters = counters;
    return;
  }
  if (policy !== '-') report(ctx, (tokens[1] ?? nameTok).col, 'iptables-syntax', `"${name}" is not a built-in chain of ${table.name}: its policy must be "-"`);
  if (existing) return;
  const c: Chain = { name, policy: null, rules: [] };
  if (counters) c.counters = counters;
  chains.set(name, c);
  table.chains.push(c);
}

const BUILTIN_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'QUEUE']);
/** Target extensions we print as given and the evaluator reports; not user chains. */
export const OTHER_TARGETS = new Set([
  'NOTRACK', 'CT', 'NFLOG', 'NFQUEUE', 'TPROXY', 'TCPMSS', 'CLASSIFY', 'DSCP', 'TOS', 'TTL', 'CHECKSUM', 'AUDIT',
  'TRACE', 'SECMARK', 'CONNSECMARK', 'SET', 'HMARK', 'IDLETIMER', 'LED', 'NETMAP', 'TEE', 'ULOG', 'SYNPROXY',
  'RATEEST', 'CLUSTERIP', 'ECN',
]);

function checkJumps(table: Table, chains: Map<string, Chain>, at: Map<Rule, LineCtx & { col: number }>) {
  for (const c of table.chains) {
    for (const r of c.rules) {
      const t = r.target;
      if (!t || BUILTIN_TARGETS.has(t.name) || TARGETS[t.name] || OTHER_TARGETS.has(t.name) || chains.has(t.name)) continue;
      const where = at.get(r);
      if (where) report(where, where.col, 'iptables-unknown-chain', `chain "${t.name}" does not exist (no ":${t.name} - [0:0]" line in table ${table.name})`);
    }
  }
}
