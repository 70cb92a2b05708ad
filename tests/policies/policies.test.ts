import * as fs from "fs";
import * as path from "path";

// Every policy's cases live in policies/<provider>/<policy>.cases.ts; one test file runs them all,
// so the SDKs load once instead of once a policy (the suite stays near a minute).
for (const provider of ["aws", "cloudflare", "digitalocean", "hetzner", "kubernetes", "stack"]) {
  const dir = path.join(__dirname, provider);
  for (const file of fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".cases.ts"))
    .sort()) {
    describe(`${provider}/${file.replace(/\.cases\.ts$/, "")}`, () => {
      require(path.join(dir, file));
    });
  }
}
