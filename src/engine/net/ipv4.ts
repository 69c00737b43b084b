/**
 * IPv4 addresses and prefixes. Addresses travel as dotted strings (what users read and what crosses
 * the worker boundary); arithmetic happens on unsigned 32-bit numbers.
 */
export type IPv4 = string;
/** `a.b.c.d/len` */
export type Cidr = string;

export interface Prefix {
  /** Network address as an unsigned 32-bit number (host bits cleared). */
  net: number;
  len: number;
}

export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const v = Number(part);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  return n >>> 0;
}

export function isIPv4(text: string): boolean {
  return parseIPv4(text) !== null;
}

export function formatIPv4(n: number): IPv4 {
  const u = n >>> 0;
  return `${u >>> 24}.${(u >>> 16) & 255}.${(u >>> 8) & 255}.${u & 255}`;
}

export function maskOf(len: number): number {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** Parses `a.b.c.d/len` or a bare address (a /32). Host bits must be clear only when `strict`. */
export function parseCidr(text: string, strict = false): Prefix | null {
  const slash = text.indexOf('/');
  const addr = parseIPv4(slash < 0 ? text : text.slice(0, slash));
  if (addr === null) return null;
  let len = 32;
  if (slash >= 0) {
    const l = text.slice(slash + 1);
    if (!/^\d{1,2}$/.test(l)) return null;
    len = Number(l);
    if (len > 32) return null;
  }
  const net = (addr & maskOf(len)) >>> 0;
  if (strict && net !== addr) return null;
  return { net, len };
}

export function isCidr(text: string): boolean {
  return text.includes('/') && parseCidr(text) !== null;
}

export function formatCidr(p: Prefix): Cidr {
  return `${formatIPv4(p.net)}/${p.len}`;
}

export function prefixContains(p: Prefix, addr: number): boolean {
  return ((addr & maskOf(p.len)) >>> 0) === p.net;
}

/** True when `ip` lies inside `cidr`; false for anything unparsable. */
export function cidrContains(cidr: Cidr, ip: IPv4): boolean {
  const p = parseCidr(cidr);
  const a = parseIPv4(ip);
  return p !== null && a !== null && prefixContains(p, a);
}

/** The n-th address of a prefix (0 = network address). */
export function nthAddress(cidr: Cidr, n: number): IPv4 {
  const p = parseCidr(cidr);
  if (!p) throw new Error(`not a CIDR: ${cidr}`);
  return formatIPv4(p.net + n);
}

export function prefixSize(len: number): number {
  return 2 ** (32 - len);
}

/** The i-th subnet of length `subLen` inside `cidr`. */
export function nthSubnet(cidr: Cidr, subLen: number, i: number): Cidr {
  const p = parseCidr(cidr);
  if (!p) throw new Error(`not a CIDR: ${cidr}`);
  return formatCidr({ net: (p.net + i * prefixSize(subLen)) >>> 0, len: subLen });
}

export function compareIPv4(a: IPv4, b: IPv4): number {
  return (parseIPv4(a) ?? 0) - (parseIPv4(b) ?? 0);
}
