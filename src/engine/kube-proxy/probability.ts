/**
 * The two texts of one `-m statistic --mode random --probability` value.
 *
 * kube-proxy writes `fmt.Sprintf("%0.10f", 1.0/float64(n))` (proxier.go `computeProbability`).
 * iptables stores `lround(0x80000000 * p)` in the kernel and `iptables-save` prints it back with
 * `printf("%.11f", stored / 0x80000000)` (libxt_statistic.c). Go's `%f` and glibc's `printf` both
 * round the exact binary value half-to-even; `Number#toFixed` rounds ties up (1/2048 would print
 * `0.0004882813` where Go prints `0.0004882812`), so ties are decided here on the exact value.
 */

const F64 = new DataView(new ArrayBuffer(8));

/** Exact decimal rendering of a finite, non-negative double with `digits` decimals, ties to even. */
export function formatFixed(x: number, digits: number): string {
  F64.setFloat64(0, x);
  const hi = F64.getUint32(0);
  const lo = F64.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mantissa |= 1n << 52n;
    exp = biased - 1075;
  }
  // x = mantissa · 2^exp; we want round(x · 10^digits).
  let scaled = mantissa * 10n ** BigInt(digits);
  if (exp >= 0) scaled <<= BigInt(exp);
  else {
    const denom = 1n << BigInt(-exp);
    const q = scaled / denom;
    const twiceRest = (scaled - q * denom) * 2n;
    scaled = twiceRest > denom || (twiceRest === denom && (q & 1n) === 1n) ? q + 1n : q;
  }
  const text = scaled.toString().padStart(digits + 1, '0');
  return digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** kube-proxy caches these too (`precomputedProbabilities`): the same few n recur for every service. */
const restoreCache: string[] = [];

/** Text kube-proxy writes for endpoint `i` (0-based) of `n`: 1/(n−i) as `%0.10f`. */
export function restoreProbability(n: number, i: number): string {
  const k = n - i;
  let text = restoreCache[k];
  if (text === undefined) {
    text = formatFixed(1 / k, 10);
    if (k < 10_000) restoreCache[k] = text;
  }
  return text;
}

/** What the kernel keeps for a probability: a 31-bit fixed-point fraction (`lround`, ties away from 0). */
export function storedProbability(probability: number): number {
  return Math.round(probability * 0x80000000);
}

/** What `iptables-save` prints for a `--probability` that was given as `text`. */
export function savedProbability(text: string): string {
  return formatFixed(storedProbability(Number(text)) / 0x80000000, 11);
}
