/**
 * The match and target extensions we know: which options each takes (with iptables' aliases and
 * how many arguments), and how iptables-save prints it back (libxt_*'s `save` functions: a fixed
 * option order and canonical values). Unknown extensions print exactly as given.
 */
import type { MatchSpec, RuleOption, TargetSpec } from './types';
import { parseIPv4 } from '../net/ipv4';
import { saveString } from './tokenize';
import {
  hex, parseLogLevel, parseNumber, parseValueMask, protoNumber, saveIcmpType, savePortRange, saveProbability,
} from './values';

export interface OptionDef {
  /** How many arguments follow the option. */
  arity: number;
  aliases?: string[];
}

export interface ExtensionDef {
  options: Record<string, OptionDef>;
  /** The text after `-m name` / `-j NAME`, with a leading space per token group. */
  save(options: RuleOption[]): string;
}

const find = (opts: RuleOption[], name: string) => opts.find((o) => o.name === name);
const bang = (o: RuleOption) => (o.negated ? ' !' : '');
const arg0 = (o: RuleOption) => o.values[0] ?? '';

/** Prints the given options in a fixed order, each through `fmt` (default: values as given). */
function ordered(order: string[], fmt: Record<string, (o: RuleOption) => string> = {}) {
  return (opts: RuleOption[]) => {
    let out = '';
    for (const name of order) {
      const o = find(opts, name);
      if (!o) continue;
      const f = fmt[name];
      out += `${bang(o)} --${name}${f ? f(o) : o.values.map((v) => ` ${v}`).join('')}`;
    }
    return out;
  };
}

/** Options as written, for extensions whose save form we have not modelled. */
export function saveAsGiven(opts: RuleOption[]): string {
  return opts.map((o) => `${bang(o)} --${o.name}${o.values.map((v) => ` ${v.includes(' ') || v === '' ? saveString(v) : v}`).join('')}`).join('');
}

const one = { arity: 1 };
const flag = { arity: 0 };
const ports = (o: RuleOption) => ` ${savePortRange(arg0(o))}`;
const portList = (o: RuleOption) => ` ${arg0(o).split(',').map(savePortRange).join(',')}`;

const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'];
function saveTcpFlags(list: string): string {
  const set = new Set(list.toUpperCase().split(','));
  if (set.has('NONE')) return 'NONE';
  const all = set.has('ALL');
  return TCP_FLAGS.filter((f) => all || set.has(f)).join(',') || 'NONE';
}

const savePorts = ordered(['sport', 'dport'], { sport: ports, dport: ports });

function portMatch(extra: Record<string, OptionDef> = {}): ExtensionDef {
  return {
    options: {
      sport: { arity: 1, aliases: ['source-port'] },
      dport: { arity: 1, aliases: ['destination-port'] },
      ...extra,
    },
    save: (opts) => {
      let out = savePorts(opts);
      const flags = find(opts, 'tcp-flags');
      const syn = find(opts, 'syn');
      if (flags) out += `${bang(flags)} --tcp-flags ${saveTcpFlags(arg0(flags))} ${saveTcpFlags(flags.values[1] ?? '')}`;
      else if (syn) out += `${bang(syn)} --tcp-flags FIN,SYN,RST,ACK SYN`;
      const option = find(opts, 'tcp-option');
      if (option) out += `${bang(option)} --tcp-option ${arg0(option)}`;
      return out;
    },
  };
}

const CT_STATES = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];
const CT_STATUS = ['NONE', 'EXPECTED', 'SEEN_REPLY', 'ASSURED', 'CONFIRMED'];
const bitOrder = (order: string[]) => (o: RuleOption) => {
  const set = new Set(arg0(o).toUpperCase().split(','));
  return ` ${order.filter((s) => set.has(s)).join(',')}`;
};

/** libxt_conntrack prints an address as given, its mask as a length, and no `/32`. */
const ctAddr = (o: RuleOption) => {
  const [addr = '', mask] = arg0(o).split('/', 2);
  let len = 32;
  if (mask !== undefined && mask.includes('.')) {
    const m = parseIPv4(mask);
    const l = m === null ? NaN : 32 - Math.log2((~m >>> 0) + 1);
    if (!Number.isInteger(l)) return ` ${arg0(o)}`;
    len = l;
  } else if (mask !== undefined) len = Number(mask);
  return len === 32 ? ` ${addr}` : ` ${addr}/${len}`;
};

const saveMark = (o: RuleOption) => {
  const vm = parseValueMask(arg0(o));
  if (!vm) return ` ${arg0(o)}`;
  return vm.mask === 0xffffffff ? ` ${hex(vm.value)}` : ` ${hex(vm.value)}/${hex(vm.mask)}`;
};

const ADDR_TYPES = ['UNSPEC', 'UNICAST', 'LOCAL', 'BROADCAST', 'ANYCAST', 'MULTICAST', 'BLACKHOLE', 'UNREACHABLE', 'PROHIBIT', 'THROW', 'NAT', 'XRESOLVE'];

export const MATCHES: Record<string, ExtensionDef> = {
  comment: {
    options: { comment: one },
    save: (opts) => opts.filter((o) => o.name === 'comment').map((o) => ` --comment ${saveString(arg0(o))}`).join(''),
  },
  tcp: portMatch({ 'tcp-flags': { arity: 2 }, syn: flag, 'tcp-option': one }),
  udp: portMatch(),
  sctp: portMatch({ 'chunk-types': { arity: 2 } }),
  icmp: {
    options: { 'icmp-type': one },
    save: ordered(['icmp-type'], { 'icmp-type': (o) => ` ${saveIcmpType(arg0(o))}` }),
  },
  multiport: {
    options: {
      sports: { arity: 1, aliases: ['source-ports'] },
      dports: { arity: 1, aliases: ['destination-ports'] },
      ports: one,
    },
    save: ordered(['sports', 'dports', 'ports'], { sports: portList, dports: portList, ports: portList }),
  },
  addrtype: {
    options: { 'src-type': one, 'dst-type': one, 'limit-iface-in': flag, 'limit-iface-out': flag },
    save: ordered(['src-type', 'dst-type', 'limit-iface-in', 'limit-iface-out'], {
      'src-type': bitOrder(ADDR_TYPES),
      'dst-type': bitOrder(ADDR_TYPES),
    }),
  },
  mark: { options: { mark: one }, save: ordered(['mark'], { mark: saveMark }) },
  connmark: { options: { mark: one }, save: ordered(['mark'], { mark: saveMark }) },
  conntrack: {
    options: {
      ctstate: one, ctproto: one, ctorigsrc: one, ctorigdst: one, ctreplsrc: one, ctrepldst: one,
      ctorigsrcport: one, ctorigdstport: one, ctreplsrcport: one, ctrepldstport: one, ctstatus: one,
      ctexpire: one, ctdir: one,
    },
    save: ordered(
      ['ctstate', 'ctproto', 'ctorigsrc', 'ctorigdst', 'ctreplsrc', 'ctrepldst', 'ctorigsrcport', 'ctorigdstport',
        'ctreplsrcport', 'ctrepldstport', 'ctstatus', 'ctexpire', 'ctdir'],
      {
        ctstate: bitOrder(CT_STATES), ctstatus: bitOrder(CT_STATUS), ctproto: (o) => ` ${protoNumber(arg0(o)) ?? arg0(o)}`,
        ctorigsrc: ctAddr, ctorigdst: ctAddr, ctreplsrc: ctAddr, ctrepldst: ctAddr,
      },
    ),
  },
  state: { options: { state: one }, save: ordered(['state'], { state: bitOrder(CT_STATES) }) },
  statistic: {
    options: { mode: one, probability: one, every: one, packet: one },
    save: (opts) => {
      const mode = arg0(find(opts, 'mode') ?? { name: 'mode', values: ['random'], negated: false });
      const p = find(opts, 'probability');
      if (mode === 'random') return ` --mode random${p ? `${bang(p)} --probability ${saveProbability(arg0(p))}` : ''}`;
      const every = find(opts, 'every');
      const packet = find(opts, 'packet');
      return ` --mode nth${every ? `${bang(every)} --every ${arg0(every)}` : ''} --packet ${packet ? arg0(packet) : '0'}`;
    },
  },
  recent: {
    options: {
      set: flag, rcheck: flag, update: flag, remove: flag, seconds: one, reap: flag, hitcount: one, rttl: flag,
      name: one, mask: one, rsource: flag, rdest: flag,
    },
    save: (opts) => {
      let out = ordered(['set', 'rcheck', 'update', 'remove', 'seconds', 'reap', 'hitcount', 'rttl'])(opts);
      out += ` --name ${arg0(find(opts, 'name') ?? { name: 'name', values: ['DEFAULT'], negated: false })}`;
      out += ` --mask ${arg0(find(opts, 'mask') ?? { name: 'mask', values: ['255.255.255.255'], negated: false })}`;
      return out + (find(opts, 'rdest') ? ' --rdest' : ' --rsource');
    },
  },
  physdev: {
    options: { 'physdev-in': one, 'physdev-out': one, 'physdev-is-in': flag, 'physdev-is-out': flag, 'physdev-is-bridged': flag },
    save: ordered(['physdev-is-in', 'physdev-in', 'physdev-is-out', 'physdev-out', 'physdev-is-bridged']),
  },
  set: {
    options: { 'match-set': { arity: 2 }, 'return-nomatch': flag, 'update-counters': flag, 'update-subcounters': flag },
    save: ordered(['match-set', 'return-nomatch', 'update-counters', 'update-subcounters']),
  },
  // libxt_nfacct prints " --nfacct-name " and then xtables_save_string's own leading space: two spaces.
  nfacct: { options: { 'nfacct-name': one }, save: (opts) => opts.map((o) => ` --nfacct-name  ${saveString(arg0(o))}`).join('') },
  rpfilter: {
    options: { loose: flag, validmark: flag, 'accept-local': flag, invert: flag },
    save: ordered(['loose', 'validmark', 'accept-local', 'invert']),
  },
  limit: {
    options: { limit: one, 'limit-burst': one },
    save: (opts) => {
      const l = find(opts, 'limit');
      const b = find(opts, 'limit-burst');
      return ` --limit ${saveRate(l ? arg0(l) : '3/hour')}${b && arg0(b) !== '5' ? ` --limit-burst ${arg0(b)}` : ''}`;
    },
  },
};

/** libxt_limit: the kernel keeps the period (10000 · seconds-per-unit / rate); save picks the largest exact unit. */
const LIMIT_SCALE = 10000;
const RATE_UNITS: [string, number][] = [['day', 86400], ['hour', 3600], ['min', 60], ['sec', 1]];

function saveRate(text: string): string {
  const m = /^(\d+)(?:\/([a-z]+))?$/i.exec(text);
  const r = m ? Number(m[1]) : 0;
  const unit = (m?.[2] ?? 'sec').toLowerCase();
  const per = RATE_UNITS.find(([name]) => (name === 'min' ? 'minute' : name === 'sec' ? 'second' : name).startsWith(unit));
  if (!m || r === 0 || !per) return text;
  const period = Math.floor((LIMIT_SCALE * per[1]) / r);
  if (period === 0) return text;
  let i = 1;
  for (; i < RATE_UNITS.length; i++) {
    const mult = LIMIT_SCALE * (RATE_UNITS[i] as [string, number])[1];
    if (period > mult || Math.floor(mult / period) < mult % period) break;
  }
  const [name, secs] = RATE_UNITS[i - 1] as [string, number];
  return `${Math.floor((LIMIT_SCALE * secs) / period)}/${name}`;
}

const xmark = (opts: RuleOption[]): string => {
  const get = (n: string) => find(opts, n);
  const vm = (o: RuleOption | undefined) => (o ? parseValueMask(arg0(o)) : null);
  let v: { value: number; mask: number } | null = null;
  const setX = vm(get('set-xmark'));
  const set = vm(get('set-mark'));
  const and = get('and-mark') ? parseNumber(arg0(get('and-mark') as RuleOption)) : null;
  const or = get('or-mark') ? parseNumber(arg0(get('or-mark') as RuleOption)) : null;
  const xor = get('xor-mark') ? parseNumber(arg0(get('xor-mark') as RuleOption)) : null;
  // libxt_MARK: --set-mark v/m is "zero m, then OR v"; and/or/xor are xmark special cases.
  if (setX) v = setX;
  else if (set) v = { value: set.value, mask: (set.mask | set.value) >>> 0 };
  else if (and !== null) v = { value: 0, mask: ~and >>> 0 };
  else if (or !== null) v = { value: or, mask: or };
  else if (xor !== null) v = { value: xor, mask: 0 };
  return v ? ` --set-xmark ${hex(v.value)}/${hex(v.mask)}` : saveAsGiven(opts);
};

const REJECT_WITH: Record<string, string> = {
  'icmp-net-unreachable': 'icmp-net-unreachable', 'net-unreach': 'icmp-net-unreachable',
  'icmp-host-unreachable': 'icmp-host-unreachable', 'host-unreach': 'icmp-host-unreachable',
  'icmp-proto-unreachable': 'icmp-proto-unreachable', 'proto-unreach': 'icmp-proto-unreachable',
  'icmp-port-unreachable': 'icmp-port-unreachable', 'port-unreach': 'icmp-port-unreachable',
  'icmp-net-prohibited': 'icmp-net-prohibited', 'net-prohib': 'icmp-net-prohibited',
  'icmp-host-prohibited': 'icmp-host-prohibited', 'host-prohib': 'icmp-host-prohibited',
  'icmp-admin-prohibited': 'icmp-admin-prohibited', 'admin-prohib': 'icmp-admin-prohibited',
  'tcp-reset': 'tcp-reset', 'tcp-rst': 'tcp-reset',
};

export function rejectWith(opts: RuleOption[]): string {
  const w = find(opts, 'reject-with');
  return w ? (REJECT_WITH[arg0(w)] ?? arg0(w)) : 'icmp-port-unreachable';
}

const natFlags = ['random', 'random-fully', 'persistent'];
const markOptions = { 'set-xmark': one, 'set-mark': one, 'and-mark': one, 'or-mark': one, 'xor-mark': one };

export const TARGETS: Record<string, ExtensionDef> = {
  REJECT: { options: { 'reject-with': one }, save: (opts) => ` --reject-with ${rejectWith(opts)}` },
  MARK: { options: markOptions, save: xmark },
  CONNMARK: {
    options: { ...markOptions, 'save-mark': flag, 'restore-mark': flag, mask: one, nfmask: one, ctmask: one },
    save: (opts) => {
      const sr = find(opts, 'save-mark') ?? find(opts, 'restore-mark');
      if (!sr) return xmark(opts);
      const mask = find(opts, 'mask');
      const nf = find(opts, 'nfmask') ?? mask;
      const ct = find(opts, 'ctmask') ?? mask;
      const m = (o: RuleOption | undefined) => hex(o ? (parseNumber(arg0(o)) ?? 0xffffffff) : 0xffffffff);
      return ` --${sr.name} --nfmask ${m(nf)} --ctmask ${m(ct)}`;
    },
  },
  DNAT: { options: { 'to-destination': one, random: flag, persistent: flag }, save: ordered(['to-destination', ...natFlags]) },
  SNAT: { options: { 'to-source': one, random: flag, 'random-fully': flag, persistent: flag }, save: ordered(['to-source', ...natFlags]) },
  MASQUERADE: { options: { 'to-ports': one, random: flag, 'random-fully': flag }, save: ordered(['to-ports', 'random', 'random-fully']) },
  REDIRECT: { options: { 'to-ports': one, random: flag }, save: ordered(['to-ports', 'random']) },
  LOG: {
    options: {
      'log-prefix': one, 'log-level': one, 'log-tcp-sequence': flag, 'log-tcp-options': flag,
      'log-ip-options': flag, 'log-uid': flag, 'log-macdecode': flag,
    },
    save: (opts) => {
      const prefix = find(opts, 'log-prefix');
      const level = find(opts, 'log-level');
      let out = prefix && arg0(prefix) !== '' ? ` --log-prefix ${saveString(arg0(prefix))}` : '';
      const n = level ? parseLogLevel(arg0(level)) : 4;
      if (n !== null && n !== 4) out += ` --log-level ${n}`;
      for (const f of ['log-tcp-sequence', 'log-tcp-options', 'log-ip-options', 'log-uid', 'log-macdecode']) {
        if (find(opts, f)) out += ` --${f}`;
      }
      return out;
    },
  },
  ACCEPT: { options: {}, save: () => '' },
  DROP: { options: {}, save: () => '' },
  RETURN: { options: {}, save: () => '' },
};

/** Resolves an option name (or alias) for an extension; null when it does not take it. */
export function canonicalOption(def: ExtensionDef, name: string): { name: string; def: OptionDef } | null {
  const direct = def.options[name];
  if (direct) return { name, def: direct };
  for (const [canon, d] of Object.entries(def.options)) {
    if (d.aliases?.includes(name)) return { name: canon, def: d };
  }
  return null;
}

export function saveMatch(m: MatchSpec): string {
  const def = MATCHES[m.module];
  return ` -m ${m.module}${def ? def.save(m.options) : saveAsGiven(m.options)}`;
}

export function saveTarget(t: TargetSpec): string {
  const def = TARGETS[t.name];
  return ` ${t.goto ? '-g' : '-j'} ${t.name}${def ? def.save(t.options) : saveAsGiven(t.options)}`;
}
