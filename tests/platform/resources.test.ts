/**
 * Self-hosted §9.1's container limits and reservations (app 2 CPU / 4 GB limit, 1 / 2 reserved;
 * Postgres 4 / 8G, 2 / 4G; Redis 1 / 2G, 0.5 / 1G): where the self-hosted stacks keep them, and
 * that README's Deviations says why each other value differs.
 */
import * as fs from "fs";
import * as path from "path";
import { valkeyResources } from "../../components/cache/valkey-topology";
import { postgresInstanceShare, postgresResources } from "../../components/database/cnpg";
import { postgresParameters } from "../../components/database/tuning";
import { stackConfig } from "../helpers/stacks";

const SECTION_9_1_APP = {
  requests: { cpu: "1", memory: "2Gi" },
  limits: { cpu: "2", memory: "4Gi" },
};

const readme = fs.readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");
const deviations = readme.slice(readme.indexOf("## Deviations from the documents"));
const containerLine = deviations.slice(
  deviations.indexOf("- **Container resources (self-hosted §9.1).**"),
  deviations.indexOf("\n- **", deviations.indexOf("- **Container resources")),
);

describe("container resources on the self-hosted design (production-hetzner)", () => {
  const hetzner = stackConfig("production-hetzner");

  it("gives every app §9.1's 1 CPU / 2 GB reservation and 2 CPU / 4 GB limit", () => {
    for (const app of hetzner.apps) expect(app.resources).toEqual(SECTION_9_1_APP);
  });

  it("gives Valkey §9.1's 0.5 CPU reserved and 1 CPU limit, and memory twice its reservation", () => {
    const r = valkeyResources(hetzner.cache.memoryMb);
    expect([r.requests.cpu, r.limits.cpu]).toEqual(["500m", "1"]);
    expect(parseInt(r.limits.memory, 10)).toBe(2 * parseInt(r.requests.memory, 10));
  });

  it("reserves half of each Postgres instance's limit, §9.1's ratio, at the size §5.1 is tuned for", () => {
    const share = postgresInstanceShare(hetzner.database, hetzner.nodePools);
    const r = postgresResources(share.memoryGb, share.vcpu, postgresParameters(share.memoryGb));
    expect(r).toEqual({
      requests: { cpu: "4", memory: `${16 * 1024}Mi` },
      limits: { cpu: "8", memory: `${32 * 1024}Mi` },
    });
  });
});

describe("README's Deviations", () => {
  it("says why Postgres, Valkey and the smaller tiers' apps differ from §9.1", () => {
    expect(containerLine).not.toBe("");
    for (const word of ["Postgres", "Valkey", "staging", "`small`", "`local`", "§5.1", "§5.2"])
      expect({ word, named: containerLine.includes(word) }).toEqual({ word, named: true });
    // The tiers it names do differ: staging's, small's and local's app reservations are not §9.1's.
    for (const name of ["staging", "small", "local"])
      expect(stackConfig(name).apps[0].resources).not.toEqual(SECTION_9_1_APP);
  });
});
