// JSON Schemas of the API's shapes, generated from the very types the clients compile against, so
// the OpenAPI document (apps/server/src/openapi) cannot drift from packages/contracts.
import fs from 'node:fs';
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

function definitions(pattern, type) {
  const generator = createGenerator({
    path: path.join(root, pattern),
    tsconfig: path.join(root, 'tsconfig.json'),
    type,
    expose: 'export',
    skipTypeCheck: true,
    additionalProperties: true,
  });
  return generator.createSchema(type).definitions;
}

const schemas = {
  ...definitions(`src/{${files.join(',')}}.ts`, '*'),
  ...definitions('src/errors.ts', 'ErrorEnvelope'),
};
fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
fs.writeFileSync(path.join(root, 'dist/schemas.json'), JSON.stringify(schemas, null, 1));
console.log(`contracts: ${Object.keys(schemas).length} schemas → dist/schemas.json`);
