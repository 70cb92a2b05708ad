import { readFileSync } from "fs";
import { resolve } from "path";
import {
  CATALOG,
  CLOUDS,
  HOURS_PER_MONTH,
  MachineType,
  PRICE_LEVELS,
  SERVICES,
  Source,
  TIER_BUDGETS,
  USD_PER_EUR,
  machineByName,
} from "../../catalog";

// The catalog transcribes prices.md; these tests read it back from the shared reference.
const pricesMd = readFileSync(resolve(__dirname, "../../../shared/reference/prices.md"), "utf8");

/** The table rows of a numbered section of prices.md, split into trimmed cells. */
function rows(section: number): string[][] {
  const start = pricesMd.indexOf(`\n## ${section}. `);
  const end = pricesMd.indexOf("\n## ", start + 1);
  return pricesMd
    .slice(start, end)
    .split("\n")
    .filter(
      (line) => line.startsWith("| ") && !line.startsWith("| Item") && !line.startsWith("| Type"),
    )
    .map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
}

/** "2/4/8", "$0.096 / 0.192 per h", "70.08 / 1,121.28 (Multi-AZ …)" → numbers. */
const numbers = (cell: string) =>
  cell
    .replace(/\(.*$/, "")
    .split("/")
    .map((part) => Number(part.replace(/[~$,]|per h/g, "").trim()));

const everyType = (): [string, MachineType][] =>
  CLOUDS.flatMap((cloud) => {
    const { machines, databases, caches } = CATALOG[cloud];
    return [...machines, ...databases, ...caches].map((t): [string, MachineType] => [cloud, t]);
  });

const everyService = (): [string, string, Source][] =>
  CLOUDS.flatMap((cloud) =>
    Object.entries(SERVICES[cloud]).map(([name, price]): [string, string, Source] => [
      cloud,
      name,
      price.source,
    ]),
  );

describe("sources", () => {
  const sourceKeys = new Set(
    [...pricesMd.slice(pricesMd.indexOf("## Sources")).matchAll(/\*\*(\[[A-Z0-9a-z]+\])\*\*/g)].map(
      (m) => m[1],
    ),
  );

  function expectValidSource(source: Source) {
    // ISO 8601 calendar date, at day, month or year precision, and a real day.
    expect(source.date).toMatch(/^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$/);
    const [year, month = 1, day = 1] = source.date.split("-").map(Number);
    expect(new Date(Date.UTC(year, month - 1, day)).getUTCDate()).toBe(day);
    expect(year).toBeGreaterThanOrEqual(2024);
    expect(["confirmed", "derived", "estimate"]).toContain(source.status);
    // prices.md gives the reason for every estimate and the method of every derived figure.
    if (source.status !== "confirmed") expect(source.note).toBeTruthy();
    const keys = source.ref.match(/\[[A-Za-z0-9]+\]/g) ?? [];
    const section = /^prices\.md §(\d)$/.exec(source.ref);
    expect(keys.length > 0 || section !== null || source.ref.startsWith("https://")).toBe(true);
    for (const key of keys) expect(sourceKeys).toContain(key);
    if (section) expect(pricesMd).toContain(`\n## ${section[1]}. `);
  }

  it("every machine, database and cache type has a dated source with a status", () => {
    const types = everyType();
    expect(types.length).toBeGreaterThan(60);
    for (const [, type] of types) expectValidSource(type.source);
  });

  it("every service price has a dated source with a status", () => {
    for (const [, , source] of everyService()) expectValidSource(source);
  });
});

describe("AWS prices", () => {
  it("every monthly price derived from an hourly rate is hourly × 730 within a cent", () => {
    const { machines, databases, caches } = CATALOG.aws;
    const hourly = [...machines, ...databases, ...caches, ...Object.values(SERVICES.aws)].filter(
      (p) => "hourlyUsd" in p,
    ) as { hourlyUsd: number; monthlyUsd: number }[];
    expect(hourly.length).toBe(machines.length + databases.length + caches.length + 6);
    for (const price of hourly) {
      expect(Math.abs(price.hourlyUsd * HOURS_PER_MONTH - price.monthlyUsd)).toBeLessThanOrEqual(
        0.01,
      );
    }
  });

  it("every instance, RDS class and Valkey node of prices.md §1 is in the catalog as given", () => {
    let seen = 0;
    for (const [name, vcpu, memory, , hourly, monthly] of rows(1)) {
      const types = /([a-z]+\.)?([a-z0-9]+)\.([a-z0-9]+)((?: \/ [a-z0-9]+)*)/.exec(name);
      // Other rows are services; Redis OSS nodes are not catalogued (the design runs Valkey).
      if (!types || !/per h/.test(hourly) || /Redis OSS/.test(name)) continue;
      const prefix = `${types[1] ?? ""}${types[2]}`;
      const sizes = [types[3], ...types[4].split(" / ").slice(1)];
      sizes.forEach((size, i) => {
        const type = machineByName("aws", `${prefix}.${size}`);
        expect(type).toMatchObject({
          vcpu: numbers(vcpu)[i],
          memoryGb: numbers(memory)[i],
          hourlyUsd: numbers(hourly)[i],
          monthlyUsd: numbers(monthly)[i],
        });
        seen++;
      });
    }
    const { machines, databases, caches } = CATALOG.aws;
    expect(seen).toBe(machines.length + databases.length + caches.length);
  });

  it("only burstable T types are left out of profile resolution", () => {
    for (const type of CATALOG.aws.machines) {
      expect(type.selectable === false).toBe(/^t\d/.test(type.name));
    }
  });
});

describe("DigitalOcean prices", () => {
  it("every Droplet row of prices.md §2 is in the catalog as given", () => {
    let seen = 0;
    for (const [name, vcpu, memory, disk, monthly] of rows(2)) {
      const slugs = name.match(/\b[scgm]-[a-z0-9-]+/g);
      if (!slugs || name.startsWith("Managed")) continue;
      slugs.forEach((slug, i) => {
        expect(machineByName("digitalocean", slug)).toMatchObject({
          vcpu: numbers(vcpu)[i],
          memoryGb: numbers(memory)[i],
          diskGb: numbers(disk)[i],
          monthlyUsd: numbers(monthly)[i],
        });
        seen++;
      });
    }
    expect(seen).toBe(CATALOG.digitalocean.machines.length);
  });

  it("the managed PostgreSQL grid matches prices.md §2", () => {
    const row = rows(2).find(([name]) => name.startsWith("Managed PostgreSQL, single node"))!;
    const sizes = row[0]
      .split(": ")[1]
      .replace(/ \(.*\)$/, "")
      .split(" · ");
    const storage = row[3]
      .replace(/ GiB|~|,/g, "")
      .split(" · ")
      .map(Number);
    const prices = row[4].split(" · ").map(Number);
    expect(
      CATALOG.digitalocean.databases.map((t) => [
        `${t.vcpu}/${t.memoryGb}`,
        t.diskGb,
        t.monthlyUsd,
      ]),
    ).toEqual(sizes.map((size, i) => [size, storage[i], prices[i]]));
  });
});

describe("Hetzner prices", () => {
  it("every server type of prices.md §3 is in the catalog at the 1 April 2026 rate", () => {
    const servers = rows(3).filter(([name]) => /^C[A-Z]+\d+ /.test(`${name} `));
    expect(servers.map(([name]) => name.split(" ")[0].toLowerCase())).toEqual(
      CATALOG.hetzner.machines.map((t) => t.name),
    );
    for (const [name, vcpu, memory, disk, october, april, aprilUsd, june] of servers) {
      const type = name.split(" ")[0].toLowerCase();
      expect(machineByName("hetzner", type)).toMatchObject({
        vcpu: Number(vcpu),
        memoryGb: Number(memory),
        diskGb: Number(disk),
        monthlyEur: Number(april),
        monthlyUsd: Number(aprilUsd),
      });
      expect(PRICE_LEVELS[type]).toEqual({
        october2025: Number(october),
        april2026: Number(april),
        newOrders: june === "n/a" ? null : Number(june),
      });
    }
  });

  it("USD prices are the EUR prices at 1.1133 USD/EUR, within a cent", () => {
    expect(USD_PER_EUR).toBe(1.1133);
    const priced = [...CATALOG.hetzner.machines, ...Object.values(SERVICES.hetzner)];
    for (const price of priced) {
      if ("monthlyEur" in price && price.monthlyEur !== undefined) {
        expect(Math.abs(price.monthlyEur * USD_PER_EUR - price.monthlyUsd!)).toBeLessThanOrEqual(
          0.005,
        );
      }
      if ("perGbMonthEur" in price) {
        expect(price.perGbMonthUsd).toBeCloseTo(price.perGbMonthEur * USD_PER_EUR, 8);
      }
    }
  });

  it("April 2026 prices follow the rule: October × 1.30, rounded up to the next €x.49/x.99", () => {
    for (const { october2025, april2026 } of Object.values(PRICE_LEVELS)) {
      const raised = october2025 * 1.3;
      const whole = Math.floor(raised);
      const next = [whole + 0.49, whole + 0.99, whole + 1.49].find((p) => p >= raised - 1e-9);
      expect(april2026).toBeCloseTo(next!, 2);
    }
    // Volumes went up exactly × 1.30.
    expect(SERVICES.hetzner.volume.perGbMonthEur).toBeCloseTo(0.044 * 1.3, 10);
  });
});

describe("catalog shape", () => {
  it.each(CLOUDS)("on %s, names are unique within each kind and sizes are positive", (cloud) => {
    for (const types of Object.values(CATALOG[cloud])) {
      const names = types.map((t: MachineType) => t.name);
      expect(new Set(names).size).toBe(names.length);
      for (const t of types as MachineType[]) {
        expect(t.vcpu).toBeGreaterThan(0);
        expect(t.memoryGb).toBeGreaterThan(0);
        expect(t.diskGb).toBeGreaterThanOrEqual(0);
        expect(t.monthlyUsd).toBeGreaterThan(0);
      }
    }
  });

  it("every machine a node pool can run on states its CPU architecture", () => {
    for (const cloud of CLOUDS) {
      for (const t of CATALOG[cloud].machines) expect(["amd64", "arm64"]).toContain(t.arch);
    }
    expect(machineByName("aws", "m7g.large")?.arch).toBe("arm64");
    expect(machineByName("hetzner", "cax11")?.arch).toBe("arm64");
    expect(machineByName("hetzner", "ccx13")?.arch).toBe("amd64");
  });
});

describe("TIER_BUDGETS", () => {
  it.each([
    // infrastructure-recommendations.md: tier table, staging Kubernetes setup, local development.
    ["local", 0, 0],
    ["staging", 100, 150],
    ["small", 50, 200],
    ["medium", 500, 2000],
    ["large", 3000, 10000],
    ["enterprise", 10000, null],
  ] as const)("%s is $%d to %s a month, citing the document", (tier, min, max) => {
    expect(TIER_BUDGETS[tier]).toMatchObject({ min, max });
    expect(TIER_BUDGETS[tier].doc).toContain("infrastructure-recommendations.md");
  });

  it("every bounded budget has min ≤ max", () => {
    for (const { min, max } of Object.values(TIER_BUDGETS)) {
      if (max !== null) expect(min).toBeLessThanOrEqual(max);
    }
  });

  it("notes the staging single-server alternative of $40-80", () => {
    expect(TIER_BUDGETS.staging.doc).toMatch(/single-server setup is ~\$40-80/);
  });
});
