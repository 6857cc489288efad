// ESLint for the TypeScript sources and the JavaScript scripts; formatting is Prettier's.
import js from '@eslint/js'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// src/lib's floors, bottom first: a module imports from its own floor or those below, never above.
const FLOORS = ['core', 'settings', 'app', 'platform', 'flows', 'cli']
const layering = FLOORS.map((floor, index) => ({
  files: [`src/lib/${floor}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: FLOORS.slice(index + 1).map((above) => ({
          group: [`../${above}/*`],
          message: `src/lib/${floor} sits below src/lib/${above}: move the shared piece down instead.`,
        })),
      },
    ],
  },
}))

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', 'templates/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {globals: globals.node},
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
    },
  },
  // CommonJS (bin/package.json).
  {files: ['bin/run.js'], languageOptions: {sourceType: 'commonjs'}, rules: {'@typescript-eslint/no-require-imports': 'off'}},
  ...layering,
)
