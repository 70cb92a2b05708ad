/**
 * The README's quick start is what a newcomer runs first, and what CI runs: its first code block
 * is two commands, `.ci/run` runs the same two, and the install script brings every Debian program
 * a test asks for.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { requireProgram } from "../helpers/real-programs";

const ROOT = path.resolve(__dirname, "../..");
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");

/** The commands of the README's first fenced block, comments and blank lines dropped. */
function quickStart(): string[] {
  const block = /```sh\n([\s\S]*?)```/.exec(read("README.md"))?.[1] ?? "";
  return block
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter((l) => l && !l.startsWith("#"));
}

/** Every Debian package the tests name through `requireProgram(program, package)`. */
function packagesTestsRequire(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith(".ts"))
        for (const m of fs
          .readFileSync(p, "utf8")
          .matchAll(/requireProgram\(\s*[^,]+,\s*"([^"]+)"/g))
          found.add(m[1]);
    }
  };
  walk(path.join(ROOT, "tests"));
  // postgresBinDir() looks for the server of the Debian package postgresql.
  found.add("postgresql");
  return found;
}

describe("quick start", () => {
  it("is two commands: set up and plan the local stack; install the test programs and run every test", () => {
    const lines = quickStart();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^npm ci\b.*&& npm run plan -- local$/);
    expect(lines[1]).toMatch(/^scripts\/install-test-programs\.sh && npm test$/);
  });

  it("is what CI runs, line for line, before anything else", () => {
    const ci = read(".ci/run")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    const [first, second] = quickStart();
    const at = ci.indexOf(first);
    expect(at).toBeGreaterThan(-1);
    expect(ci[at + 1]).toBe(second);
    expect(ci.slice(0, at).every((l) => /^(set |cd |export )/.test(l))).toBe(true);
  });

  it("installs every Debian package a test requires", () => {
    const listed = read("scripts/test-programs.txt")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith("#"));
    const required = [...packagesTestsRequire()];
    expect(required.length).toBeGreaterThan(5);
    expect(required.filter((p) => !listed.includes(p))).toEqual([]);
  });

  it("has an install script that shellcheck passes and that exits 0 when everything is there", () => {
    const script = path.join(ROOT, "scripts/install-test-programs.sh");
    execFileSync(requireProgram("shellcheck", "shellcheck"), [script]);
    // Every test program is installed when this suite runs, so the script must change nothing.
    expect(execFileSync("sh", [script], { encoding: "utf8" })).toBe("");
  });
});
