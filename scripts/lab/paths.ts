/** Every file path the lab uses, derived from the run directory. */
import { RUN_DIR } from './constants.ts';
import { certFileName } from './pki.ts';

export function labPaths(runDir = RUN_DIR) {
  const pki = `${runDir}/pki`;
  return {
    runDir,
    state: `${runDir}/state.json`,
    pki,
    caCert: `${pki}/ca.crt`,
    leafKey: `${pki}/leaf.key`,
    cert: (name: string) => `${pki}/certs/${certFileName(name)}`,
    blockpageCert: `${pki}/blockpage.crt`,
    www: `${runDir}/www`,
    logs: `${runDir}/logs`,
    log: (id: string) => `${runDir}/logs/${id}.log`,
    dir: (sub: string) => `${runDir}/${sub}`,
  };
}

export type LabPaths = ReturnType<typeof labPaths>;
