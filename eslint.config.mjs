// One lint setup for the whole workspace (typescript-eslint, flat config); formatting is Prettier's.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      'tests/e2e/artifacts/**',
      '**/.swc/**',
      'apps/miniapp/config/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Code the e2e tests run inside the page (page.evaluate).
    files: ['tests/e2e/**/*.mjs'],
    languageOptions: {
      globals: { document: 'readonly', window: 'readonly', localStorage: 'readonly', navigator: 'readonly' },
    },
  },
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        Buffer: 'readonly',
        __dirname: 'readonly',
        require: 'readonly',
        module: 'writable',
        globalThis: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Asia/Shanghai's fixed offset is written once, in packages/domain/src/calendar.ts; tests may spell
    // it in expected values (WeChat's own samples).
    ignores: ['packages/domain/src/**', '**/*.test.*', '**/*.spec.*', '**/test/**', 'tests/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['Literal[value=/\\+08:?00/]', 'TemplateElement[value.raw=/\\+08:?00/]'].map((selector) => ({
          selector,
          message:
            'Shanghai 时间请用 @allycard/domain 的 calendar（toRfc3339Shanghai 等），不要手写东八区偏移。',
        })),
        {
          selector:
            "BinaryExpression[operator='*'][left.value=8]:matches([right.value=60], [right.value=3600], [right.value=3600000])",
          message: 'Shanghai 时间请用 @allycard/domain 的 calendar（businessDate 等），不要手写 8 小时偏移。',
        },
        {
          selector: 'Literal[value=28800], Literal[value=28800000]',
          message: 'Shanghai 时间请用 @allycard/domain 的 calendar，不要手写 8 小时偏移。',
        },
      ],
    },
  },
  {
    // One writer per table (issue 10): an entity — the handle that reads and writes its table — is
    // imported only inside its own module folder; other modules call that module's service, which is the
    // only code writing its tables. `import type` (a row's shape passed around) is fine. Aside: the
    // database registry and migrations, the tests, and invariants/, whose checks only read (mostly raw
    // SQL) across every table.
    files: ['apps/server/src/**/*.ts'],
    ignores: ['apps/server/src/database/**', 'apps/server/src/invariants/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(\\.\\./)+[^./][^/]*/[^/]+\\.entit(y|ies)$',
              allowTypeImports: true,
              message:
                "Another module's entity: call its service's named method instead (one writer per table; `import type` for a row's shape).",
            },
          ],
        },
      ],
    },
  },
);
