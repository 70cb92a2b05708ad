import * as path from "path";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import {
  dnsRecords,
  PENDING_ADDRESS,
  pointAt,
  portForward,
  type DnsPlan,
} from "../../components/outputs";
import { hostsOf } from "../../components/gateway/routes";
import { resolveOutputs } from "../../plan/outputs";
import { PLACEHOLDER_SECRET, shippedStacks } from "../../plan/stack";
import { stackConfig } from "../helpers/stacks";
import { planJsonRuns, type PlanRun } from "../helpers/recorded";

const ROOT = path.resolve(__dirname, "../..");

const plan = (overrides: Partial<DnsPlan> = {}): DnsPlan => ({
  domain: "example.com",
  gatewayHosts: ["example.com", "graphql.example.com", "auth.example.com"],
  gatewayAddresses: ["198.51.100.7"],
  ...overrides,
});

/** A row of the dnsRecords output. */
type DnsRow = { name: string; type: string; value: string };
describe("dnsRecords", () => {
  it("points the apex and every app host at the gateway's IPv4 and IPv6 addresses", () => {
    const records = dnsRecords(plan({ gatewayAddresses: ["198.51.100.7", "2001:db8::7"] }));
    for (const host of plan().gatewayHosts) {
      expect(records).toContainEqual(
        expect.objectContaining({ name: host, type: "A", value: "198.51.100.7" }),
      );
      expect(records).toContainEqual(
        expect.objectContaining({ name: host, type: "AAAA", value: "2001:db8::7" }),
      );
    }
    expect(records).toHaveLength(6);
  });

  it("uses a CNAME for a load balancer host name, and an ALIAS at the apex where a CNAME is not allowed", () => {
    const nlb = "k8s-gateway-abc.elb.us-east-1.amazonaws.com";
    const records = dnsRecords(plan({ gatewayAddresses: [nlb] }));
    expect(records.find((r) => r.name === "example.com")).toMatchObject({
      type: "ALIAS",
      value: nlb,
    });
    expect(records.find((r) => r.name === "graphql.example.com")).toMatchObject({
      type: "CNAME",
      value: nlb,
    });
    // A subdomain stack's own domain is its apex too: its zone may be the parent's.
    expect(pointAt("staging.example.com", [nlb], "staging.example.com", "x")[0].type).toBe("ALIAS");
  });

  it("sends the hosts the CDN answers to the CDN and its origin name to the gateway", () => {
    const records = dnsRecords(
      plan({
        gatewayAddresses: ["nlb.example.net"],
        cdn: [
          { host: "example.com", target: "d111.cloudfront.net." },
          { host: "media.example.com", target: "d111.cloudfront.net" },
        ],
        originHosts: ["origin.example.com"],
      }),
    );
    const byName = (n: string) => records.filter((r) => r.name === n);
    expect(byName("example.com")).toEqual([
      expect.objectContaining({ type: "ALIAS", value: "d111.cloudfront.net" }),
    ]);
    expect(byName("media.example.com")).toEqual([
      expect.objectContaining({ type: "CNAME", value: "d111.cloudfront.net" }),
    ]);
    expect(byName("origin.example.com")).toEqual([
      expect.objectContaining({ type: "CNAME", value: "nlb.example.net" }),
    ]);
    expect(byName("graphql.example.com")).toEqual([
      expect.objectContaining({ type: "CNAME", value: "nlb.example.net" }),
    ]);
  });

  it("lists the certificate's validation records as ACM gives them, without the root's trailing dot", () => {
    const records = dnsRecords(
      plan({
        validation: [
          { name: "_a1.example.com.", type: "CNAME", value: "_b2.acm-validations.aws." },
          { name: "_a1.example.com.", type: "CNAME", value: "_b2.acm-validations.aws." },
        ],
      }),
    );
    const validation = records.filter((r) => r.purpose === "certificate validation");
    expect(validation).toEqual([
      expect.objectContaining({
        name: "_a1.example.com",
        type: "CNAME",
        value: "_b2.acm-validations.aws",
      }),
    ]);
  });

  it("names the gateway's address as still to come where the stack does not wait for one", () => {
    const records = dnsRecords(plan({ gatewayAddresses: [] }));
    expect(records.map((r) => r.value)).toEqual(plan().gatewayHosts.map(() => PENDING_ADDRESS));
  });

  it("gives every served host exactly one record per address, and no CNAME at the apex, for any hosts", () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
    fc.assert(
      fc.property(
        fc.array(fc.record({ host: fc.oneof(label, fc.constant("")), public: fc.boolean() })),
        fc.oneof(fc.constant("203.0.113.9"), fc.constant("lb.example.net")),
        (apps, address) => {
          const gatewayHosts = hostsOf("example.com", apps);
          const records = dnsRecords(plan({ gatewayHosts, gatewayAddresses: [address] }));
          expect(records.map((r) => r.name).sort()).toEqual([...gatewayHosts].sort());
          expect(records.some((r) => r.name === "example.com" && r.type === "CNAME")).toBe(false);
        },
      ),
    );
  });
});

describe("portForward", () => {
  it("forwards a local port to the Service behind an in-cluster URL, default ports included", () => {
    expect(portForward("http://grafana.monitoring.svc.cluster.local:80", 3000)).toBe(
      "kubectl -n monitoring port-forward svc/grafana 3000:80",
    );
    expect(
      portForward(
        "http://prometheus-stack-alertmanager.monitoring.svc.cluster.local:9093",
        9093,
        "kubectl --context kind-x",
      ),
    ).toBe(
      "kubectl --context kind-x -n monitoring port-forward svc/prometheus-stack-alertmanager 9093:9093",
    );
    expect(portForward("https://kibana-kb-http.logs.svc.cluster.local", 5601)).toMatch(/5601:443$/);
  });
});

describe("resolveOutputs", () => {
  it("reports an output holding a secret anywhere in it as secret, without its value", async () => {
    const out = await resolveOutputs({
      plain: "aws",
      list: ["web", "api"],
      lifted: pulumi.output({ host: pulumi.output("db.internal"), port: 5432 }),
      kubeconfig: pulumi.secret("apiVersion: v1"),
      nested: { url: "http://localhost:3000", password: pulumi.secret("hunter2") },
      absent: undefined,
    });
    expect(out).toEqual({
      plain: { secret: false, value: "aws" },
      list: { secret: false, value: ["web", "api"] },
      lifted: { secret: false, value: { host: "db.internal", port: 5432 } },
      kubeconfig: { secret: true },
      nested: { secret: true },
    });
    expect(JSON.stringify(out)).not.toMatch(/hunter2|apiVersion/);
  });
});

describe("stack outputs in the offline plan", () => {
  const stacks = shippedStacks(ROOT);
  let runs = new Map<string, PlanRun>();
  beforeAll(async () => {
    runs = await planJsonRuns(stacks);
  }, 180000);

  it("covers every shipped stack, each provider among them", () => {
    const providers = new Set(stacks.map((s) => stackConfig(s).provider));
    expect([...providers].sort()).toEqual(["aws", "digitalocean", "existing", "hetzner"]);
  });

  it.each(stacks)(
    "%s: outputs how to reach the cluster, a kubeconfig only as a secret",
    (stack) => {
      const r = runs.get(stack)!;
      expect(r.status).toBe(0);
      const { outputs } = JSON.parse(r.stdout);
      const config = stackConfig(stack);
      if (config.provider === "existing") {
        expect(outputs.kubeconfig).toBeUndefined();
        expect(outputs.kubeContext).toEqual({ secret: false, value: config.kubernetes.context });
      } else {
        expect(outputs.kubeconfig).toEqual({ secret: true });
        expect(outputs.kubeconfigCommand).toEqual({ secret: false, value: expect.any(String) });
      }
      expect(outputs.grafanaAdminPassword).toEqual({ secret: true });
      expect(outputs.grafana.value.portForward).toMatch(/port-forward svc\/grafana /);
      expect(outputs.alertmanager.value.portForward).toMatch(/port-forward svc\/\S*alertmanager /);
    },
  );

  it.each(stacks)("%s: outputs a DNS record for the apex and every app host", (stack) => {
    const { outputs } = JSON.parse(runs.get(stack)!.stdout);
    const config = stackConfig(stack);
    expect(outputs.dnsRecords.secret).toBe(false);
    const names = outputs.dnsRecords.value.map((r: { name: string }) => r.name);
    // A secondary region's hosts are its primary's distribution's, listed in the primary's stack.
    const frontedElsewhere =
      config.edge.provider === "cloudfront" && config.multiRegion.role === "secondary";
    expect(names).toEqual(
      expect.arrayContaining(
        frontedElsewhere ? [`origin.${config.domain}`] : hostsOf(config.domain, config.apps),
      ),
    );
    for (const r of outputs.dnsRecords.value)
      expect(r).toEqual({
        name: expect.any(String),
        type: expect.stringMatching(/^(A|AAAA|CNAME|ALIAS)$/),
        value: expect.any(String),
        purpose: expect.any(String),
      });
    if (config.provider === "aws" && config.cdn.enabled && !frontedElsewhere) {
      const purposes = outputs.dnsRecords.value.map((r: { purpose: string }) => r.purpose);
      expect(purposes).toContain("certificate validation");
      expect(names).toContain(`${config.cdn.mediaHost}.${config.domain}`);
    }
  });

  it.each(stacks)(
    "%s: outputs the gateway's address where the cloud provisions a load balancer",
    (stack) => {
      const { outputs } = JSON.parse(runs.get(stack)!.stdout);
      const config = stackConfig(stack);
      if (config.provider === "existing") {
        expect(outputs.gatewayAddressCommand.value).toMatch(/get gateway/);
      } else {
        expect(outputs.gatewayAddress.value).not.toBe("");
        // In a group on CloudFront the origin records name the NLB's static addresses instead.
        const grouped = config.edge.provider === "cloudfront" && !!config.multiRegion.group;
        const gatewayRecords = outputs.dnsRecords.value.filter((r: DnsRow) =>
          grouped
            ? r.name === `origin.${config.domain}` && /^\d+\.\d+\.\d+\.\d+$/.test(r.value)
            : r.value === outputs.gatewayAddress.value,
        );
        expect(gatewayRecords.length).toBeGreaterThan(0);
      }
    },
  );

  it.each(stacks)(
    "%s: outputs the one read endpoint and every replica behind it, and where each backup copy lands",
    (stack) => {
      const { outputs } = JSON.parse(runs.get(stack)!.stdout);
      const config = stackConfig(stack);
      const db = config.database;
      if (db.mode === "managed" && db.replicas > 1) {
        // Tiers document, Read Replicas: "Load balanced for read queries".
        expect(outputs.databaseReadEndpoint.value).toMatch(/^pgbouncer\.data\.svc:5432\/\w+_read$/);
        expect(outputs.databaseReadReplicas.value).toHaveLength(db.replicas);
        expect(new Set(outputs.databaseReadReplicas.value).size).toBe(db.replicas);
      } else if (db.mode === "managed" && db.replicas === 1)
        expect(outputs.databaseReadReplicas.value).toEqual([outputs.databaseReadEndpoint.value]);
      if (db.mode === "none") return expect(outputs.backupTargets).toBeUndefined();
      const targets: string[] = outputs.backupTargets.value;
      expect(targets[0]).toMatch(/^backup bucket: /);
      if (config.backups.offsite) {
        const line = targets.find((t) => t.startsWith("off-site copy: "))!;
        expect(line).toContain(
          `/${config.backups.offsite.bucket} (${config.backups.offsite.region})`,
        );
        expect(config.backups.offsite.region).not.toBe(config.region);
      }
      // Every shipped production stack keeps a copy away from the database's own region.
      if (config.tier !== "local" && config.tier !== "staging")
        expect(targets.some((t) => /^off-site copy: |recovery points copied to /.test(t))).toBe(
          true,
        );
    },
  );

  it.each(stacks)("%s: outputs the database and cache endpoints without credentials", (stack) => {
    const { outputs } = JSON.parse(runs.get(stack)!.stdout);
    const config = stackConfig(stack);
    for (const [key, mode] of [
      ["database", config.database.mode],
      ["cache", config.cache.mode],
    ] as const) {
      if (mode === "none") continue;
      expect(outputs[key].secret).toBe(false);
      expect(outputs[key].value).toMatchObject({
        host: expect.stringMatching(/\./),
        port: expect.any(Number),
        managed: mode === "managed",
      });
      expect(JSON.stringify(outputs[key].value)).not.toMatch(/password|:\/\/[^/]*@/i);
    }
  });

  it.each(stacks)("%s: prints no secret value anywhere", (stack) => {
    const { stdout } = runs.get(stack)!;
    expect(stdout).not.toContain(PLACEHOLDER_SECRET);
    // The plan's mocked generated passwords are runs of "x" as long as the password.
    expect(stdout).not.toMatch(/x{16,}/);
    // The EKS kubeconfig's token command and the kubeconfig's own keys.
    expect(stdout).not.toMatch(/get-token|certificate-authority-data|client-certificate/);
  });
});
