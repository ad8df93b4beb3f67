import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './common/config';

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
  app.enableShutdownHooks();
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
