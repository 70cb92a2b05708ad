import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config";
import { configProblem, problemLine, refuseProblems } from "../../components/kit/problems";
import { addonVersions } from "../../components/aws/addons";
import { subnetPlan as awsSubnets } from "../../components/aws/subnets";
import { k3sRelease } from "../../components/hetzner/k3s";
import { subnetPlan as hetznerSubnets } from "../../components/hetzner/subnets";
import { runPlan } from "../../plan/run";
import { ROOT } from "../../plan/stack";

describe("a cloud layer's config problems", () => {
  it("are the config gate's error, one line per problem under platform:", () => {
    let thrown: unknown;
    try {
      configProblem(["nodePools", "app"], "is required on digitalocean");
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    // A RunError: `pulumi up` prints the lines without a stack trace.
    expect(pulumi.RunError.isInstance(thrown)).toBe(true);
    expect((thrown as ConfigError).problems).toEqual([
      "platform:nodePools.app: is required on digitalocean",
    ]);
    expect(problemLine({ path: [], key: "hcloud:token", message: "is not set" })).toBe(
      "hcloud:token: is not set",
    );
    expect(() => refuseProblems([])).not.toThrow();
    expect(() =>
      refuseProblems([
        { path: ["apps", 0, "port"], message: "must be 1 to 65535" },
        { path: ["region"], message: "must be a DigitalOcean region" },
      ]),
    ).toThrow(
      "invalid stack config:\n  platform:apps[0].port: must be 1 to 65535\n  platform:region:",
    );
  });

  it("are how every cloud layer refuses a value it cannot build", () => {
    const lineOf = (build: () => unknown) => {
      try {
        build();
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as ConfigError).problems;
      }
      throw new Error("not refused");
    };
    expect(lineOf(() => addonVersions("1.20"))[0]).toMatch(/^platform:kubernetes\.version: /);
    expect(lineOf(() => awsSubnets("10.0.0.0/16", 0))[0]).toMatch(/^platform:network\.zones: /);
    expect(lineOf(() => awsSubnets("10.0.0.0/22", 2))[0]).toMatch(/^platform:network\.cidr: /);
    expect(lineOf(() => hetznerSubnets("10.0.0.0/25"))[0]).toMatch(/^platform:network\.cidr: /);
    expect(lineOf(() => k3sRelease("1.20"))[0]).toMatch(/^platform:kubernetes\.version: /);
  });

  it("stop the offline plan as an invalid config (exit 2) with their lines", async () => {
    // A program whose cloud layer refuses a value the gate let through.
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "kit-problems-"));
    try {
      fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
      fs.copyFileSync(
        path.join(ROOT, "Pulumi.staging.yaml"),
        path.join(root, "Pulumi.staging.yaml"),
      );
      const kit = JSON.stringify(path.join(ROOT, "components/kit/problems"));
      fs.writeFileSync(
        path.join(root, "index.js"),
        `require(${kit}).configProblem(["network", "cidr"], "must leave room for the node subnet");\n`,
      );
      const result = await runPlan("staging", root);
      expect(result.status).toBe("invalid-config");
      expect(result.problems).toEqual([
        "platform:network.cidr: must leave room for the node subnet",
      ]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
