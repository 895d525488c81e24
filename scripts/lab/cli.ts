/**
 * Censor lab CLI (needs root):
 *   npm run lab -- up | down | status [--json] | state | reset
 *   npm run lab -- censor <behaviour> on|off [args...]     npm run lab -- censor list
 *   npm run lab -- server <name|ip> stop|start [refuse|drop]
 *   npm run lab -- exec <namespace> <command...>
 */
import { BEHAVIOURS } from './censor/index.ts';
import { LOCK_DIR, STATE_FILE } from './constants.ts';
import { nsExec } from './exec.ts';
import { down, reset, setCensor, setServer, status, up } from './lab.ts';
import { lockHeldByOther } from './lock.ts';
import { readState } from './state.ts';

const USAGE = `usage: npm run lab -- <command>
  up                                   build the lab (cleans leftovers first)
  down                                 tear everything down (idempotent)
  status [--json]                      namespaces, daemons, active behaviours
  state                                print the state JSON (${STATE_FILE})
  reset                                all behaviours off, all servers running
  censor list                          list behaviours
  censor <behaviour> on|off [args...]  switch a behaviour
  server <name|ip> stop|start [refuse|drop]   origin really down (refuse = RST, drop = silence)
  exec <namespace> <command...>        run a command in a lab namespace
Commands that change the lab refuse while a test run holds the lab lock (${LOCK_DIR}) unless --force.`;

const MUTATING = new Set(['up', 'down', 'reset', 'censor', 'server']);

function guard(cmd: string | undefined, force: boolean): void {
  if (!cmd || !MUTATING.has(cmd) || force) return;
  const owner = lockHeldByOther();
  if (owner !== undefined)
    throw new Error(`the lab is in use by pid ${owner} (it holds the lab lock); pass --force to override`);
}

async function main(argv: string[]): Promise<number> {
  const force = argv[0] !== 'exec' && argv.includes('--force');
  const [cmd, ...rest] = argv[0] === 'exec' ? argv : argv.filter((a) => a !== '--force');
  if (cmd !== 'censor' || rest[0] !== 'list') guard(cmd, force);
  switch (cmd) {
    case 'up': {
      // an interrupted `up` leaves nothing behind
      for (const sig of ['SIGINT', 'SIGTERM'] as const) {
        process.once(sig, () => {
          down();
          process.exit(130);
        });
      }
      const state = await up({ log: (l) => console.log(l) });
      console.log(`state: ${state.stateFile}`);
      return 0;
    }
    case 'down': {
      const r = down();
      console.log(
        `lab down in ${r.ms} ms (killed ${r.killed} processes, removed ${r.namespaces.join(' ') || 'no namespaces'})`,
      );
      return 0;
    }
    case 'status': {
      const s = status();
      if (rest.includes('--json')) console.log(JSON.stringify(s, null, 2));
      else {
        console.log(`lab ${s.up ? 'UP' : 'NOT UP'}; namespaces: ${s.namespaces.join(' ') || '-'}`);
        for (const d of s.daemons)
          console.log(`  ${d.alive ? 'running' : 'DEAD   '} ${d.id} (pid ${d.pid}, ${d.ns})`);
        for (const [b, args] of Object.entries(s.censor)) console.log(`  censor ${b} on ${args.join(' ')}`);
        for (const [ip, mode] of Object.entries(s.stopped)) console.log(`  server ${ip} stopped (${mode})`);
      }
      return s.up ? 0 : 1;
    }
    case 'state':
      console.log(JSON.stringify(readState(), null, 2));
      return 0;
    case 'reset':
      await reset();
      console.log('lab reset: all behaviours off, all servers running');
      return 0;
    case 'censor': {
      const [name, onOff, ...args] = rest;
      if (name === 'list' || name === undefined) {
        for (const b of BEHAVIOURS) console.log(`${b.usage.padEnd(58)} ${b.summary}`);
        return 0;
      }
      if (onOff !== 'on' && onOff !== 'off') throw new Error(`usage: censor <behaviour> on|off [args...]`);
      const state = await setCensor(name, onOff === 'on', args);
      console.log(`${name} ${onOff}${onOff === 'on' ? ` ${state.censor[name].join(' ')}` : ''}`);
      return 0;
    }
    case 'server': {
      const [target, action, mode] = rest;
      if ((action !== 'stop' && action !== 'start') || (mode && mode !== 'refuse' && mode !== 'drop')) {
        throw new Error('usage: server <name|ip> stop|start [refuse|drop]');
      }
      await setServer(target, action, (mode ?? 'refuse') as 'refuse' | 'drop');
      console.log(`server ${target} ${action}${action === 'stop' ? ` (${mode ?? 'refuse'})` : ''}`);
      return 0;
    }
    case 'exec': {
      const [ns, ...cmdArgv] = rest;
      const r = await nsExec(ns, cmdArgv);
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return r.code;
    }
    default:
      console.log(USAGE);
      return cmd === undefined || cmd === 'help' || cmd === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
