const path = require('node:path');
const { pathToFileURL } = require('node:url');

/**
 * TEST_DB=mysql needs a server: MYSQL_URL when given (CI's orchestrator starts one for the whole run),
 * otherwise a throwaway MariaDB from the local binaries, started here and stopped in teardown.
 */
module.exports = async () => {
  if (process.env.TEST_DB !== 'mysql' || process.env.MYSQL_URL) return;
  const { startMariaDB } = await import(pathToFileURL(path.join(__dirname, '../../../scripts/mariadb.mjs')).href);
  const db = await startMariaDB();
  process.env.MYSQL_URL = db.url;
  globalThis.__allycardMariaDB = db;
};
