/** One component's share of a table, as restore lines: where its jumps sit in the built-in chains, and its own chains. */
export interface TableRules {
  /** User chains it declares (`:NAME - [0:0]`). */
  chains: string[];
  /** Rules it inserts at the top of built-in chains (`iptables -I`), already in final order. */
  prepend: Partial<Record<string, string[]>>;
  /** Rules it appends at the end of built-in chains (`iptables -A`). */
  append: Partial<Record<string, string[]>>;
  /** `-A` lines of its own chains. */
  rules: string[];
}

export function emptyTableRules(): TableRules {
  return { chains: [], prepend: {}, append: {}, rules: [] };
}
