import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // .gpu/ and .gl/: what bench/gpu-device.sh packs for a GPU machine (git-ignored locally).
  {
    ignores: [
      'dist/',
      'docs-site/',
      'coverage/',
      'out/',
      'node_modules/',
      '.tmp/',
      '.gpu/',
      '.gl/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // "No function over about 60 lines": the library's functions, blank lines and comments
    // aside, stay within 60.
    files: ['src/**/*.ts'],
    rules: {
      'max-lines-per-function': [
        'error',
        { max: 60, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  // The engine's layers (docs/architecture.md): src/rules imports nothing; src/wasm only the
  // rules; src/engine the rules, wasm, the platform and core/bound; src/gpu (the WebGPU device)
  // the rules and the engine's device interface. None of them sees tfjs.
  ...[
    ['src/rules', []],
    ['src/wasm', ['../rules/']],
    ['src/engine', ['../rules/', '../wasm/', '../platform$', '../core/bound$']],
    ['src/gpu', ['../rules/', '../engine/device$']],
  ].map(([folder, allowed]) => ({
    files: [`${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              // anything outside the folder, tfjs or Node, unless allowed
              regex: `^(?!${allowed.map((a) => a.replaceAll('.', '\\.')).join('|') || '$.'})(\\.\\./|@tensorflow/|node:)`,
              message: `${folder} may import only ${allowed.join(', ').replaceAll('$', '') || 'its own files'} (docs/architecture.md)`,
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Plain Node scripts (the consumer project of the package test).
    files: ['**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        require: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        setTimeout: 'readonly',
        // the consumer app and the pages checked in Chromium
        window: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
