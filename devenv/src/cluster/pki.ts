import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeOutcome, runCommand } from '../process/run-command.js';
import { err, ok, type Result } from '../../shared/result.js';
import { CLUSTER_NETWORK, type ClusterLayout } from './layout.js';
import {
  CLUSTER_USERS,
  kubeconfigPath,
  renderKubeconfig,
  renderTokenFile,
  type ClusterUser,
} from './render-configs.js';

/** Certificates live as long as a test run; two days leaves room for a slow one. */
const DAYS = '2';

/**
 * The cluster's credentials: a CA, the API server's serving certificate (for its bridge address
 * and the `kubernetes` Service names), the API server's client certificate towards the kubelet
 * (logs, exec), the service-account signing key, and a bearer token per component. Keys come from
 * Node's crypto; openssl (on every Debian machine) only signs.
 */
export async function writeClusterPki(layout: ClusterLayout): Promise<Result<void, string>> {
  const dir = layout.pkiDir;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of ['ca', 'apiserver', 'apiserver-kubelet-client', 'sa']) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
    await writeFile(join(dir, `${name}.key`), pem, { mode: 0o600 });
    if (name === 'sa')
      await writeFile(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  }
  const ca = await openssl(dir, [
    'req',
    '-x509',
    '-new',
    '-key',
    'ca.key',
    '-subj',
    '/CN=devenv-local-ca',
    '-days',
    DAYS,
    '-out',
    'ca.crt',
  ]);
  if (!ca.ok) return ca;
  const domain = CLUSTER_NETWORK.clusterDomain;
  const serving = await signed(dir, 'apiserver', '/CN=kube-apiserver', [
    'extendedKeyUsage=serverAuth',
    `subjectAltName=IP:${CLUSTER_NETWORK.gateway},IP:${CLUSTER_NETWORK.kubernetesServiceIp},IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.${domain},DNS:localhost`,
  ]);
  if (!serving.ok) return serving;
  const kubeletClient = await signed(
    dir,
    'apiserver-kubelet-client',
    '/O=system:masters/CN=kube-apiserver-kubelet-client',
    ['extendedKeyUsage=clientAuth'],
  );
  if (!kubeletClient.ok) return kubeletClient;
  await writeTokens(layout);
  return ok(undefined);
}

async function writeTokens(layout: ClusterLayout): Promise<void> {
  const users = Object.keys(CLUSTER_USERS) as ClusterUser[];
  const tokens = Object.fromEntries(
    users.map((user) => [user, randomBytes(24).toString('hex')]),
  ) as Record<ClusterUser, string>;
  await writeFile(join(layout.pkiDir, 'tokens.csv'), renderTokenFile(tokens), { mode: 0o600 });
  for (const user of users) {
    await writeFile(kubeconfigPath(layout, user), renderKubeconfig(layout, tokens[user]), {
      mode: 0o600,
    });
  }
}

/** `<name>.crt` for the existing `<name>.key`, signed by the CA, with these v3 extensions. */
async function signed(
  dir: string,
  name: string,
  subject: string,
  extensions: readonly string[],
): Promise<Result<void, string>> {
  const csr = await openssl(dir, [
    'req',
    '-new',
    '-key',
    `${name}.key`,
    '-subj',
    subject,
    '-out',
    `${name}.csr`,
  ]);
  if (!csr.ok) return csr;
  const ext = [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    ...extensions,
  ];
  await writeFile(join(dir, `${name}.ext`), `[v3]\n${ext.join('\n')}\n`);
  return openssl(dir, [
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-days',
    DAYS,
    '-extfile',
    `${name}.ext`,
    '-extensions',
    'v3',
    '-out',
    `${name}.crt`,
  ]);
}

async function openssl(cwd: string, args: readonly string[]): Promise<Result<void, string>> {
  const outcome = await runCommand('openssl', args, { cwd, timeoutMs: 30_000 });
  return outcome.code === 0
    ? ok(undefined)
    : err(`openssl ${args[0] ?? ''} failed: ${describeOutcome(outcome)} (is openssl installed?)`);
}
