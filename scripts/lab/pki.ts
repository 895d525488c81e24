/**
 * Throw-away lab PKI made with openssl at lab start: an EC P-256 CA, one leaf certificate per
 * name (all leaves share one key, which is fine for a lab), and a self-signed blockpage certificate
 * that is deliberately NOT issued by the lab CA.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { run } from './sh.ts';

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  leafKey: string;
  certFor(name: string): string;
  blockpageCert: string;
}

const OPENSSL_CNF = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = placeholder
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = $ENV::SAN
authorityKeyIdentifier = keyid
`;

export function certFileName(name: string): string {
  return `${name.replace(/^\*\./, '_wildcard.')}.crt`;
}

async function parallel<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: Math.min(limit, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await fn(item);
    }),
  );
}

export async function createPki(dir: string, names: string[]): Promise<Pki> {
  mkdirSync(`${dir}/certs`, { recursive: true });
  const cnf = `${dir}/openssl.cnf`;
  writeFileSync(cnf, OPENSSL_CNF);
  const caCert = `${dir}/ca.crt`;
  const caKey = `${dir}/ca.key`;
  const leafKey = `${dir}/leaf.key`;
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const env = { ...process.env, SAN: 'DNS:unused' };
  await Promise.all([
    run(
      [
        'openssl',
        'req',
        '-config',
        cnf,
        '-x509',
        ...ecKey,
        '-keyout',
        caKey,
        '-out',
        caCert,
        '-days',
        '30',
      ].concat(['-subj', '/O=Raabta Lab/CN=Raabta Lab Throw-away CA', '-extensions', 'ca']),
      { env },
    ),
    run(['openssl', 'genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', leafKey]),
  ]);
  const certFor = (name: string) => `${dir}/certs/${certFileName(name)}`;
  const blockpageCert = `${dir}/blockpage.crt`;
  const leaf = (name: string) =>
    run(
      ['openssl', 'req', '-config', cnf, '-new', '-key', leafKey, '-subj', `/CN=${name}`, '-x509'].concat([
        '-CA',
        caCert,
        '-CAkey',
        caKey,
        '-extensions',
        'leaf',
        '-days',
        '30',
        '-out',
        certFor(name),
      ]),
      { env: { ...process.env, SAN: `DNS:${name}` } },
    );
  const blockpage = run(
    ['openssl', 'req', '-config', cnf, '-x509', '-key', leafKey, '-subj', '/CN=blockpage.pta.lab'].concat([
      '-extensions',
      'leaf',
      '-days',
      '30',
      '-out',
      blockpageCert,
    ]),
    { env: { ...process.env, SAN: 'DNS:blockpage.pta.lab' } },
  );
  await Promise.all([parallel(names, 6, leaf), blockpage]);
  return { dir, caCert, caKey, leafKey, certFor, blockpageCert };
}
