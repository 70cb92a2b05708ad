import * as fs from "fs";
import * as path from "path";

// Every policy's cases live in tests/policies/<folder>/<policy>.cases.ts, one folder per folder of
// the pack (policies/<folder>, lib/ aside); one test file runs them all, so the SDKs load once
// instead of once a policy (the suite stays near a minute).
const PACK = path.join(__dirname, "../../policies");
const folders = fs
  .readdirSync(PACK, { withFileTypes: true })
  .filter((e) => e.isDirectory() && e.name !== "lib" && e.name !== "node_modules")
  .map((e) => e.name)
  .sort();

test("every folder of the pack has its policies' cases here", () => {
  expect(folders.length).toBeGreaterThan(0);
  for (const folder of folders) expect(fs.existsSync(path.join(__dirname, folder))).toBe(true);
});

for (const provider of folders) {
  const dir = path.join(__dirname, provider);
  if (!fs.existsSync(dir)) continue;
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cases.ts"))
    .sort()) {
    describe(`${provider}/${file.replace(/\.cases\.ts$/, "")}`, () => {
      require(path.join(dir, file));
    });
  }
}
