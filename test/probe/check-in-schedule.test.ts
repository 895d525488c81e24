/**
 * The schedule the probe runs: the collector's central schedule applies to suites the volunteer left alone;
 * what the volunteer set in the configuration (a cron, or null to disable a default suite) wins.
 */
import test from 'ava';
import { DEFAULT_SCHEDULE, resolveConfig } from '../../probe/config/config.ts';
import { mergeSchedule } from '../../probe/daemon/targets.ts';

const central = {
  suites: [{ suite: 'sport', targets: [] }],
  schedule: {
    news: '5 * * * *',
    x: '*/5 * * * *',
    vpn: '0 */6 * * *',
    sport: '0 12 * * *',
    ghost: '* * * * *',
  },
};

test("the volunteer's schedule wins over the central one; the central one fills in the rest", (t) => {
  const config = resolveConfig({ schedule: { x: '*/20 * * * *', vpn: null } }, {});
  const s = mergeSchedule(config.schedule, central);
  t.is(s.x, '*/20 * * * *', 'set by the volunteer');
  t.false('vpn' in s, 'disabled by the volunteer stays disabled');
  t.is(s.news, '5 * * * *', 'left at its default: the central cron');
  t.is(s.sport, '0 12 * * *', 'a suite only the collector has');
  t.false('ghost' in s, 'a central entry for a suite this probe does not have');
  t.is(s.dns, DEFAULT_SCHEDULE.dns, 'nothing central: the default');
});

test('without a central schedule the configuration is unchanged', (t) => {
  const config = resolveConfig({ schedule: { x: '*/20 * * * *' } }, {});
  t.deepEqual(mergeSchedule(config.schedule, null), config.schedule);
  t.deepEqual(mergeSchedule(config.schedule, { suites: [], schedule: {} }), config.schedule);
});
