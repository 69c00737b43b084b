/**
 * Felix's rule model and its `cali:` rule hashes. Felix renders each rule in its own long-option
 * form (`--in-interface cali+ --jump cali-from-wl-dispatch`), hashes it and writes it to
 * iptables-restore with `-m comment --comment "cali:<hash>"` in front. The hash (felix
 * generictables.RuleHashes): SHA-224 of the chain name, then per rule SHA-224(previous hash ||
 * `-A <chain> HASH <comments> <match> <action>`), URL-safe base64 without padding, 16 chars.
 * Checked against hashes seen on real nodes: `-j cali-FORWARD` in FORWARD is `wUHhoiAYhphO9Mso`,
 * cali-nat-outgoing's MASQUERADE is `flqWnvo8yq4ULQLa`.
 */
import { sha224, sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base64urlnopad } from '@scure/base';

export interface FelixRule {
  /** Felix's match render, e.g. `-m mark --mark 0x10000/0x10000`; '' for none. */
  match: string;
  /** Felix's action render, e.g. `--jump ACCEPT`, `--goto cali-fw-cali1234`. */
  action: string;
  comments?: string[];
}

export interface FelixChain {
  name: string;
  rules: FelixRule[];
}

const HASH_LENGTH = 16;
/** iptables' limit on chain names, which Felix respects (iptables.MaxChainNameLength). */
export const MAX_CHAIN_NAME = 28;

function body(r: FelixRule): string {
  const parts: string[] = [];
  for (const c of r.comments ?? []) parts.push(`-m comment --comment "${c}"`);
  if (r.match) parts.push(r.match);
  parts.push(r.action);
  return parts.join(' ');
}

export function felixRuleHashes(chain: string, rules: FelixRule[]): string[] {
  let hash = sha224(utf8ToBytes(chain));
  return rules.map((r) => {
    const line = utf8ToBytes(`-A ${chain} HASH ${body(r)}`);
    const buf = new Uint8Array(hash.length + line.length);
    buf.set(hash);
    buf.set(line, hash.length);
    hash = sha224(buf);
    return base64urlnopad.encode(hash).slice(0, HASH_LENGTH);
  });
}

/** The lines Felix hands to iptables-restore for a chain's rules (`-A chain -m comment --comment "cali:…" …`). */
export function felixRestoreLines(chain: string, rules: FelixRule[], hashes = felixRuleHashes(chain, rules)): string[] {
  return rules.map((r, i) => `-A ${chain} -m comment --comment "cali:${hashes[i]}" ${body(r)}`);
}

/** hashutils.GetLengthLimitedID: prefix + suffix, or prefix + `_` + SHA-256/base64url of the suffix when too long. */
export function lengthLimitedId(prefix: string, suffix: string, maxLength = MAX_CHAIN_NAME): string {
  const s = suffix === '' ? '_' : suffix;
  const total = prefix.length + s.length;
  if (total > maxLength || (total === maxLength && s.startsWith('_'))) {
    const hash = base64urlnopad.encode(sha256(utf8ToBytes(s)));
    return prefix + '_' + hash.slice(0, maxLength - 1 - prefix.length);
  }
  return prefix + s;
}

/** Felix's action and match renders (felix/iptables/actions.go, match_builder.go). */
export const felix = {
  jump: (t: string) => `--jump ${t}`,
  goto: (t: string) => `--goto ${t}`,
  accept: '--jump ACCEPT',
  drop: '--jump DROP',
  ret: '--jump RETURN',
  masq: '--jump MASQUERADE --random-fully',
  clearMark: (m: number) => `--jump MARK --set-mark 0/${hex(m)}`,
  setMark: (m: number) => `--jump MARK --set-mark ${hex(m)}/${hex(m)}`,
  markSet: (m: number) => `-m mark --mark ${hex(m)}/${hex(m)}`,
  markClear: (m: number) => `-m mark --mark 0/${hex(m)}`,
  inIface: (i: string) => `--in-interface ${i}`,
  outIface: (i: string) => `--out-interface ${i}`,
  ctstate: (s: string) => `-m conntrack --ctstate ${s}`,
  notCtstate: (s: string) => `-m conntrack ! --ctstate ${s}`,
  srcSet: (s: string) => `-m set --match-set ${s} src`,
  dstSet: (s: string) => `-m set --match-set ${s} dst`,
  notDstSet: (s: string) => `-m set ! --match-set ${s} dst`,
};

/** Go's `%#x`. */
export function hex(n: number): string {
  return `0x${(n >>> 0).toString(16)}`;
}
