/**
 * kube-proxy's chain names (pkg/proxy/iptables/proxier.go `portProtoHash`,
 * `servicePortEndpointChainName`): the first 16 characters of base32 (RFC 4648 standard alphabet)
 * of SHA-256 over `servicePortName + protocol` (+ `ip:port` for KUBE-SEP), protocol lower-case.
 * Sixteen base32 characters are exactly the first ten bytes of the digest, so only those are encoded.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { base32 } from '@scure/base';

export type ServiceChainPrefix = 'KUBE-SVC-' | 'KUBE-SVL-' | 'KUBE-EXT-' | 'KUBE-FW-';

/**
 * Hashing dominates rule generation (40,000 digests for 10,000 services × 3 endpoints), and the
 * same names come back for every node and every edit, so digests are memoised. The function is
 * pure, so the cache cannot change any output; it is cleared when it grows past a bound.
 */
const HASH_CACHE_LIMIT = 500_000;
const hashCache = new Map<string, string>();

function hash16(input: string): string {
  let h = hashCache.get(input);
  if (h === undefined) {
    h = base32.encode(sha256(utf8ToBytes(input)).subarray(0, 10));
    if (hashCache.size >= HASH_CACHE_LIMIT) hashCache.clear();
    hashCache.set(input, h);
  }
  return h;
}

/** `ns/name` or `ns/name:portName` (proxy.ServicePortName.String()). */
export function servicePortName(namespace: string, name: string, portName: string): string {
  return portName === '' ? `${namespace}/${name}` : `${namespace}/${name}:${portName}`;
}

/** The 16-character hash shared by a service port's SVC, SVL, EXT and FW chains. */
export function portProtoHash(servicePortNameText: string, protocol: string): string {
  return hash16(servicePortNameText + protocol.toLowerCase());
}

/** `KUBE-SVC-XPGD46QRK7WJZT7O` for (`KUBE-SVC-`, `ns1/svc1:p80`, `tcp`). */
export function serviceChainName(prefix: ServiceChainPrefix, servicePortNameText: string, protocol: string): string {
  return prefix + portProtoHash(servicePortNameText, protocol);
}

/** `KUBE-SEP-…` for one endpoint (`ip:port`) of a service port. */
export function endpointChainName(servicePortNameText: string, protocol: string, endpoint: string): string {
  return 'KUBE-SEP-' + hash16(servicePortNameText + protocol.toLowerCase() + endpoint);
}
