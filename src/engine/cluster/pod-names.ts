import { seededPrng } from '../prng';
import { fnv32a } from './fnv';

/** k8s.io/apimachinery/pkg/util/rand: the alphabet without vowels and look-alike characters. */
export const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

const SUFFIX_SPACE = 27 ** 5;
const CODES = Array.from(SAFE_ALPHANUMS, (c) => c.charCodeAt(0));

/** `rand.SafeEncodeString`: each byte maps to `alphanums[b % 27]`. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE_ALPHANUMS[s.charCodeAt(i) % SAFE_ALPHANUMS.length];
  return out;
}

/**
 * pod-template-hash as the Deployment controller computes it (`controller.ComputeHash`): FNV-32a of
 * the pod template, the decimal value SafeEncodeString-ed. Kubernetes hashes a Go struct dump we
 * cannot reproduce byte for byte, so we hash the template's JSON as written: same shape
 * (`5d59d67564`-style, digits 4–9 and b c d f), not the same value as a live cluster.
 */
export function podTemplateHash(template: unknown, collisionCount = 0): string {
  const text = (JSON.stringify(template) ?? '') + (collisionCount ? String(collisionCount) : '');
  return safeEncodeString(String(fnv32a(text)));
}

/**
 * `generateName` suffixes (5 characters of the same alphabet, `rand.String(5)`), drawn from the
 * seeded PRNG keyed by the owner, so the same manifests always give the same pod names.
 */
export class SuffixGenerator {
  private readonly prng;
  constructor(
    ownerKey: string,
    private readonly taken: Set<string>,
  ) {
    this.prng = seededPrng(fnv32a(ownerKey));
  }

  /** `<prefix>-<5 chars>`, unique within `taken` (which it extends). */
  next(prefix: string): string {
    for (;;) {
      // One draw gives all five characters: 27^5 < 2^32.
      const n = Math.floor(this.prng.next() * SUFFIX_SPACE);
      const name = `${prefix}-${String.fromCharCode(CODES[n % 27] ?? 0, CODES[Math.floor(n / 27) % 27] ?? 0,
        CODES[Math.floor(n / 729) % 27] ?? 0, CODES[Math.floor(n / 19683) % 27] ?? 0, CODES[Math.floor(n / 531441) % 27] ?? 0)}`;
      if (!this.taken.has(name)) {
        this.taken.add(name);
        return name;
      }
    }
  }
}
