/**
 * Reads both text forms of iptables rules: what kube-proxy and Calico feed to `iptables-restore`
 * and what `iptables-save [-c]` prints. Options are attached to their extension the way iptables'
 * option parser does it (the target's own options, then the most recent match that takes the
 * option, then an implicit `-m tcp/udp/sctp/icmp` for `-p`), so both forms give the same Rule.
 */
import { problem, type Problem } from '../problems';
import { TARGETS } from './modules';
import { parseRuleArgs, report, type LineCtx } from './rule-args';
import { tokenizeLine, type Token } from './tokenize';
import type { Chain, Rule, Ruleset, Table, TableName } from './types';

export { normaliseAddress, parseRuleArgs } from './rule-args';

const TABLE_NAMES: TableName[] = ['raw', 'mangle', 'nat', 'filter', 'security'];

export const BUILTIN_CHAINS: Record<TableName, string[]> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
  security: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const COMMANDS = new Set(['-A', '--append', '-I', '--insert', '-N', '--new-chain', '-P', '--policy']);

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
    const rules = parseRuleArgs(rest, ctx);
    if (!rules) continue;
    for (const rule of rules) {
      if (counters) rule.counters = counters;
      const t = rule.target?.name;
      if (t !== undefined && !chains.has(t) && !BUILTIN_TARGETS.has(t) && !TARGETS[t]) {
        // Not resolvable yet (the chain may be declared later in the table): checked at COMMIT.
        const jump = rest.find((tok) => tok.text === '-j' || tok.text === '-g' || tok.text === '--jump' || tok.text === '--goto');
        ruleAt.set(rule, { ...ctx, col: jump ? jump.col : chainTok.col });
      }
    }
    if (position >= 0) chain.rules.splice(Math.min(position, chain.rules.length), 0, ...rules);
    else if (rules.length === 1) chain.rules.push(rules[0] as Rule);
    else chain.rules.push(...rules);
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
