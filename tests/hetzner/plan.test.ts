import fc from "fast-check";
import { PROFILES, resolveProfile, SERVICES, type ProfileName } from "../../catalog";
import { VOLUME_MAX_GB } from "../../components/hetzner/data-volume";
import { firewallPlan, KUBERNETES_API_PORT, SSH_PORT } from "../../components/hetzner/firewalls";
import { K3S_RELEASES, k3sRelease } from "../../components/hetzner/k3s";
import { gatewayAnnotations, loadBalancerType } from "../../components/hetzner/load-balancer";
import {
  CONTROL_PLANE_PROFILE,
  HETZNER_NAME_HASH_LENGTH,
  nodePlan,
} from "../../components/hetzner/node-layout";
import { subnetPlan, TIERS } from "../../components/hetzner/subnets";
import { cidrContains } from "../../components/kit/cidr";
import { physicalName } from "../../components/kit/naming";
import { isInternet, stackConfig } from "./helpers";

const production = stackConfig("production-hetzner");
const small = stackConfig("small");
const prodNodes = nodePlan(production, "platform-prod");

describe("address plan", () => {
  it("puts every node in 10.0.0.0/24 (self-hosted §2.1's internal range) on a 10.0.0.0/16 network, a /26 per tier", () => {
    const plan = subnetPlan("10.0.0.0/16");
    expect(plan.nodes).toBe("10.0.0.0/24");
    expect(plan.tiers).toEqual({
      dmz: "10.0.0.0/26",
      app: "10.0.0.64/26",
      data: "10.0.0.128/26",
      management: "10.0.0.192/26",
    });
  });

  it("keeps the tier subnets disjoint, inside the nodes' /24, inside the network, for any private /8../24", () => {
    const network = fc
      .tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 8, max: 24 }),
      )
      .map(([b, c, prefix]) => `10.${b}.${c}.0/${prefix}`);
    fc.assert(
      fc.property(network, (cidr) => {
        const plan = subnetPlan(cidr);
        expect(cidrContains(plan.network, plan.nodes)).toBe(true);
        const tiers = TIERS.map((t) => plan.tiers[t]);
        for (const t of tiers) expect(cidrContains(plan.nodes, t)).toBe(true);
        for (let i = 0; i < tiers.length; i++)
          for (let j = i + 1; j < tiers.length; j++)
            expect(cidrContains(tiers[i], tiers[j])).toBe(false);
      }),
    );
  });

  it("refuses a network smaller than the node subnet", () => {
    expect(() => subnetPlan("10.0.0.0/25")).toThrow(/smaller than a \/24/);
  });

  it("gives every server a distinct address inside its tier's subnet", () => {
    const plan = subnetPlan(production.network.cidr);
    const ips = prodNodes.map((n) => n.privateIp);
    expect(new Set(ips).size).toBe(ips.length);
    for (const n of prodNodes)
      expect(cidrContains(plan.tiers[n.tier], `${n.privateIp}/32`)).toBe(true);
    expect(prodNodes.find((n) => n.role === "db")?.tier).toBe("data");
    expect(prodNodes.find((n) => n.role === "gateway")?.tier).toBe("dmz");
    expect(prodNodes.find((n) => n.group === "control-plane")?.tier).toBe("management");
  });

  it("names servers as DNS labels of at most 63 characters", () => {
    const long = physicalName(
      ["platform", "a-very-long-stack-name-that-keeps-going-and-going-on"],
      40,
      HETZNER_NAME_HASH_LENGTH,
    );
    expect(long.length).toBeLessThanOrEqual(40);
    for (const n of nodePlan(production, long))
      expect(n.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });
});

describe("servers of the recommended production setup (self-hosted §1.1)", () => {
  const byRole = (role: string) => prodNodes.filter((n) => n.role === role);

  it("plans the six documented nodes: one load balancer, two app, one database, one storage, one monitoring", () => {
    expect(["gateway", "app", "db", "storage", "monitoring"].map((r) => byRole(r).length)).toEqual([
      1, 2, 1, 1, 1,
    ]);
  });

  it.each([
    ["gateway", "lb"],
    ["app", "app"],
    ["db", "db"],
    ["storage", "storage"],
    ["monitoring", "monitoring"],
  ] as const)(
    "sizes the %s node at or above the %s profile's cores and memory, on x86",
    (role, profile) => {
      for (const n of byRole(role)) {
        expect(n.resolved.type.vcpu).toBeGreaterThanOrEqual(PROFILES[profile].vcpu);
        expect(n.resolved.type.memoryGb).toBeGreaterThanOrEqual(PROFILES[profile].memoryGb);
        expect(n.resolved.type.arch).toBe("amd64");
      }
    },
  );

  it.each([
    ["gateway", 100],
    ["app", 500],
    ["db", 2000],
    ["storage", 8000],
    ["monitoring", 1000],
  ] as const)(
    "makes up the %s node's documented %i GB with the type's disk and one volume",
    (role, gb) => {
      for (const n of byRole(role)) {
        expect(n.resolved.type.diskGb + n.resolved.extraDiskGb).toBe(gb);
        expect(n.resolved.extraDiskGb).toBeGreaterThan(0);
        expect(n.resolved.extraDiskGb).toBeLessThanOrEqual(VOLUME_MAX_GB);
      }
    },
  );

  it("runs the control plane on three dedicated servers, the first initialising etcd, the others joining", () => {
    const cp = prodNodes.filter((n) => n.group === "control-plane");
    expect(cp.map((n) => n.k3s)).toEqual(["init", "server", "server"]);
    for (const n of cp) {
      expect(n.role).toBeUndefined();
      expect(n.resolved.type.vcpu).toBeGreaterThanOrEqual(CONTROL_PLANE_PROFILE.vcpu);
      expect(n.resolved.type.memoryGb).toBeGreaterThanOrEqual(CONTROL_PLANE_PROFILE.memoryGb);
      expect(n.taints).toEqual(["CriticalAddonsOnly=true:NoExecute"]);
    }
    expect(prodNodes.filter((n) => n.role).every((n) => n.k3s === "agent")).toBe(true);
  });

  it("treats the database, storage, monitoring and control-plane servers as stateful, and no other", () => {
    const stateful = prodNodes.filter((n) => n.stateful).map((n) => n.group);
    expect([...new Set(stateful)].sort()).toEqual(["control-plane", "db", "monitoring", "storage"]);
  });

  it("taints the gateway, database, storage and monitoring pools with their role; the app pool stays open", () => {
    for (const n of prodNodes.filter((x) => x.role)) {
      const tainted = n.role !== "app";
      expect(n.taints).toEqual(tainted ? [`platform/role=${n.role}:NoSchedule`] : []);
    }
  });

  it("chooses x86 types because no ARM type is cheaper for any documented profile", () => {
    for (const profile of Object.keys(PROFILES) as ProfileName[]) {
      const x86 = resolveProfile("hetzner", profile, { arch: "amd64" });
      let arm;
      try {
        arm = resolveProfile("hetzner", profile, { arch: "arm64" });
      } catch {
        continue; // no ARM type is large enough
      }
      expect(x86.monthlyUsd).toBeLessThanOrEqual(arm.monthlyUsd);
    }
  });
});

describe("the small stack (tiers document, Small Production, single VPS)", () => {
  const nodes = nodePlan(small, "platform-small");

  it("is one server that runs the k3s server and every workload, backed up and protected", () => {
    expect(nodes).toHaveLength(1);
    const [only] = nodes;
    expect(only).toMatchObject({ role: "app", k3s: "init", stateful: true, taints: [] });
    expect(only.resolved.type.vcpu).toBeGreaterThanOrEqual(PROFILES["small-vps"].vcpu);
    expect(only.resolved.type.memoryGb).toBeGreaterThanOrEqual(PROFILES["small-vps"].memoryGb);
  });
});

describe("k3s release", () => {
  it("pins a k3s patch release of the configured Kubernetes minor", () => {
    expect(k3sRelease("1.33")).toMatch(/^v1\.33\.\d+\+k3s\d+$/);
    for (const [minor, release] of Object.entries(K3S_RELEASES))
      expect(release.startsWith(`v${minor}.`)).toBe(true);
  });

  it("refuses a minor it has no pinned release for", () => {
    expect(() => k3sRelease("1.29")).toThrow(/supported: 1\.32/);
  });
});

describe("firewalls (self-hosted §2.1)", () => {
  const publicCidr = fc
    .tuple(
      fc.integer({ min: 11, max: 223 }),
      fc.integer({ min: 0, max: 255 }),
      fc.integer({ min: 16, max: 32 }),
    )
    .map(([a, b, prefix]) => `${a}.${b}.0.0/${prefix}`);

  it("admits nothing but ICMP, 80 and 443 from the internet, whatever the admin networks", () => {
    fc.assert(
      fc.property(
        fc.array(publicCidr, { maxLength: 4 }),
        fc.boolean(),
        (adminCidrs, gatewayPool) => {
          for (const fw of firewallPlan({
            cluster: "c",
            adminCidrs,
            networkCidr: "10.0.0.0/16",
            gatewayPool,
          }))
            for (const rule of fw.rules) {
              if (!rule.sourceIps.some(isInternet)) continue;
              expect(
                rule.protocol === "icmp" ||
                  (rule.protocol === "tcp" && ["80", "443"].includes(rule.port!)),
              ).toBe(true);
            }
        },
      ),
    );
  });

  it("opens SSH on 2222 (never 22) and the Kubernetes API only to the admin networks and the private network", () => {
    fc.assert(
      fc.property(fc.array(publicCidr, { minLength: 1, maxLength: 4 }), (adminCidrs) => {
        const rules = firewallPlan({
          cluster: "c",
          adminCidrs,
          networkCidr: "10.0.0.0/16",
          gatewayPool: true,
        }).flatMap((f) => f.rules);
        expect(rules.some((r) => r.port === "22")).toBe(false);
        expect(rules.find((r) => r.port === String(SSH_PORT))!.sourceIps).toEqual(adminCidrs);
        expect(rules.find((r) => r.port === String(KUBERNETES_API_PORT))!.sourceIps).toEqual([
          ...adminCidrs,
          "10.0.0.0/16",
        ]);
      }),
    );
  });

  it("has no SSH rule at all without admin networks", () => {
    const rules = firewallPlan({
      cluster: "c",
      adminCidrs: [],
      networkCidr: "10.0.0.0/16",
      gatewayPool: true,
    }).flatMap((f) => f.rules);
    expect(rules.filter((r) => r.port === String(SSH_PORT))).toEqual([]);
  });

  it("serves 80 and 443 only on the gateway role, and the API only on control-plane servers", () => {
    const plan = firewallPlan({
      cluster: "c",
      adminCidrs: [],
      networkCidr: "10.0.0.0/16",
      gatewayPool: true,
    });
    const web = plan.find((f) => f.rules.some((r) => r.port === "443"))!;
    expect(web.selector).toBe("platform/cluster=c,platform/role=gateway");
    const api = plan.find((f) => f.rules.some((r) => r.port === "6443"))!;
    expect(api.selector).toBe("platform/cluster=c,platform/control-plane=true");
    expect(plan.find((f) => f.key === "nodes")!.selector).toBe("platform/cluster=c");
    const noGateway = firewallPlan({
      cluster: "c",
      adminCidrs: [],
      networkCidr: "10.0.0.0/16",
      gatewayPool: false,
    });
    expect(noGateway.flatMap((f) => f.rules).some((r) => r.port === "443")).toBe(false);
  });
});

describe("gateway load balancer", () => {
  it("takes the smallest type with room for the targets", () => {
    expect([1, 25, 26, 75, 76, 150].map(loadBalancerType)).toEqual([
      "lb11",
      "lb11",
      "lb21",
      "lb21",
      "lb31",
      "lb31",
    ]);
    expect(() => loadBalancerType(151)).toThrow(/150/);
    expect(SERVICES.hetzner.lb11.monthlyUsd).toBeLessThan(SERVICES.hetzner.lb21.monthlyUsd);
  });

  it("passes TCP through with the client's address in PROXY protocol, reaches nodes privately, checks health, and targets the gateway pool", () => {
    const a = gatewayAnnotations({
      name: "n",
      type: "lb11",
      location: "fsn1",
      privateIp: "10.0.0.5",
      nodeSelector: "platform/role=gateway",
    });
    const p = "load-balancer.hetzner.cloud";
    expect(a).toMatchObject({
      [`${p}/protocol`]: "tcp",
      [`${p}/uses-proxyprotocol`]: "true",
      [`${p}/use-private-ip`]: "true",
      [`${p}/private-ipv4`]: "10.0.0.5",
      [`${p}/location`]: "fsn1",
      [`${p}/node-selector`]: "platform/role=gateway",
    });
    expect(Object.keys(a)).toEqual(
      expect.arrayContaining([`${p}/health-check-interval`, `${p}/health-check-retries`]),
    );
    expect(
      gatewayAnnotations({ name: "n", type: "lb11", location: "fsn1", privateIp: "10.0.0.5" }),
    ).not.toHaveProperty(`${p}/node-selector`);
  });
});

// What Hetzner cannot build (region, network, k3s release, pools) is refused by the config gate:
// tests/config/gate.test.ts.
