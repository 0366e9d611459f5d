// Three tiers, selectable with TEST_TYPE (scripts/test.js runs them all and prints the closing line).
const transform = {
  "^.+\\.[jt]sx?$": [
    "@swc/jest",
    {
      jsc: {
        parser: { syntax: "typescript", decorators: true, tsx: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, react: { runtime: "automatic" } },
        target: "es2021",
      },
    },
  ],
}

const common = {
  transform,
  testEnvironment: "node",
  moduleFileExtensions: ["js", "ts", "tsx", "json"],
  modulePathIgnorePatterns: ["<rootDir>/dist/", "<rootDir>/.medusa/"],
  setupFiles: ["<rootDir>/integration-tests/setup.js"],
}

const projects = {
  unit: {
    ...common,
    displayName: "unit",
    testMatch: [
      "<rootDir>/src/**/__tests__/**/*.unit.spec.[jt]s",
      "<rootDir>/emulator/**/__tests__/**/*.unit.spec.[jt]s",
      "<rootDir>/scripts/**/__tests__/**/*.unit.spec.[jt]s",
    ],
  },
  contract: {
    ...common,
    displayName: "contract",
    testMatch: ["<rootDir>/integration-tests/contract/**/*.spec.[jt]s"],
  },
  modules: {
    ...common,
    displayName: "modules",
    testMatch: ["<rootDir>/integration-tests/modules/**/*.spec.[jt]s"],
  },
  package: {
    ...common,
    displayName: "package",
    testMatch: ["<rootDir>/integration-tests/package/**/*.spec.[jt]s"],
  },
  http: {
    ...common,
    displayName: "http",
    testMatch: ["<rootDir>/integration-tests/http/**/*.spec.[jt]s"],
  },
  // The production topology (scripts/test-cluster.mjs; the scenarios start Redis, PostgreSQL and the Medusa processes).
  cluster: {
    ...common,
    displayName: "cluster",
    testMatch: ["<rootDir>/integration-tests/cluster/**/*.spec.[jt]s"],
  },
}

const selected = process.env.TEST_TYPE
module.exports = selected
  ? { ...projects[selected], testTimeout: 120000 }
  : { projects: Object.values(projects), testTimeout: 120000 }
