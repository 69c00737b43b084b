/**
 * Disagreements between the kernel and the walker that are understood and reported to the walker's
 * owner, keyed `cni case | probe | aspect` (`*` matches any case or probe). A listed disagreement is
 * allowed, not required: some depend on the kernel's random endpoint choice. Each run writes which
 * of them happened to its results file, so this list can shrink as the walker is fixed.
 */
const KNOWN: Record<string, string> = {
  // Empty: the last gaps (the ICMP errors that answer a REJECT and an unroutable ping, which the
  // trace now walks back as its reply) were fixed; see git history for what was listed here.
};

export function knownDisagreement(cniCase: string, probe: string, aspect: string): string | undefined {
  for (const k of [`${cniCase}|${probe}|${aspect}`, `*|${probe}|${aspect}`, `${cniCase}|*|${aspect}`, `*|*|${aspect}`]) {
    if (KNOWN[k]) return KNOWN[k];
  }
  return undefined;
}
