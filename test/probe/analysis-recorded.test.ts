/** The analysis on traces recorded in the censor lab: valid measurements, expected verdicts, deterministic. */
import test from 'ava';
import { analyzeMeasurement } from '../../probe/analysis/index.ts';
import { validateMeasurement } from '../../schemas/validate.ts';
import { label } from '../fixtures/web/confusion.ts';
import { RECORDED_EXPECT, recorded, recordedNames } from '../fixtures/web/recorded.ts';

test('every recorded fixture is listed with its expected verdict', (t) => {
  t.deepEqual(recordedNames(), Object.keys(RECORDED_EXPECT).sort());
});

for (const name of Object.keys(RECORDED_EXPECT)) {
  test(`recorded ${name} is a valid measurement whose verdict is ${RECORDED_EXPECT[name]}`, (t) => {
    const m = recorded(name);
    const v = validateMeasurement(m);
    t.true(v.ok, v.ok ? '' : v.error);
    const verdict = analyzeMeasurement(m);
    t.is(label(verdict), RECORDED_EXPECT[name], verdict?.reason);
    t.deepEqual(analyzeMeasurement(recorded(name)), verdict, 'pure and deterministic');
    t.true((verdict?.evidence.length ?? 0) > 0, 'names its evidence');
    for (const ptr of verdict?.evidence ?? []) t.regex(ptr, /^\/test_keys\/(control\/)?[a-z_]+\/\d+$/);
    t.is(verdict?.analysis_version, `${m.test_name}-1`);
  });
}

test('the SNI-reset verdict names the reset, the innocuous-SNI confirmation and the control', (t) => {
  const v = analyzeMeasurement(recorded('sni-rst--web--https_x_com_'));
  t.regex(v?.reason ?? '', /reset right after the ClientHello/);
  t.regex(v?.reason ?? '', /same IP completed a handshake with SNI example\.org/);
  t.regex(v?.reason ?? '', /control completed the handshake/);
  t.true((v?.confidence ?? 0) >= 0.9);
});

test('the blockpage verdict is confirmed by a named fingerprint', (t) => {
  const v = analyzeMeasurement(recorded('http-blockpage--web--http_www_dawn_com_'));
  t.regex(v?.reason ?? '', /pk_pta_national/);
  t.true((v?.confidence ?? 0) >= 0.99);
});

test('the throttle verdict records the numbers: probe, control and the probe baseline', (t) => {
  const v = analyzeMeasurement(recorded('throttle-media--web--https_mmg_whatsapp_net_'));
  t.regex(v?.reason ?? '', /kB\/s/);
  t.regex(v?.reason ?? '', /control/);
  t.regex(v?.reason ?? '', /best transfer to other hosts/);
});
