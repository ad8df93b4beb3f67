// JSON Schemas of the API's shapes, generated from the very types the clients compile against, so
// the OpenAPI document (apps/server/src/openapi) cannot drift from packages/contracts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';

const root = path.resolve(import.meta.dirname, '..');
// Every file of shapes; client.ts is code, index.ts re-exports, errors.ts holds a class too.
const files = fs
  .readdirSync(path.join(root, 'src'))
  .filter(
    (f) =>
      f.endsWith('.ts') && !f.endsWith('.test.ts') && !['client.ts', 'index.ts', 'errors.ts'].includes(f),
  )
  .map((f) => f.replace(/\.ts$/, ''));

// The shapes re-export a few of packages/domain's types: read them from its source, which a fresh
// clone has before anything is built.
const tsconfig = path.join(os.tmpdir(), `allycard-contracts-schemas-${process.pid}.json`);
fs.writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: path.join(root, 'tsconfig.json'),
    compilerOptions: { baseUrl: root, paths: { '@allycard/domain': ['../domain/src/index.ts'] } },
    include: [path.join(root, 'src')],
  }),
);
process.on('exit', () => fs.rmSync(tsconfig, { force: true }));

function definitions(pattern, type) {
  const generator = createGenerator({
    path: path.join(root, pattern),
    tsconfig,
    type,
    expose: 'export',
    skipTypeCheck: true,
    additionalProperties: false,
  });
  return generator.createSchema(type).definitions;
}

const schemas = {
  ...definitions(`src/{${files.join(',')}}.ts`, '*'),
  ...definitions('src/errors.ts', 'ErrorEnvelope'),
};
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
// written whole, then renamed: two test runs side by side (SQLite and MariaDB) generate it at once
const target = path.join(root, 'dist/schemas.json');
fs.writeFileSync(`${target}.${process.pid}`, JSON.stringify(schemas, null, 1));
fs.renameSync(`${target}.${process.pid}`, target);
console.log(`contracts: ${Object.keys(schemas).length} schemas → dist/schemas.json`);
