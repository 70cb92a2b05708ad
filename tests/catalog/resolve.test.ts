import fc from "fast-check";
import {
  CATALOG,
  CLOUDS,
  Cloud,
  MachineType,
  PROFILES,
  PROFILE_NAMES,
  Profile,
  Resolved,
  SERVICES,
  machineByName,
  resolveManagedCache,
  resolveManagedDatabase,
  resolveProfile,
} from "../../catalog";

/** What a type costs for `need` when missing disk is bought at `perGb`; undefined if it cannot. */
function costFor(type: MachineType, need: Profile, perGb: number | null): number | undefined {
  if (type.selectable === false || type.vcpu < need.vcpu || type.memoryGb < need.memoryGb) {
    return undefined;
  }
  const extra = Math.max(0, need.diskGb - type.diskGb);
  if (extra > 0 && perGb === null) return undefined;
  return type.monthlyUsd + extra * (perGb ?? 0);
}

/** The rule of the catalog, checked against a brute-force search of the same list. */
function expectCheapestFit(
  resolved: Resolved,
  need: Profile,
  types: readonly MachineType[],
  perGb: number | null,
  copies = 1,
) {
  const { type } = resolved;
  expect(type.selectable).not.toBe(false);
  expect(type.vcpu).toBeGreaterThanOrEqual(need.vcpu);
  expect(type.memoryGb).toBeGreaterThanOrEqual(need.memoryGb);
  expect(resolved.extraDiskGb).toBe(Math.max(0, need.diskGb - type.diskGb));
  expect(type.diskGb + resolved.extraDiskGb).toBeGreaterThanOrEqual(need.diskGb);
  const own = costFor(type, need, perGb)!;
  // The resolver keeps totals to the cent.
  expect(Math.abs(resolved.monthlyUsd - own * copies)).toBeLessThanOrEqual(0.0051);
  for (const other of types) {
    const cost = costFor(other, need, perGb);
    if (cost === undefined) continue;
    // Half a cent of rounding, plus float noise.
    expect(cost * copies).toBeGreaterThanOrEqual(resolved.monthlyUsd - 0.0051);
  }
}

const volumeOf = (cloud: Cloud) => SERVICES[cloud].volume.perGbMonthUsd;
const selectable = (cloud: Cloud) => CATALOG[cloud].machines.filter((t) => t.selectable !== false);

/** Profiles up to the largest selectable type of a cloud, which also has its most memory. */
const profileWithin = (cloud: Cloud) => {
  const types = selectable(cloud);
  const maxVcpu = Math.max(...types.map((t) => t.vcpu));
  const maxMemory = Math.max(...types.map((t) => t.memoryGb));
  return fc.record({
    vcpu: fc.integer({ min: 1, max: maxVcpu }),
    memoryGb: fc.integer({ min: 1, max: maxMemory }),
    diskGb: fc.integer({ min: 0, max: 10_000 }),
    doc: fc.constant("random profile"),
  });
};

describe("resolveProfile", () => {
  it.each(CLOUDS)(
    "on %s, meets every documented profile with the cheapest selectable type",
    (cloud) => {
      for (const name of PROFILE_NAMES) {
        const resolved = resolveProfile(cloud, name);
        expect(resolved).toMatchObject({ provider: cloud, profile: name });
        expectCheapestFit(resolved, PROFILES[name], CATALOG[cloud].machines, volumeOf(cloud));
      }
    },
  );

  it.each(CLOUDS)("on %s, meets any profile the catalog can hold, at the lowest price", (cloud) => {
    fc.assert(
      fc.property(profileWithin(cloud), (need) => {
        expectCheapestFit(
          resolveProfile(cloud, need),
          need,
          CATALOG[cloud].machines,
          volumeOf(cloud),
        );
      }),
      { numRuns: 300 },
    );
  });

  it.each(CLOUDS)("on %s, an arch restriction only ever returns that arch", (cloud) => {
    const arches = fc.constantFrom("amd64" as const, "arm64" as const);
    fc.assert(
      fc.property(profileWithin(cloud), arches, (need, arch) => {
        const types = CATALOG[cloud].machines.filter((t) => t.arch === arch);
        if (!types.some((t) => costFor(t, need, 0) !== undefined)) {
          expect(() => resolveProfile(cloud, need, { arch })).toThrow(cloud);
          return;
        }
        const resolved = resolveProfile(cloud, need, { arch });
        expect(resolved.type.arch).toBe(arch);
        expectCheapestFit(resolved, need, types, volumeOf(cloud));
      }),
      { numRuns: 100 },
    );
  });

  it("never picks a burstable type, which runs on CPU credits", () => {
    for (const cloud of CLOUDS) {
      for (const name of PROFILE_NAMES) {
        expect(resolveProfile(cloud, name).type.name).not.toMatch(/^t\d/);
      }
    }
  });

  it.each([
    // Tiers document, medium node pool 1: 4 vCPU / 16 GB; t4g.xlarge is cheaper but burstable.
    ["aws", "medium-app", "m7g.xlarge", 0],
    // Self-hosted database node: 16 vCPU / 64 GB and 2 TB on EBS gp3.
    ["aws", "db", "m7g.4xlarge", 2000],
    // Staging Kubernetes nodes of 2 vCPU / 4 GB.
    ["aws", "k8s-staging-node", "m7g.large", 0],
    ["digitalocean", "k8s-staging-node", "s-2vcpu-4gb", 0],
    ["digitalocean", "db", "g-16vcpu-64gb", 1800],
    // Hetzner tops out at 64 GB with CCX43 below CCX53; the 2 TB beyond its 360 GB is a volume.
    ["hetzner", "db", "ccx43", 1640],
    // The CX31 the document names (2 vCPU / 8 GB) is retired; its successor class is CX33.
    ["hetzner", "small-vps", "cx33", 0],
    ["hetzner", "large-app", "cx53", 0],
    // Storage node: 8 TB of disk on a 32 GB machine.
    ["hetzner", "storage", "cx53", 7680],
  ] as const)("on %s, %s resolves to %s with %d GB of volume", (cloud, profile, type, extra) => {
    const resolved = resolveProfile(cloud, profile);
    expect(resolved.type.name).toBe(type);
    expect(resolved.extraDiskGb).toBe(extra);
  });

  it("prices the volume that makes up the documented disk at the cloud's volume rate", () => {
    // m7g.4xlarge $476.54 plus 2,000 GB of gp3 at $0.08.
    expect(resolveProfile("aws", "db").monthlyUsd).toBe(636.54);
    // ccx43 €124.99 plus 1,640 GB at €0.0572, both at 1.1133 USD/EUR.
    expect(resolveProfile("hetzner", "db").monthlyUsd).toBeCloseTo(
      139.15 + 1640 * 0.0572 * 1.1133,
      2,
    );
  });

  it("names the profile and the cloud when nothing fits", () => {
    const huge: Profile = { vcpu: 64, memoryGb: 512, diskGb: 0, doc: "oversized test profile" };
    for (const cloud of CLOUDS) {
      expect(() => resolveProfile(cloud, huge)).toThrow(/oversized test profile/);
      expect(() => resolveProfile(cloud, huge)).toThrow(new RegExp(`No ${cloud} `));
    }
    expect(() => resolveProfile("digitalocean", { ...huge, vcpu: 32, memoryGb: 64 })).toThrow(
      /32 vCPU.*at most 16 vCPU/,
    );
  });
});

describe("resolveManagedDatabase", () => {
  const options = fc.record({
    standbys: fc.integer({ min: 0, max: 2 }),
    readReplicas: fc.integer({ min: 0, max: 5 }),
  });

  it.each(["aws", "digitalocean"] as const)(
    "on %s, meets the profile at the lowest price of primary, standbys and replicas",
    (cloud) => {
      const databases = CATALOG[cloud].databases;
      const profiles = fc.record({
        vcpu: fc.integer({ min: 1, max: 16 }),
        memoryGb: fc.integer({ min: 1, max: 64 }),
        diskGb: fc.integer({ min: 0, max: 1000 }),
        doc: fc.constant("random database"),
      });
      fc.assert(
        fc.property(profiles, options, (need, opts) => {
          const standbys = cloud === "aws" ? Math.min(opts.standbys, 1) : opts.standbys;
          const services = SERVICES[cloud];
          const copies =
            1 +
            standbys * services.databaseStandby.fraction +
            opts.readReplicas * services.databaseReadReplica.fraction;
          const perGb = cloud === "aws" ? SERVICES.aws.databaseStorage.perGbMonthUsd : null;
          // DigitalOcean standbys need the 2 GB plan or larger.
          const floor = cloud === "digitalocean" && standbys > 0 ? 2 : 0;
          const effective = { ...need, memoryGb: Math.max(need.memoryGb, floor) };
          const resolved = resolveManagedDatabase(cloud, need, { ...opts, standbys });
          expect(resolved).toMatchObject({ standbys, readReplicas: opts.readReplicas });
          expectCheapestFit(resolved, effective, databases, perGb, copies);
        }),
        { numRuns: 200 },
      );
    },
  );

  it("doubles instance and storage for an AWS Multi-AZ standby", () => {
    const single = resolveManagedDatabase("aws", "large-managed-db");
    const multiAz = resolveManagedDatabase("aws", "large-managed-db", { standbys: 1 });
    expect(single.type.name).toBe("db.m7g.4xlarge");
    expect(single.extraDiskGb).toBe(1000);
    expect(single.monthlyUsd).toBeCloseTo(984.04 + 1000 * 0.115, 2);
    expect(multiAz.monthlyUsd).toBeCloseTo(2 * single.monthlyUsd, 2);
  });

  it.each([
    // prices.md §2: with one standby 2 GB $50, 4 GB $100, 8 GB $200; with two 2 GB $70.
    [2, 1, 50],
    [4, 1, 100],
    [8, 1, 200],
    [2, 2, 70],
    // A standby needs the 2 GB plan even when 1 GB would do.
    [1, 1, 50],
  ])(
    "prices DigitalOcean HA as prices.md does: %d GB with %d standbys is $%d",
    (gb, standbys, usd) => {
      const need: Profile = { vcpu: 1, memoryGb: gb, diskGb: 0, doc: `${gb} GB database` };
      expect(resolveManagedDatabase("digitalocean", need, { standbys }).monthlyUsd).toBe(usd);
    },
  );

  it("on DigitalOcean, picks a plan whose included storage holds the documented disk", () => {
    const resolved = resolveManagedDatabase("digitalocean", "large-managed-db");
    expect(resolved.type.name).toBe("db-s-16vcpu-64gb");
    expect(resolved.extraDiskGb).toBe(0);
    const tooBig: Profile = { vcpu: 1, memoryGb: 1, diskGb: 2000, doc: "2 TB database" };
    expect(() => resolveManagedDatabase("digitalocean", tooBig)).toThrow(/2 TB database/);
  });

  it("refuses standby counts the service does not offer", () => {
    expect(() => resolveManagedDatabase("aws", "small-db", { standbys: 2 })).toThrow(/0 to 1/);
    expect(() => resolveManagedDatabase("digitalocean", "small-db", { standbys: 3 })).toThrow(
      /0 to 2/,
    );
    expect(() => resolveManagedDatabase("aws", "small-db", { readReplicas: -1 })).toThrow();
  });
});

describe("resolveManagedCache", () => {
  it.each(["aws", "digitalocean"] as const)(
    "on %s, gives the cheapest node with the memory asked for",
    (cloud) => {
      fc.assert(
        fc.property(
          fc.double({ min: 0.5, max: 26, noNaN: true }),
          fc.integer({ min: 1, max: 6 }),
          (gb, nodes) => {
            const need: Profile = { vcpu: 0, memoryGb: gb, diskGb: 0, doc: "cache" };
            const resolved = resolveManagedCache(cloud, gb, { nodes });
            expect(resolved.nodes).toBe(nodes);
            expectCheapestFit(resolved, need, CATALOG[cloud].caches, null, nodes);
          },
        ),
        { numRuns: 200 },
      );
    },
  );

  it("sizes the documented 8 GB Redis memory to a memory-optimised or 8 GB node", () => {
    // cache.m7g.large holds 6.38 GiB, so 8 GB needs cache.r7g.large (13.07 GiB).
    expect(resolveManagedCache("aws", 8).type.name).toBe("cache.r7g.large");
    expect(resolveManagedCache("digitalocean", 8).type.name).toBe("db-s-4vcpu-8gb");
    expect(resolveManagedCache("aws", 2).type.name).toBe("cache.m7g.large");
  });
});

describe("machineByName", () => {
  it.each([
    ["aws", "m7g.xlarge", 119.14],
    ["aws", "db.m7g.large", 122.64],
    ["aws", "cache.m7g.large", 92.27],
    ["aws", "t3.medium", 30.37],
    ["digitalocean", "s-2vcpu-4gb", 24],
    ["digitalocean", "db-s-2vcpu-4gb", 60],
    ["hetzner", "cx33", 7.23],
    ["hetzner", "CCX43", 139.15],
  ] as const)("on %s, finds %s at $%d a month", (cloud, name, usd) => {
    expect(machineByName(cloud, name)?.monthlyUsd).toBe(usd);
  });

  it("answers undefined for a type the cloud does not sell", () => {
    expect(machineByName("aws", "cx33")).toBeUndefined();
    expect(machineByName("hetzner", "db-s-2vcpu-4gb")).toBeUndefined();
  });
});
