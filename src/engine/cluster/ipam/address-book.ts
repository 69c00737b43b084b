import { formatIPv4, parseIPv4 } from '../../net/ipv4';
import { problem, type Problem } from '../../problems';
import type { Pod } from '../types';
import type { PodDraft } from '../workloads';

/** Addresses already taken in the pod network: pasted pod IPs, tunnel and bridge addresses. */
/** Who holds an address: a pod, or a text such as `node k8s-w1 tunl0` (formatted only when reported). */
export type AddressOwner = string | Pick<Pod, 'namespace' | 'name'>;

export class AddressBook {
  private readonly owners = new Map<number, AddressOwner>();

  has(addr: number): boolean {
    return this.owners.has(addr);
  }

  take(addr: number, owner: AddressOwner): void {
    this.owners.set(addr, owner);
  }

  ownerOf(addr: number): string | undefined {
    const o = this.owners.get(addr);
    return typeof o === 'object' ? `pod ${o.namespace}/${o.name}` : o;
  }

  /** The first free address in [start, end), or undefined. */
  firstFree(start: number, end: number): number | undefined {
    for (let a = start; a < end; a++) if (!this.owners.has(a)) return a;
    return undefined;
  }
}

/** A run of addresses a node hands out in order (a Calico block, a flannel /24, a weave range). */
export class AddressRange {
  constructor(
    readonly start: number,
    readonly end: number,
    private cursor = start,
  ) {}

  next(book: AddressBook, owner: AddressOwner): string | undefined {
    const a = book.firstFree(this.cursor, this.end);
    if (a === undefined) {
      this.cursor = this.end;
      return undefined;
    }
    book.take(a, owner);
    this.cursor = a + 1;
    return formatIPv4(a);
  }
}

/**
 * A running pod in its own network namespace that has no address yet. Pods that finished (or a
 * pasted Pending pod still in ContainerCreating) have none, as on a real node.
 */
export function needsAddress(d: PodDraft): boolean {
  return !d.pod.ip && !d.pod.hostNetwork && d.pod.node !== '' && d.pod.phase === 'Running';
}

/**
 * Records every pasted pod IP; reports duplicates (two pods, one address) and addresses outside
 * the pod network. hostNetwork pods share their node's address and are left out.
 */
export function reservePastedAddresses(
  drafts: PodDraft[],
  book: AddressBook,
  inPodNetwork: (addr: number) => boolean,
  networkText: string,
  problems: Problem[],
): void {
  for (const d of drafts) {
    if (!d.pod.ip || d.pod.hostNetwork) continue;
    const addr = parseIPv4(d.pod.ip) ?? 0;
    const where = d.object ? d.object.locate(['status', 'podIP']) : d.pod.source;
    const who = `${d.pod.namespace}/${d.pod.name}`;
    const prev = book.ownerOf(addr);
    if (prev !== undefined) {
      problems.push(problem('error', 'ip-conflict', `pod ${who} has IP ${d.pod.ip}, already used by ${prev}`, where, 'status.podIP'));
      continue;
    }
    book.take(addr, d.pod);
    if (!inPodNetwork(addr)) {
      problems.push(problem('warning', 'ip-outside-pool', `pod ${who} has IP ${d.pod.ip}, outside the pod network ${networkText}`, where, 'status.podIP'));
    }
  }
}
