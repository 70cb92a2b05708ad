import { awsCluster } from "../../components/aws";
import { ROUTE53_HEALTH_CHECKERS } from "../../components/aws/regional-origin";
import { CLOUDFRONT_ORIGIN_FACING } from "../../components/aws/firewall";
import type { ClusterFacts } from "../../components/contract";
import { regionEnv } from "../../components/platform/app-env";
import { dnsRecords } from "../../components/outputs";
import { Recorder, type Registered } from "../../plan/mocks";
import type { ReferencedOutputs } from "../../plan/references";
import { ofType, one } from "../helpers/mocks";
import { resolved, stackConfig } from "./helpers";

// Issue 16, the edge of a group on CloudFront: one distribution (the primary's) fronts every
// region; each region keeps its own latency record for origin.<domain> with a health check.

const T = {
  record: "aws:route53/record:Record",
  check: "aws:route53/healthCheck:HealthCheck",
  eip: "aws:ec2/eip:Eip",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  distribution: "aws:cloudfront/distribution:Distribution",
};

/** What the primary's stack hands a secondary (components/region), as its outputs would. */
const PRIMARY: Record<string, ReferencedOutputs> = {
  "production-large": {
    outputs: {
      replication: {
        provider: "aws",
        region: "us-east-1",
        cidr: "10.0.0.0/16",
        database: {
          arn: "arn:aws:rds:us-east-1:111122223333:db:primary",
          version: "16",
          port: 5432,
          database: "app",
          user: "postgres",
        },
        buckets: ["media", "backup"].map((purpose) => ({
          purpose,
          name: `example-${purpose}`,
          arn: `arn:aws:s3:::example-${purpose}`,
          region: "us-east-1",
        })),
      },
      replicationSecrets: { databasePassword: "placeholder" },
    },
    secretOutputNames: ["replicationSecrets"],
  },
};

async function build(stack: string): Promise<{ rs: Registered[]; facts: ClusterFacts }> {
  let facts: ClusterFacts | undefined;
  const rs = await new Recorder("platform", "test", undefined, PRIMARY).record(() => {
    facts = awsCluster(stackConfig(stack));
  });
  return { rs, facts: facts! };
}

/** The gateway's static addresses (the NAT gateways have their own). */
const gatewayAddresses = (rs: Registered[]) =>
  ofType(rs, T.eip).filter((e) => e.inputs.tags?.["platform/gatewayLoadBalancer"] === "nlb");

/** The region's latency record for the origin, its health check and that check's children. */
function originOf(rs: Registered[]) {
  const latency = ofType(rs, T.record).find((r) => r.inputs.setIdentifier !== undefined)!;
  const checks = ofType(rs, T.check);
  const calculated = checks.find((c) => `${c.name}-id` === latency.inputs.healthCheckId)!;
  const children = checks.filter((c) =>
    (calculated?.inputs.childHealthchecks ?? []).includes(`${c.name}-id`),
  );
  return { latency, calculated, children };
}

describe.each([
  ["production-large", "us-east-1"],
  ["production-large-ap", "ap-southeast-1"],
])("the region of %s", (stack, region) => {
  let rs: Registered[];
  let facts: ClusterFacts;
  beforeAll(async () => ({ rs, facts } = await build(stack)));

  it("registers its own latency record for origin.<domain>, set identifier = its region", () => {
    const { latency } = originOf(rs);
    expect(latency.inputs).toMatchObject({
      zoneId: "Z0123456789EXAMPLE",
      name: "origin.example.com",
      type: "A",
      setIdentifier: region,
      latencyRoutingPolicies: [{ region }],
    });
    // Its values are the static addresses its gateway's NLB is given, one per zone.
    expect(gatewayAddresses(rs)).toHaveLength(3);
    expect(latency.inputs.records).toHaveLength(3);
  });

  it("guards the record with a health check on each zone's address, at an app's health path", () => {
    const { calculated, children } = originOf(rs);
    expect(calculated.inputs).toMatchObject({ type: "CALCULATED", childHealthThreshold: 1 });
    expect(children).toHaveLength(3);
    for (const c of children)
      expect(c.inputs).toMatchObject({
        type: "HTTPS",
        port: 443,
        fqdn: "example.com",
        resourcePath: "/api/health",
        enableSni: true,
      });
    const records = one(rs, T.record, "origin-latency").inputs.records as string[];
    expect(children.map((c) => c.inputs.ipAddress).sort()).toEqual([...records].sort());
  });

  it("pages when the region's check fails and the region leaves the origin's answers", () => {
    const { calculated } = originOf(rs);
    const alarm = one(rs, "aws:cloudwatch/metricAlarm:MetricAlarm", "alerts-region-out").inputs;
    expect(alarm).toMatchObject({
      region: "us-east-1",
      namespace: "AWS/Route53",
      metricName: "HealthCheckStatus",
      dimensions: { HealthCheckId: `${calculated.name}-id` },
      treatMissingData: "breaching",
    });
    expect(alarm.alarmDescription).toContain(`region ${region} out of the origin's answers`);
    expect(alarm.alarmActions).toHaveLength(1);
  });

  it("gives the gateway's NLB those addresses and lets Route 53's health checkers reach it", async () => {
    const annotations = facts.gatewayServiceAnnotations!;
    const lb = "service.beta.kubernetes.io/aws-load-balancer";
    const allocations = await resolved(annotations[`${lb}-eip-allocations`]);
    expect(allocations.split(",")).toEqual(gatewayAddresses(rs).map((e) => `eipalloc-${e.name}`));
    expect((await resolved(annotations[`${lb}-subnets`])).split(",")).toHaveLength(3);
    const groups = (await resolved(annotations[`${lb}-security-groups`])).split(",");
    expect(groups).toEqual(["network-dmz-sg-id", "origin-health-checkers-id"]);
    const health = one(rs, T.sg, "origin-health-checkers").inputs;
    expect(health.ingress).toEqual([
      expect.objectContaining({
        fromPort: 443,
        toPort: 443,
        prefixListIds: [`pl-mock-${ROUTE53_HEALTH_CHECKERS(region)}`],
      }),
    ]);
    expect(health.ingress[0].cidrBlocks).toBeUndefined();
  });

  it("locks its gateway to CloudFront: the DMZ admits the web from CloudFront's servers alone", () => {
    const dmz = one(rs, T.sg, "network-dmz-sg").inputs;
    expect(dmz.ingress).toEqual([
      expect.objectContaining({ prefixListIds: [`pl-mock-${CLOUDFRONT_ORIGIN_FACING}`] }),
    ]);
    expect(facts.edge?.proxied).toMatchObject({ hops: 1 });
    expect(facts.edge?.proxied?.hosts).toEqual(
      expect.arrayContaining(["example.com", "graphql.example.com", "media.example.com"]),
    );
  });
});

describe("CloudFront across the group", () => {
  it("the primary alone builds the distribution, with Asia's edges for the group's Asian region", async () => {
    const primary = await build("production-large");
    expect(one(primary.rs, T.distribution).inputs).toMatchObject({
      priceClass: "PriceClass_200",
      origins: expect.arrayContaining([
        expect.objectContaining({ originId: "gateway", domainName: "origin.example.com" }),
      ]),
    });
    const secondary = await build("production-large-ap");
    expect(ofType(secondary.rs, T.distribution)).toHaveLength(0);
    expect(secondary.facts.edge?.frontedBy).toEqual({
      provider: "cloudfront",
      stack: "production-large",
    });
  });

  it("a stack on its own keeps North America and Europe's edges and creates no record", async () => {
    const { rs, facts } = await build("production");
    expect(one(rs, T.distribution).inputs.priceClass).toBe("PriceClass_100");
    expect(ofType(rs, T.record)).toHaveLength(0);
    expect(facts.edge?.originHosts).toEqual(["origin.example.com"]);
  });
});

describe("dnsRecords in a group", () => {
  const plan = {
    domain: "example.com",
    gatewayHosts: ["example.com", "graphql.example.com"],
    gatewayAddresses: ["nlb.elb.amazonaws.com"],
    created: [
      { name: "origin.example.com.", type: "A", value: "198.51.100.9", purpose: "created" },
    ],
  };

  it("lists the origin records the stack created, and no record for hosts another stack fronts", () => {
    const records = dnsRecords({ ...plan, frontedBy: "cloudfront of stack production-large" });
    expect(records).toEqual([
      { name: "origin.example.com", type: "A", value: "198.51.100.9", purpose: "created" },
    ]);
  });

  it("still points the hosts at the gateway when no other stack fronts them", () => {
    expect(dnsRecords(plan).map((r) => r.name)).toEqual([
      "example.com",
      "graphql.example.com",
      "origin.example.com",
    ]);
  });
});

describe("regionEnv: what an app knows of its region", () => {
  const envOf = async (stack: string) => {
    let env: Record<string, unknown> = {};
    await new Recorder("platform", "test", undefined, PRIMARY).record(() => {
      env = regionEnv(stackConfig(stack));
    });
    return Object.fromEntries(
      await Promise.all(Object.entries(env).map(async ([k, v]) => [k, await resolved(v)])),
    );
  };

  it("tells a secondary's apps it is read-only and where the primary region's origin is", async () => {
    expect(await envOf("production-large-ap")).toEqual({
      PLATFORM_REGION: "ap-southeast-1",
      PLATFORM_REGION_ROLE: "secondary",
      PLATFORM_PRIMARY_REGION: "us-east-1",
      PLATFORM_PRIMARY_ORIGIN: "https://us-east-1.origin.example.com",
    });
  });

  it("tells the primary's apps they take the writes, and a stack on its own nothing", async () => {
    expect(await envOf("production-large")).toEqual({
      PLATFORM_REGION: "us-east-1",
      PLATFORM_REGION_ROLE: "primary",
    });
    expect(await envOf("production")).toEqual({});
  });
});
