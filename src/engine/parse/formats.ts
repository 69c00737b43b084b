/**
 * The value formats Kubernetes validates on the fields the engine reads: IP addresses and CIDRs
 * (IPv4 and IPv6 — a dual-stack export must not be flagged just because the engine models IPv4),
 * and IANA_SVC_NAME port names. Each check returns `null` when the value is fine, else the reason,
 * worded like the API server's validation messages.
 */
import { parseIPv4 } from '../net/ipv4';

/** Full IPv6 syntax (RFC 4291 §2.2), including `::` compression and a trailing dotted IPv4. */
export function isIPv6(text: string): boolean {
  if (text.length < 2 || text.length > 45) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groupsOf = (s: string): string[] | null => (s === '' ? [] : s.split(':'));
  const head = groupsOf(halves[0] ?? '');
  const tail = halves.length === 2 ? groupsOf(halves[1] ?? '') : [];
  if (head === null || tail === null) return false;
  const all = [...head, ...tail];
  let words = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i] ?? '';
    // A dotted IPv4 may only end the address (`::ffff:1.2.3.4`, never `1.2.3.4::`).
    const endsAddress = i === all.length - 1 && (halves.length === 1 || tail.length > 0);
    if (endsAddress && g.includes('.')) {
      if (parseIPv4(g) === null) return false;
      words += 2;
    } else if (/^[0-9a-fA-F]{1,4}$/.test(g)) {
      words += 1;
    } else {
      return false;
    }
  }
  return halves.length === 2 ? words <= 7 : words === 8;
}

export function isIP(text: string): boolean {
  return parseIPv4(text) !== null || isIPv6(text);
}

export function ipProblem(text: string): string | null {
  return isIP(text) ? null : 'must be a valid IP address (e.g. 10.0.0.10 or fd00::a)';
}

/** `addr/len`; host bits may be set, as Kubernetes' sloppy CIDR parsing allows. */
export function cidrProblem(text: string): string | null {
  const slash = text.indexOf('/');
  const bad = 'must be a valid CIDR (e.g. 10.244.0.0/16)';
  if (slash < 0) return bad;
  const addr = text.slice(0, slash);
  const len = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(len)) return bad;
  const max = parseIPv4(addr) !== null ? 32 : isIPv6(addr) ? 128 : -1;
  if (max < 0 || Number(len) > max) return bad;
  return null;
}

/** IANA_SVC_NAME (RFC 6335 §5.1), as `validation.IsValidPortName` checks it. */
export function portNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > 15) return 'must be no more than 15 characters';
  if (!/^[-a-z0-9]+$/.test(name)) return 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)';
  if (name.includes('--')) return 'must not contain consecutive hyphens';
  if (!/[a-z]/.test(name)) return 'must contain at least one letter (a-z)';
  if (name.startsWith('-') || name.endsWith('-')) return 'must not begin or end with a hyphen';
  return null;
}
