/**
 * Option values as iptables reads them (numbers with strtoul base 0, service and ICMP names,
 * port ranges) and as iptables-save prints them back.
 */

/** strtoul(…, 0): `0x` hex, leading `0` octal, else decimal. Null when not a number. */
export function parseNumber(text: string): number | null {
  if (/^0x[0-9a-f]+$/i.test(text)) return parseInt(text.slice(2), 16);
  if (/^0[0-7]+$/.test(text)) return parseInt(text, 8);
  if (/^\d+$/.test(text)) return parseInt(text, 10);
  return null;
}

export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}

/** `value[/mask]`; the mask defaults to all ones. */
export function parseValueMask(text: string): { value: number; mask: number } | null {
  const [v, m] = text.split('/', 2);
  const value = parseNumber(v ?? '');
  const mask = m === undefined ? 0xffffffff : parseNumber(m);
  if (value === null || mask === null || value > 0xffffffff || mask > 0xffffffff) return null;
  return { value: value >>> 0, mask: mask >>> 0 };
}

/** The few /etc/services names people write in rules (iptables resolves them with getservbyname). */
const SERVICES: Record<string, number> = {
  ftp: 21, ssh: 22, telnet: 23, smtp: 25, domain: 53, bootps: 67, bootpc: 68, tftp: 69, http: 80,
  www: 80, kerberos: 88, pop3: 110, ntp: 123, imap2: 143, imap: 143, snmp: 161, ldap: 389, https: 443,
  syslog: 514, ldaps: 636, imaps: 993, pop3s: 995, mysql: 3306, postgresql: 5432, 'http-alt': 8080,
};

export function parsePort(text: string): number | null {
  const n = /^\d+$/.test(text) ? Number(text) : SERVICES[text.toLowerCase()];
  return n === undefined || n > 65535 ? null : n;
}

/** `a`, `a:b`, `:b` (from 0), `a:` (to 65535). */
export function parsePortRange(text: string): { lo: number; hi: number } | null {
  const colon = text.indexOf(':');
  if (colon < 0) {
    const p = parsePort(text);
    return p === null ? null : { lo: p, hi: p };
  }
  const a = text.slice(0, colon);
  const b = text.slice(colon + 1);
  const lo = a === '' ? 0 : parsePort(a);
  const hi = b === '' ? 65535 : parsePort(b);
  if (lo === null || hi === null || lo > hi) return null;
  return { lo, hi };
}

export function formatPortRange(r: { lo: number; hi: number }): string {
  return r.lo === r.hi ? String(r.lo) : `${r.lo}:${r.hi}`;
}

/** A port or range as iptables-save prints it; the text as given when it does not parse. */
export function savePortRange(text: string): string {
  const r = parsePortRange(text);
  return r ? formatPortRange(r) : text;
}

/** Protocol numbers as iptables-save names them (its own table, then Debian's /etc/protocols). */
const PROTO_NAMES: Record<number, string> = {
  1: 'icmp', 2: 'igmp', 4: 'ipencap', 6: 'tcp', 8: 'egp', 17: 'udp', 33: 'dccp', 41: 'ipv6', 47: 'gre',
  50: 'esp', 51: 'ah', 58: 'ipv6-icmp', 89: 'ospf', 94: 'ipip', 97: 'etherip', 98: 'encap', 103: 'pim',
  108: 'ipcomp', 112: 'vrrp', 115: 'l2tp', 132: 'sctp', 136: 'udplite', 137: 'mpls-in-ip',
};
const PROTO_NUMBERS: Record<string, number> = Object.fromEntries(
  Object.entries(PROTO_NAMES).map(([n, name]) => [name, Number(n)]),
);
PROTO_NUMBERS['all'] = 0;
PROTO_NUMBERS['icmpv6'] = 58;
PROTO_NUMBERS['ipv4'] = 4;

export function protoNumber(text: string): number | null {
  const lower = text.toLowerCase();
  if (/^\d+$/.test(lower)) return Number(lower) <= 255 ? Number(lower) : null;
  return PROTO_NUMBERS[lower] ?? null;
}

/** The name iptables-save prints for `-p`; null for `all` (printed as nothing). */
export function saveProto(text: string): string | null {
  const n = protoNumber(text);
  if (n === 0) return null;
  if (n === null) return text.toLowerCase();
  return PROTO_NAMES[n] ?? String(n);
}

/** libxt_icmp's names: type and code range (codes 0–255 mean "any code"). */
const ICMP_TYPES: Record<string, [number, number, number]> = {
  any: [0xff, 0, 0xff],
  'echo-reply': [0, 0, 0xff], pong: [0, 0, 0xff],
  'destination-unreachable': [3, 0, 0xff],
  'network-unreachable': [3, 0, 0], 'host-unreachable': [3, 1, 1], 'protocol-unreachable': [3, 2, 2],
  'port-unreachable': [3, 3, 3], 'fragmentation-needed': [3, 4, 4], 'source-route-failed': [3, 5, 5],
  'network-unknown': [3, 6, 6], 'host-unknown': [3, 7, 7], 'network-prohibited': [3, 9, 9],
  'host-prohibited': [3, 10, 10], 'TOS-network-unreachable': [3, 11, 11], 'TOS-host-unreachable': [3, 12, 12],
  'communication-prohibited': [3, 13, 13], 'host-precedence-violation': [3, 14, 14],
  'precedence-cutoff': [3, 15, 15], 'source-quench': [4, 0, 0xff],
  redirect: [5, 0, 0xff], 'network-redirect': [5, 0, 0], 'host-redirect': [5, 1, 1],
  'TOS-network-redirect': [5, 2, 2], 'TOS-host-redirect': [5, 3, 3],
  'echo-request': [8, 0, 0xff], ping: [8, 0, 0xff], 'router-advertisement': [9, 0, 0xff],
  'router-solicitation': [10, 0, 0xff], 'time-exceeded': [11, 0, 0xff], 'ttl-exceeded': [11, 0, 0xff],
  'ttl-zero-during-transit': [11, 0, 0], 'ttl-zero-during-reassembly': [11, 1, 1],
  'parameter-problem': [12, 0, 0xff], 'ip-header-bad': [12, 0, 0], 'required-option-missing': [12, 1, 1],
  'timestamp-request': [13, 0, 0xff], 'timestamp-reply': [14, 0, 0xff],
  'address-mask-request': [17, 0, 0xff], 'address-mask-reply': [18, 0, 0xff],
};

/** `--icmp-type` → type and code range; null when unknown. */
export function parseIcmpType(text: string): { type: number; codeLo: number; codeHi: number } | null {
  const named = ICMP_TYPES[text] ?? ICMP_TYPES[text.toLowerCase()];
  if (named) return { type: named[0], codeLo: named[1], codeHi: named[2] };
  const m = /^(\d+)(?:\/(\d+))?$/.exec(text);
  if (!m) return null;
  const type = Number(m[1]);
  const code = m[2] === undefined ? null : Number(m[2]);
  if (type > 255 || (code !== null && code > 255)) return null;
  return code === null ? { type, codeLo: 0, codeHi: 0xff } : { type, codeLo: code, codeHi: code };
}

export function saveIcmpType(text: string): string {
  const t = parseIcmpType(text);
  if (!t) return text;
  if (t.type === 0xff) return 'any';
  return t.codeLo === 0 && t.codeHi === 0xff ? String(t.type) : `${t.type}/${t.codeLo}`;
}

/**
 * `--probability` as the kernel keeps it (libxt_statistic: `lround(p · 2^31)` in a u32) and as
 * iptables-save prints it (`%.11f` of stored/2^31). Exact decimal arithmetic, round half to even
 * like glibc's printf, so no binary-to-decimal surprise.
 */
export function storedProbability(p: number): number {
  return Math.round(Math.min(Math.max(p, 0), 1) * 0x80000000);
}

export function saveProbability(text: string): string {
  const p = Number(text);
  if (!Number.isFinite(p)) return text;
  const k = BigInt(storedProbability(p));
  const scaled = k * 10n ** 11n;
  const den = 0x80000000n;
  let q = scaled / den;
  const r = scaled % den;
  if (r * 2n > den || (r * 2n === den && q % 2n === 1n)) q += 1n;
  const s = q.toString().padStart(12, '0');
  return `${s.slice(0, -11)}.${s.slice(-11)}`;
}

/** Syslog level names LOG accepts; iptables-save prints the number. */
const LOG_LEVELS: Record<string, number> = {
  emerg: 0, alert: 1, crit: 2, error: 3, err: 3, warning: 4, warn: 4, notice: 5, info: 6, debug: 7,
};

export function parseLogLevel(text: string): number | null {
  return LOG_LEVELS[text.toLowerCase()] ?? (/^[0-7]$/.test(text) ? Number(text) : null);
}
