// One flat config for every package: type-aware rules from typescript-eslint, import cycles and
// the layering of services (STYLE.md) from eslint-plugin-import-x.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Packages that do I/O: never in a service's domain/ or app/ (adapters and the composition root own them). */
const DRIVERS = [
  'mongodb',
  'ioredis',
  'bullmq',
  '@grpc/grpc-js',
  'hono',
  '@hono/*',
  'node:fs',
  'node:net',
  'node:http',
];
const restrict = (names, message) => ({
  paths: names.filter((n) => !n.includes('*')).map((name) => ({ name, message })),
  patterns: names.filter((n) => n.includes('*')).map((group) => ({ group: [group], message })),
});

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/gen/**',
      '**/node_modules/**',
      '**/.turbo/**',
      '**/*.config.*',
      'web/public/vendor/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      'no-console': 'error',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  {
    // Source code (not tests, scripts or examples): small signatures, configuration in one place.
    files: ['services/*/src/**', 'tools/*/src/**', 'packages/*/src/**', 'bench/src/**'],
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: { 'max-params': ['error', 3] },
  },
  {
    files: ['services/*/src/**', 'tools/*/src/**', 'bench/src/**'],
    ignores: ['**/config.ts', '**/*.test.ts', '**/*.test.tsx'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read the environment in config.ts only.' },
      ],
    },
  },
  {
    // Layers of a service (STYLE.md): domain/ is pure; app/ sees domain/ and its own ports, never
    // adapters/ or a driver; adapters implement the ports.
    files: ['services/*/src/**'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: 'services/*/src/domain/**',
              from: ['services/*/src/app/**', 'services/*/src/adapters/**', 'services/*/src/*.ts'],
              message: 'domain/ is pure: it imports nothing else of its service.',
            },
            {
              target: 'services/*/src/app/**',
              from: ['services/*/src/adapters/**', 'services/*/src/*.ts'],
              message: 'app/ talks to storage and transports through its ports (app/ports.ts).',
            },
            {
              target: 'services/*/src/adapters/**',
              from: 'services/*/src/*.ts',
              message: 'Only the composition root (main.ts, server.ts) wires things together.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['services/*/src/domain/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        restrict(
          [...DRIVERS, '@ue/proto', 'node:child_process', 'node:dns', 'node:os'],
          'domain/ is pure: no driver, no contract, no I/O.',
        ),
      ],
    },
  },
  {
    files: ['services/*/src/app/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        restrict(DRIVERS, 'app/ reaches drivers only through its ports (app/ports.ts).'),
      ],
    },
  },
  {
    // Our own browser script (served as is, no build step).
    files: ['web/public/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      sourceType: 'script',
      globals: { document: 'readonly', CSS: 'readonly', MutationObserver: 'readonly' },
    },
  },
  {
    files: [
      '**/*.test.ts',
      '**/*.int.test.ts',
      '**/test/**',
      '**/scripts/**',
      '**/examples/**',
      'bench/**',
    ],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
