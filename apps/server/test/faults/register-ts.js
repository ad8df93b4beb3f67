// Runs the server from its TypeScript source in a child process (no build needed), compiled on the
// fly by @swc/core with the same options as jest.config.js; workspace packages from source too.
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { transformSync } = require('@swc/core');

const packages = path.resolve(__dirname, '../../../../packages');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const workspace = /^@allycard\/(domain|contracts|wechat-sandbox)$/.exec(request);
  const target = workspace ? path.join(packages, workspace[1], 'src', 'index.ts') : request;
  return resolve.call(this, target, ...rest);
};

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
