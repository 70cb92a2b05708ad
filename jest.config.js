/** Jest transpiles with swc; `npm run typecheck` type-checks once (ts-jest would take tens of seconds a file). */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { target: "es2022", parser: { syntax: "typescript" } } }],
  },
  testTimeout: 60000,
  // Jest leaves one core idle by default; every test here waits on module loading, so use both.
  maxWorkers: 2,
};
