/**
 * Netfilter as data: parse and print both iptables text forms, evaluate a hook with the kernel's
 * semantics, and keep conntrack tables.
 */
export type * from './types';
export { parseIptables, BUILTIN_CHAINS } from './parse';
export { printIptablesSave, formatRule, saveChainOrder, SAVE_TABLE_ORDER, type SaveOptions } from './print';
export { evaluateHook } from './evaluate';
export { compileRuleset, invalidate as invalidateCompiled } from './compile';
export {
  newConntrackTable, lookup as conntrackLookup, create as conntrackCreate, seenReply as conntrackSeenReply,
  streamed as conntrackStreamed, translate as conntrackTranslate, formatConntrackEntry, formatConntrackList,
  conntrackListSummary, type ConntrackTable, type FlowPacket, type NatBinding, type Direction,
} from './conntrack';
