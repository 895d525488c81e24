/** Make rb-censor match the active behaviours in the state: iptables, tc, poisoner, proxy, conntrack -F. */
import { NS } from '../constants.ts';
import { startDaemon, stopDaemon } from '../daemons.ts';
import type { LabPaths } from '../paths.ts';
import { proxySpec } from '../services/censor-nginx.ts';
import { poisonerSpec } from '../services/dns.ts';
import { inNs, run } from '../sh.ts';
import type { LabState } from '../state.ts';
import { buildPlan } from './index.ts';
import { iptablesRestoreInput } from './plan.ts';
import { TC_DEVS, tcBatch } from './tc.ts';

async function reconcileDaemon(
  state: LabState,
  id: string,
  fingerprint: string,
  wanted: boolean,
  start: () => ReturnType<typeof startDaemon>,
): Promise<void> {
  const key = `daemon:${id}`;
  if ((state.applied[key] ?? '') === fingerprint && wanted === Boolean(state.daemons[id])) return;
  await stopDaemon(state.daemons[id]);
  delete state.daemons[id];
  delete state.applied[key];
  if (wanted) {
    state.daemons[id] = await start();
    state.applied[key] = fingerprint;
  }
}

export async function applyCensor(state: LabState, p: LabPaths): Promise<void> {
  const plan = buildPlan(state.censor, state.hosts);
  const poison = plan.poison;
  const hosts = [...new Set(plan.proxyHosts)].sort();
  const daemons = [
    {
      id: 'dns-poisoner',
      fp: JSON.stringify(poison),
      wanted: Object.keys(poison).length > 0,
      start: () => startDaemon(poisonerSpec(p, poison)),
    },
    {
      id: 'censor-proxy',
      fp: JSON.stringify(hosts),
      wanted: hosts.length > 0,
      start: () => startDaemon(proxySpec(p, hosts)),
    },
  ];
  // Daemons that are wanted start before the rules that send traffic to them; unwanted ones stop after.
  for (const d of daemons.filter((x) => x.wanted)) await reconcileDaemon(state, d.id, d.fp, true, d.start);
  await run(inNs(NS.censor, ['iptables-restore', '--noflush']), { input: iptablesRestoreInput(plan) });

  const htb = JSON.stringify(plan.htb);
  if ((state.applied.htb ?? '[]') !== htb) {
    for (const { dev } of TC_DEVS)
      await run(['tc', '-n', NS.censor, 'qdisc', 'del', 'dev', dev, 'root'], { check: false });
    const batch = tcBatch(plan.htb);
    if (batch) await run(['tc', '-n', NS.censor, '-batch', '-'], { input: batch });
    state.applied.htb = htb;
  }
  for (const d of daemons.filter((x) => !x.wanted)) await reconcileDaemon(state, d.id, d.fp, false, d.start);

  await run(inNs(NS.censor, ['conntrack', '-F']), { check: false });
}
