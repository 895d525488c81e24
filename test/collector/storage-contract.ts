/**
 * The Storage contract, as a suite any implementation runs: `storageContract('sqlite', factory)`.
 * Everything goes through prepareBatch (the real ingest preparation), so implementations see the same
 * prepared batches the HTTP route produces.
 */
import test from 'ava';
import type { StorageFactory, WithStorage } from './storage-contract-kit.ts';
import { readContract } from './storage-contract-reads.ts';
import { writeContract } from './storage-contract-writes.ts';

export { batchOf, type StorageFactory } from './storage-contract-kit.ts';

export function storageContract(name: string, factory: StorageFactory): void {
  const withStorage: WithStorage = (title, fn) =>
    test(`${name}: ${title}`, async (t) => {
      const { storage, cleanup } = await factory();
      t.teardown(cleanup);
      await fn(t, storage);
    });
  writeContract(withStorage);
  readContract(withStorage);
}
