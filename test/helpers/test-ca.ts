/** A throw-away CA and server certificates made with openssl in a temp dir (EC P-256, seconds to make). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  caFile: string;
  caPem: string;
  /** a certificate for `names` (DNS names and IP addresses), signed by the CA (or by its own key) */
  issue(
    cn: string,
    names: string[],
    opts?: { selfSigned?: boolean },
  ): { certPem: string; keyPem: string; certFile: string; keyFile: string };
  cleanup(): void;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestCa(name = 'Raabta Test CA'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'raabta-ca-'));
  openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ca.key']);
  openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-sha256',
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-out',
    'ca.pem',
  ]);
  let serial = 1;
  const caFile = join(dir, 'ca.pem');
  return {
    dir,
    caFile,
    caPem: readFileSync(caFile, 'utf8'),
    issue(cn, names, opts = {}) {
      const base = `leaf${serial++}`;
      const san = names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
      writeFileSync(
        join(dir, `${base}.ext`),
        `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
      );
      openssl(dir, ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', `${base}.key`]);
      openssl(dir, ['req', '-new', '-key', `${base}.key`, '-subj', `/CN=${cn}`, '-out', `${base}.csr`]);
      openssl(dir, [
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        ...(opts.selfSigned
          ? ['-signkey', `${base}.key`]
          : ['-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', String(serial + 1000)]),
        '-days',
        '2',
        '-sha256',
        '-extfile',
        `${base}.ext`,
        '-out',
        `${base}.pem`,
      ]);
      const certFile = join(dir, `${base}.pem`);
      const keyFile = join(dir, `${base}.key`);
      return {
        certPem: readFileSync(certFile, 'utf8'),
        keyPem: readFileSync(keyFile, 'utf8'),
        certFile,
        keyFile,
      };
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}
