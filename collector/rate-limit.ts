/** Token buckets keyed by probe id (never by address): `capacity` requests at once, refilled per second. */

export interface RateLimit {
  /** requests allowed in a burst */
  capacity: number;
  /** sustained requests per second */
  perSecond: number;
}

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly monotonicMs: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes a token; false when the bucket is empty. */
  take(key: string): boolean {
    const now = this.monotonicMs();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.evictFull(now);
      b = { tokens: this.limit.capacity, at: now };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(this.limit.capacity, b.tokens + ((now - b.at) / 1000) * this.limit.perSecond);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Seconds until a token is available for `key`. */
  retryAfter(key: string): number {
    const b = this.buckets.get(key);
    if (!b || b.tokens >= 1) return 0;
    return Math.ceil((1 - b.tokens) / this.limit.perSecond);
  }

  private evictFull(now: number): void {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.limit.perSecond >= this.limit.capacity)
        this.buckets.delete(k);
    }
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}
