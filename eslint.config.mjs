// Lint for everything TypeScript in the repository: the plugin (src), its tests, the emulator and the scripts.
// typescript-eslint's recommended rules; `npm run lint` runs in .ci/run beside `npm run typecheck`.
import js from "@eslint/js"
import tseslint from "typescript-eslint"

// The layers of src (docs/architecture.md): each folder imports only what sits below it. Relative imports are
// matched by the folder they name, whatever their depth. Tests are exempt (they may reach anything they test).
const into = (...folders) => `^(\\.\\.?/)+(${folders.join("|")})(/|$)`
const medusa = { regex: "^@medusajs/", message: "src/dintero and src/mapping know nothing of Medusa." }
// The provider's public face for the rest of the plugin: its id, its options and how a callback reads. Everything
// else in providers/dintero is its inside (state, Medusa records, money movement): reach it through the provider.
const providerInternals = {
  regex: "(^|/)providers/dintero/(?!(provider-id|options|callback)$)",
  message: "Provider internals stay inside the provider: use src/lib (registry, caches), a module's service, or mapping.",
}
const layer = (files, patterns) => ({
  files,
  ignores: ["**/__tests__/**"],
  rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns }] },
})
const layering = [
  layer(["src/dintero/**/*.ts"], [
    medusa,
    {
      regex: into("mapping", "providers", "modules", "workflows", "api", "subscribers", "jobs", "links", "lib", "admin"),
      message: "The Dintero client knows HTTP and Dintero only: nothing from the rest of src.",
    },
  ]),
  layer(["src/mapping/**/*.ts"], [
    medusa,
    { regex: "^(axios|node:|fs$|http$|https$|net$|child_process$)", message: "Mapping is pure: no I/O." },
    {
      regex: into("providers", "modules", "workflows", "api", "subscribers", "jobs", "links", "lib", "admin"),
      message: "Mapping is pure: it knows only the Dintero client's types and pure helpers.",
    },
    {
      regex: "(^|/)dintero(/(index|client|http|auth|checkout|orders|config))?$",
      message: "Mapping is pure: import the Dintero client's types or pure helpers, not the client (I/O).",
    },
  ]),
  layer(["src/lib/**/*.ts"], [
    { regex: into("modules", "workflows", "api", "subscribers", "jobs", "links", "admin"), message: "src/lib sits below the Medusa glue." },
    { ...providerInternals, regex: "(^|/)providers/", allowTypeImports: true, message: "src/lib may know the provider's option types only." },
  ]),
  layer(["src/modules/**/*.ts"], [
    { regex: into("providers", "workflows", "api", "subscribers", "jobs", "admin"), message: "Modules do not reach into the provider, workflows or routes: use src/lib." },
  ]),
  layer(["src/providers/**/*.ts"], [
    { regex: into("workflows", "api", "subscribers", "jobs", "admin"), message: "The provider does not reach up into workflows or routes." },
  ]),
  layer(["src/workflows/**/*.ts", "src/subscribers/**/*.ts", "src/jobs/**/*.ts", "src/api/**/*.ts", "src/links/**/*.ts"], [
    providerInternals,
  ]),
]

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
  ...layering,
  {
    // Tests and the demo/bench scripts read Medusa's Store/Admin API answers as a storefront would: loose JSON.
    files: ["**/__tests__/**", "integration-tests/**", "e2e/**", "scripts/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off", "@typescript-eslint/no-non-null-assertion": "off" },
  },
)
