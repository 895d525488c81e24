/**
 * Works through a list with a fixed number of workers: at most `concurrency` items at once and, when `key`
 * is given, at most `perKey` items of one key (a host) at once. Items start in list order, except that an
 * item whose key is busy waits while later items of other keys go ahead.
 *
 * Nothing is created per item before the item starts. (The runner used to map every target to a pending
 * p-limit promise chain up front; a long list's chains end up in V8's old space, and each one, once settled,
 * kept its finished measurement reachable until the next full GC — memory grew with the list.)
 *
 * When `work` rejects, no further item starts; the items in progress finish, then runQueue rejects with the
 * first error.
 */
export interface QueueOptions<T> {
  concurrency: number;
  /** items of one key in progress at once (default: no limit) */
  perKey?: number;
  key?: (item: T) => string;
}

export async function runQueue<T>(
  items: readonly T[],
  opts: QueueOptions<T>,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const perKey = Math.max(1, opts.perKey ?? Number.POSITIVE_INFINITY);
  const active = new Map<string, number>();
  /** items taken off the list while their key was busy, by key (only keys with an item in progress) */
  const held = new Map<string, number[]>();
  const waiting: (() => void)[] = [];
  let next = 0;
  let failure: { error: unknown } | null = null;
  const free = (k: string) => (active.get(k) ?? 0) < perKey;

  const take = (): { index: number; key: string | null } | null => {
    for (const [k, list] of held) {
      if (!free(k)) continue;
      const index = list.shift() as number;
      if (list.length === 0) held.delete(k);
      return { index, key: k };
    }
    while (next < items.length) {
      const index = next++;
      if (!opts.key) return { index, key: null };
      const k = opts.key(items[index]);
      if (free(k) && !held.has(k)) return { index, key: k };
      const list = held.get(k);
      if (list) list.push(index);
      else held.set(k, [index]);
    }
    return null;
  };

  const worker = async (): Promise<void> => {
    while (!failure) {
      const job = take();
      if (!job) {
        // the list is used up; what is held waits for a key that a worker in progress will free
        if (held.size === 0) return;
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      const k = job.key;
      if (k !== null) active.set(k, (active.get(k) ?? 0) + 1);
      try {
        await work(items[job.index]);
      } catch (error) {
        failure ??= { error };
      } finally {
        if (k !== null) {
          const n = (active.get(k) ?? 1) - 1;
          if (n > 0) active.set(k, n);
          else active.delete(k);
        }
        for (const wake of waiting.splice(0)) wake();
      }
    }
  };

  const workers = Math.max(1, Math.min(Math.floor(opts.concurrency) || 1, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}
