import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/', 'vendor/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.mjs'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      curly: ['error', 'multi-line'],
    },
  },
  {
    // One loadConfig(env) reads the environment; everything else gets a Config.
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/sandbox/cli.ts', 'src/cli/run-cli.ts', 'src/**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Only loadConfig(env) reads the environment: take a Config instead.' }],
    },
  },
  {
    // The WeCom protocol layer is pure: no HTTP, Redis, queues or domain.
    files: ['src/wecom/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/adapters/**', '**/http/**', '**/jobs/**', '**/ingress/**', '**/domain/**', 'ioredis', 'bullmq', 'koa', '@koa/*'], message: 'src/wecom is the pure protocol layer.' },
      ] }],
    },
  },
  {
    // The domain knows nothing of HTTP, Redis keys or queues.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['**/adapters/**', '**/http/**', '**/jobs/**', '**/ingress/**', 'ioredis', 'bullmq', 'koa', '@koa/*'], message: 'The domain takes ports, not adapters.' },
      ] }],
    },
  },
);
