/**
 * Netfilter as data: parse and print both iptables text forms, evaluate a hook with the kernel's
 * semantics, and keep conntrack tables.
 */
export type * from './types';
export { parseIptables, BUILTIN_CHAINS } from './parse';
export { printIptablesSave, formatRule, saveChainOrder, SAVE_TABLE_ORDER, type SaveOptions } from './print';
export { evaluateHook } from './evaluate';
export { compileRuleset } from './compile';
