import * as fs from "fs";
import * as path from "path";
import { policyTable } from "../policies/list";

const README = path.join(__dirname, "..", "README.md");
const START = "<!-- policies:start -->";
const END = "<!-- policies:end -->";

/** README with the policy table regenerated between its markers. */
export function readmeWithPolicies(text: string): string {
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README.md lacks the ${START} ... ${END} markers`);
  return `${text.slice(0, a + START.length)}\n${policyTable()}\n${text.slice(b)}`;
}

if (require.main === module) {
  fs.writeFileSync(README, readmeWithPolicies(fs.readFileSync(README, "utf8")));
  process.stdout.write("README.md policy table updated\n");
}
