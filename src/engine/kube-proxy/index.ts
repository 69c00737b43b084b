/**
 * kube-proxy, iptables mode (Kubernetes 1.30/1.31): cluster → the rules it writes on one node.
 */
export { kubeProxyRestoreText, masqueradeMarkText, LARGE_CLUSTER_ENDPOINTS_THRESHOLD } from './restore';
export { kubeProxyHookRules, kubeProxyCanaryChains, kubeletFirewallRules, type HookRule } from './hooks';
export { serviceChainName, endpointChainName, servicePortName, portProtoHash, type ServiceChainPrefix } from './names';
export { restoreProbability, savedProbability, storedProbability, formatFixed } from './probability';
