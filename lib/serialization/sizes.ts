// Checked size arithmetic for the loaders: element and byte counts are computed exactly (BigInt) and
// refused when they exceed what a JS number holds exactly (2^53 - 1), so no count can wrap or round.
const MAX = BigInt(Number.MAX_SAFE_INTEGER);

/** The byte count of `sizes` elements of `itemSize` bytes each, or an Error naming `file` and `what`. */
export function checkedBytes(sizes: readonly number[], itemSize: number, file: string, what: string): number {
  let n = BigInt(itemSize);
  for (const d of sizes) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`${file}: ${what} has a bad size [${sizes}]`);
    n *= BigInt(d);
  }
  if (n > MAX) throw new Error(`${file}: ${what} of size [${sizes}] would take ${n} bytes, more than any tensor can hold`);
  return Number(n);
}

/**
 * The number of elements a strided view reaches: 1 + offset + sum((size[i] - 1) * stride[i]), or 0 for
 * an empty view; exact, whatever the sizes.
 */
export function viewExtent(offset: number, size: readonly number[], stride: readonly number[]): bigint {
  if (size.some((d) => d === 0)) return 0n;
  let last = BigInt(offset);
  size.forEach((d, i) => { last += BigInt(d - 1) * BigInt(stride[i]); });
  return last + 1n;
}
