/**
 * Disagreements between the kernel and the walker that are understood and reported to the walker's
 * owner, keyed `cni case | probe | aspect` (`*` matches any case or probe). A listed disagreement is
 * allowed, not required: some depend on the kernel's random endpoint choice. Each run writes which
 * of them happened to its results file, so this list can shrink as the walker is fixed.
 */
const KNOWN: Record<string, string> = {
  '*|*|pick':
    "walk: `--pick` of the last endpoint of a service (the KUBE-SEP jump without -m statistic) or of a service's only endpoint fails with 'met no load-balancing rule': pickMatched is only set inside chooseRandom, which the unconditional last rule never calls",
  '*|pod → ClusterIP, ICMP|rules':
    "walk: the ICMP error that answers the echo (net unreachable from the underlay gateway) comes back as a RELATED packet through the node's FORWARD chain (cali-tw-… RELATED,ESTABLISHED ACCEPT); the trace stops at the first packet",
};

export function knownDisagreement(cniCase: string, probe: string, aspect: string): string | undefined {
  for (const k of [`${cniCase}|${probe}|${aspect}`, `*|${probe}|${aspect}`, `${cniCase}|*|${aspect}`, `*|*|${aspect}`]) {
    if (KNOWN[k]) return KNOWN[k];
  }
  return undefined;
}

/** Walker gaps the comparison fills in from the engine's own evaluator (see outer-packets.ts). */
export const OUTER_PACKET_GAP =
  'walk: encapsulated packets are not run through netfilter: the outer VXLAN header traverses OUTPUT/POSTROUTING on the sending node and PREROUTING/INPUT on the receiving one (a NEW conntrack flow each way, so nat too), where Felix accepts it (cali-OUTPUT/cali-INPUT "Allow IPv4 VXLAN packets")';
