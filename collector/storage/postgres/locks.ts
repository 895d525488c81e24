/** `pg_advisory_lock` keys of the collector (one 64-bit space per database). */
export const LOCK_MIGRATIONS = 0x5261_6162_0001n;
export const LOCK_EVENTS = 0x5261_6162_0002n;
export const LOCK_PARTITIONS = 0x5261_6162_0003n;
