/**
 * Disagreements between the kernel and the walker that are understood and reported to the walker's
 * owner, keyed `cni case | probe | aspect` (`*` matches any case or probe). A listed disagreement is
 * allowed, not required: some depend on the kernel's random endpoint choice. Each run writes which
 * of them happened to its results file, so this list can shrink as the walker is fixed.
 */
const KNOWN: Record<string, string> = {
  '*|pod → Service without endpoints, TCP|rules':
    "walk: kube-proxy's REJECT makes the node send an ICMP port-unreachable to the pod; that error passes the node's mangle POSTROUTING (Felix: cali-POSTROUTING MARK --set-xmark 0x0/0xf0000), and the trace stops at the REJECT",
  '*|no-endpoints (as Calico VXLAN): pod/default/client → svc/default/orders|rules':
    "walk: as for 'pod → Service without endpoints': the REJECT's ICMP error passes mangle POSTROUTING on the node",
  '*|pod → ClusterIP, ICMP|rules':
    "walk: the ICMP error that answers the echo (net unreachable from the underlay gateway) comes back as a RELATED packet through the node's FORWARD chain (cali-tw-… RELATED,ESTABLISHED ACCEPT); the trace stops at the first packet",
};

export function knownDisagreement(cniCase: string, probe: string, aspect: string): string | undefined {
  for (const k of [`${cniCase}|${probe}|${aspect}`, `*|${probe}|${aspect}`, `${cniCase}|*|${aspect}`, `*|*|${aspect}`]) {
    if (KNOWN[k]) return KNOWN[k];
  }
  return undefined;
}
