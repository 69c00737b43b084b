import type { Problem } from '../problems';
import type { HookResult, NetfilterEnv, NetfilterPacket, Rule, Ruleset, TableName, BuiltinChain } from './types';

export type * from './types';

/** Parses `iptables-save` output or `iptables-restore` input (both forms). */
export function parseIptables(_text: string): { ruleset: Ruleset; problems: Problem[] } {
  throw new Error('STUB: replaced by the netfilter module');
}

/** Prints a rule set exactly as `iptables-save` would (`counters` adds `[p:b]` like `-c`). */
export function printIptablesSave(_ruleset: Ruleset, _opts?: { counters?: boolean; tables?: TableName[] }): string {
  throw new Error('STUB');
}

/** One rule in save form: `-A CHAIN -d 10.96.0.10/32 -p udp ... -j TARGET`. */
export function formatRule(_chain: string, _rule: Rule): string {
  throw new Error('STUB');
}

/** Runs one table's built-in chain for one packet with the kernel's semantics. */
export function evaluateHook(
  _ruleset: Ruleset,
  _table: TableName,
  _hook: BuiltinChain,
  _packet: NetfilterPacket,
  _env: NetfilterEnv,
): HookResult {
  throw new Error('STUB');
}
