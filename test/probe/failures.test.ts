import test from 'ava';
import { failureOf } from '../../probe/net/errors.ts';

test('node socket errors map to the OONI failure vocabulary', (t) => {
  t.is(
    failureOf(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    'connection_refused',
  );
  t.is(
    failureOf(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', syscall: 'read' })),
    'connection_reset',
  );
  t.is(
    failureOf(
      Object.assign(
        new Error('Client network socket disconnected before secure TLS connection was established'),
        {
          code: 'ECONNRESET',
        },
      ),
    ),
    'eof_error',
  );
  t.is(
    failureOf(Object.assign(new Error('queryA ETIMEOUT x.com'), { code: 'ETIMEOUT' })),
    'generic_timeout_error',
  );
  t.is(
    failureOf(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' })),
    'dns_nxdomain_error',
  );
  t.is(
    failureOf(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' })),
    'ssl_invalid_hostname',
  );
});

test('an unknown error keeps its message under unknown_failure', (t) => {
  t.is(failureOf(new Error('something odd')), 'unknown_failure: something odd');
});
