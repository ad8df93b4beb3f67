import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './common/config';
import { installGracefulShutdown } from './health/shutdown';

async function main() {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  // SIGTERM: stop accepting, finish what is in flight, release the job leases, exit 0 (health/shutdown.ts).
  installGracefulShutdown(app, config.shutdownTimeoutMs);
  // Loopback outside production unless HOST says otherwise: the sandbox logs anyone in as anyone.
  await app.listen(config.port, config.host);
  console.log(
    `allycard is running at ${config.publicUrl}  (mini-program H5: /, console: /console, API docs: /api/docs` +
      (config.wechat.mode === 'sandbox' ? ', WeChat sandbox: /sandbox)' : ')'),
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
