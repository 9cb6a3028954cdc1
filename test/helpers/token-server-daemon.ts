/**
 * Runs {@link startTokenServer} as a long-lived process for `scripts/test-env.sh` (registry C's realm).
 * Configured by environment variables so that no secret appears in `ps` output:
 * CORRAL_TOKEN_DAEMON_{PORT,KEY,CERT,ISSUER,SERVICE,USER,PASSWORD}.
 * Prints `ready PORT` once listening and stops on SIGTERM/SIGINT.
 */
import { startTokenServer } from './token-server.js';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`token-server-daemon: ${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const server = await startTokenServer({
    port: Number(required('CORRAL_TOKEN_DAEMON_PORT')),
    keyPath: required('CORRAL_TOKEN_DAEMON_KEY'),
    certPath: required('CORRAL_TOKEN_DAEMON_CERT'),
    issuer: required('CORRAL_TOKEN_DAEMON_ISSUER'),
    service: required('CORRAL_TOKEN_DAEMON_SERVICE'),
    users: { [required('CORRAL_TOKEN_DAEMON_USER')]: required('CORRAL_TOKEN_DAEMON_PASSWORD') },
  });
  console.log(`ready ${server.port}`);
  const shutdown = (): void => {
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('token-server-daemon: close failed', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  console.error('token-server-daemon: failed to start', err);
  process.exit(1);
});
