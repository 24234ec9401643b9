// ESLint flat config, after VS Code's extension samples (typescript-eslint's parser and plugin,
// their few style rules), plus typescript-eslint's recommended set and the architecture as rules:
// the client, the debug adapter core and shared code never import `vscode`; the webview imports
// neither `vscode` nor Node.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only src/host and src/extension.ts may import vscode.' };
const nodeOnly = ['fs', 'path', 'os', 'http', 'https', 'net', 'child_process', 'crypto', 'stream', 'url', 'util', 'events', 'undici'].map((name) => ({ name, message: 'The webview runs in a browser: no Node modules.' }));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'examples/**', '.cache/**', '.vscode-test/**', 'test-results/**', 'media/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/naming-convention': ['warn', { selector: 'import', format: ['camelCase', 'PascalCase'] }],
      curly: ['warn', 'multi-line'],
      eqeqeq: ['warn', 'always', { null: 'ignore' }],
      'no-throw-literal': 'warn',
      semi: 'warn',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    files: ['src/client/**', 'src/debug/**', 'src/shared/**', 'src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode] }] },
  },
  {
    files: ['src/webview/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [noVscode, ...nodeOnly],
        patterns: [{ group: ['node:*'], message: 'The webview runs in a browser: no Node modules.' }],
      }],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
  },
);
