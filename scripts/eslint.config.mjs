// The lint `npm test` runs (`npm run lint`): line length, import order, no
// duplicate imports, no import cycles, and the layer order of lib/'s folders.
import importPlugin from 'eslint-plugin-import';
import tseslint from 'typescript-eslint';

/**
 * lib/'s folders from the bottom layer up: a folder imports only from its own
 * layer and the ones before it. lib/testing (test helpers) may import anything.
 */
const LAYERS = [['core'], ['workload'], ['traffic'], ['mesh', 'gateway', 'serverless'], ['observability'], ['release', 'pulumi']];

/** For each folder, the later layers (and lib's index, internal and testing) it must not import from. */
const layerZones = LAYERS.flatMap((layer, i) => {
  const later = LAYERS.slice(i + 1).flat().map((folder) => `./lib/${folder}`);
  return layer.map((folder) => ({
    target: `./lib/${folder}`,
    from: [...later, './lib/testing', './lib/index.ts', './lib/internal.ts'],
    message: `lib/${folder} is below that layer (${LAYERS.map((l) => l.join(' / ')).join(' → ')}); see "Layers" in README.md`,
  }));
});

/** Stacks and examples are what users copy: they import the public entry points only (see "Public API" in README.md). */
const publicApiZone = {
  target: ['./stacks', './examples'],
  from: './lib',
  except: ['./index.ts', './testing', './pulumi'],
  message: 'stacks and examples use the public API only: import from lib (lib/index.ts), lib/testing or lib/pulumi',
};

export default [
  {
    ignores: ['node_modules/', 'build/', 'dist/', '**/*.js'],
  },
  {
    files: ['**/*.ts', '**/*.mjs'],
    languageOptions: { parser: tseslint.parser },
    plugins: { import: importPlugin, '@typescript-eslint': tseslint.plugin },
    settings: {
      'import/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import/resolver': { node: { extensions: ['.ts', '.js', '.json'] } },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'max-len': ['error', { code: 150, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreComments: true, ignoreRegExpLiterals: true }],
      'import/order': ['error', {
        groups: ['builtin', 'external', 'parent', 'sibling', 'index'],
        alphabetize: { order: 'asc', caseInsensitive: true },
      }],
      'import/no-duplicates': 'error',
      'import/no-cycle': ['error', { ignoreExternal: true }],
      'import/no-restricted-paths': ['error', { zones: [...layerZones, publicApiZone] }],
      '@typescript-eslint/no-require-imports': 'error',
    },
  },
];
