import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', '.local/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Type-aware: a promise nobody awaits is a silent bug, above all in the workflow sandbox where a
    // lost rejection fails nothing. Detach one on purpose with `void`, and say why next to it.
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      // Workflow code is replayed: it must not touch Node built-ins or I/O.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'pg', 'fastify', 'pino'],
              message: 'no I/O in replayed code',
            },
            // Activities are referenced by type only (proxyActivities), never bundled into workflows.
            {
              group: [
                '**/activities',
                '**/activities/*',
                '**/audit',
                '**/audit/*',
                '**/client/**',
                '**/config/*',
              ],
              allowTypeImports: true,
              message: 'import type only',
            },
          ],
        },
      ],
    },
  },
  {
    // The parts of client/ meet only through the library's public index, never each other's files.
    files: ['client/cli/**/*.ts', 'client/http-ingest/**/*.ts', 'client/sensing-bridge/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../library/*', '../cli/*', '../http-ingest/*', '../sensing-bridge/*'],
              message: 'import the client library through client/library (its index); siblings stay apart',
            },
          ],
        },
      ],
    },
  },
  {
    // The floor page's scripts run in the browser as they are (client/http-ingest/ui.ts).
    files: ['client/http-ingest/ui/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: Object.fromEntries(
        ['window', 'self', 'document', 'location', 'sessionStorage', 'fetch', 'URL', 'Blob']
          .concat(['setTimeout', 'setInterval', 'module'])
          .map((name) => [name, 'readonly']),
      ),
    },
  },
  {
    files: ['bin/*.js', '*.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly', process: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
