/**
 * Interface names and MAC addresses the CNIs give, made deterministic where the real thing is random
 * (the kernel's random MACs, containerd's netns names): same cluster in, same names out.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { fnv32a } from '../cluster/fnv';

function sha1Hex(text: string): string {
  return bytesToHex(sha1(utf8ToBytes(text)));
}

/** Calico's host-side veth: `cali` + the first 11 hex chars of SHA-1(`<namespace>.<pod>`) (cni-plugin VethNameForWorkload). */
export function calicoVethName(namespace: string, pod: string): string {
  return `cali${sha1Hex(`${namespace}.${pod}`).slice(0, 11)}`;
}

/**
 * The bridge plugin (Flannel, plain bridge) lets `ip.RandomVethName` pick `veth` + 8 random hex chars;
 * ours are derived from the pod key, so they stay stable.
 */
export function bridgeVethName(namespace: string, pod: string): string {
  return `veth${seededHex(`veth:${namespace}/${pod}`, 8)}`;
}

/** The container id the runtime would give the pod sandbox: 64 hex chars, here SHA-256 of the pod key. */
export function containerId(namespace: string, pod: string): string {
  return bytesToHex(sha256(utf8ToBytes(`container:${namespace}/${pod}`)));
}

/** Weave's CNI plugin names the host end `vethwepl` + the start of the container id (15 chars in all). */
export function weaveVethName(namespace: string, pod: string): string {
  return `vethwepl${containerId(namespace, pod).slice(0, 7)}`;
}

/**
 * `n` hex chars derived from `seed`: FNV-1a of the seed, stretched by a splitmix32-style mixer.
 * Cheap and stable; these names only need to look like the random ones real components pick.
 */
function seededHex(seed: string, n: number): string {
  let h = fnv32a(seed);
  let out = '';
  while (out.length < n) {
    h = (h + 0x9e3779b9) >>> 0;
    let z = h;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    out += ((z ^ (z >>> 16)) >>> 0).toString(16).padStart(8, '0');
  }
  return out.slice(0, n);
}

/**
 * A locally administered unicast MAC (what the kernel's random MACs look like: bit 1 of the first
 * octet set, bit 0 clear), derived from `seed`. `firstOctet` pins the first octet when a component
 * uses a recognisable one.
 */
export function deterministicMac(seed: string, firstOctet?: number): string {
  const h = seededHex(`mac:${seed}`, 12);
  const first = firstOctet ?? ((parseInt(h.slice(0, 2), 16) & 0xfe) | 0x02);
  return [first.toString(16).padStart(2, '0'), h.slice(2, 4), h.slice(4, 6), h.slice(6, 8), h.slice(8, 10), h.slice(10, 12)].join(':');
}

/** The CNI plugins' old `hwaddr` scheme: `0a:58` + the IPv4 address, e.g. 10.244.1.2 → `0a:58:0a:f4:01:02`. */
export function macFromIp(ip: string): string {
  return ['0a', '58', ...ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}

/** containerd names pod netns `cni-<uuid>`; ours is UUID-shaped and derived from the pod key. */
export function podNetnsName(namespace: string, pod: string): string {
  const h = seededHex(`netns:${namespace}/${pod}`, 32);
  return `cni-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
