import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'examples/', '__tests__/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The pure core: nothing from the world.
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            '@actions/*',
            'node:*',
            'fs',
            'child_process',
            '../adapters/*',
            '../python/*',
            '../suite/*',
            // The same doors seen from a folder inside the core, e.g. domain/comment/.
            '../../adapters/*',
            '../../python/*',
            '../../suite/*',
          ],
        },
      ],
    },
  },
);
