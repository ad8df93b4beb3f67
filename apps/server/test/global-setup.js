const path = require('node:path');
const { pathToFileURL } = require('node:url');

/**
 * Generates packages/contracts' JSON Schemas. Then, TEST_DB=mysql needs a server: MYSQL_URL when given (CI's orchestrator starts one for the whole run),
 * otherwise a throwaway MariaDB from the local binaries, started here and stopped in teardown.
 */
module.exports = async () => {
  // The OpenAPI document's schemas come from packages/contracts' types: generate them from source,
  // as the tests run the packages from source (no build needed first).
  require('node:child_process').execFileSync(process.execPath, [
    path.join(__dirname, '../../../packages/contracts/scripts/schemas.mjs'),
  ]);
  if (process.env.TEST_DB !== 'mysql' || process.env.MYSQL_URL) return;
  const { startMariaDB } = await import(
    pathToFileURL(path.join(__dirname, '../../../scripts/mariadb.mjs')).href
  );
  const db = await startMariaDB();
  process.env.MYSQL_URL = db.url;
  globalThis.__allycardMariaDB = db;
};
