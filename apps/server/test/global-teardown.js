module.exports = async () => {
  if (globalThis.__allycardMariaDB) await globalThis.__allycardMariaDB.stop();
};
