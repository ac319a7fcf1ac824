/**
 * The client's address for the audit log. The connection's address, unless the API runs behind
 * reverse proxies (BAOXUE_TRUST_PROXY = how many): each of them appends the address it saw to
 * X-Forwarded-For, so the client is the entry that many steps from the right. Entries further left
 * are whatever the client wrote and are never believed.
 */
export function clientIp(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedProxies: number): string | null {
  let address = remoteAddress;
  if (trustedProxies > 0 && forwardedFor !== undefined) {
    const chain = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
    const hops = [...chain, remoteAddress ?? ''];
    address = hops[Math.max(0, hops.length - 1 - trustedProxies)];
  }
  if (!address) return null;
  const plain = address.startsWith('::ffff:') && address.includes('.') ? address.slice('::ffff:'.length) : address;
  return plain.slice(0, 100);
}
