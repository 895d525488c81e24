/**
 * Public API of the censor lab (root only; one lab per machine).
 *
 *   import { up, down, setCensor, setServer, reset, status, readState, exec, spawn, LabAgent } from '../scripts/lab/index.ts';
 *
 * State for other processes: /run/raabta-lab/state.json (see LabState).
 */
export { LabAgent } from './agent-client.ts';
export type { AgentResponse } from './agent-ops/types.ts';
export { BEHAVIOURS } from './censor/index.ts';
export { ALLOW_LIST, LOCK_DIR, NS, RUN_DIR, STATE_FILE } from './constants.ts';
export { nsExec as exec, nsSpawn as spawn } from './exec.ts';
export { down, type LabStatus, reset, setCensor, setServer, status, type UpOptions, up } from './lab.ts';
export { acquireLabLock, type LabLock, releaseLabLock } from './lock.ts';
export { type LabState, readState, type ServerStopMode, tryReadState } from './state.ts';
