// Lint for everything TypeScript in the repository: the plugin (src), its tests, the emulator and the scripts.
// typescript-eslint's recommended rules; `npm run lint` runs in .ci/run beside `npm run typecheck`.
import js from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  {
    ignores: ["node_modules/**", ".medusa/**", ".tmp/**", "dist/**", "coverage/**", "**/*.js", "**/*.mjs", "**/*.cjs"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_`-prefixed names are deliberately unused (Medusa hook signatures, destructuring to drop a key).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Tests and the demo/bench scripts read Medusa's Store/Admin API answers as a storefront would: loose JSON.
    files: ["**/__tests__/**", "integration-tests/**", "e2e/**", "scripts/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
)
