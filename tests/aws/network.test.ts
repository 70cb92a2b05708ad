import fc from "fast-check";
import { CLOUDFRONT_ORIGIN_FACING, DATA_PORTS } from "../../components/aws/firewall";
import { MAX_ZONES, subnetPlan, TIERS } from "../../components/aws/subnets";
import { cidrWithin } from "../../policies/lib/cidr";
import { fromAwsIngressRule, fromAwsSecurityGroup, IngressRule } from "../../policies/lib/ingress";
import { isInternet } from "../../policies/lib/cidr";
import { coversPort, SSH_PORTS } from "../../policies/lib/ports";
import type { Registered } from "../../plan/mocks";
import { ofType, one } from "../helpers/mocks";
import { awsConfig, inputsOf, recordAws } from "./helpers";

function range(cidr: string): [number, number] {
  const [addr, prefix] = cidr.split("/");
  const base = addr.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  return [base, base + 2 ** (32 - Number(prefix)) - 1];
}

/** A VPC network address: /16 to /21, host bits clear. */
const vpcCidr = fc
  .tuple(fc.integer({ min: 16, max: 21 }), fc.nat({ max: 2 ** 32 - 1 }))
  .map(([prefix, n]) => {
    const size = 2 ** (32 - prefix);
    const base = Math.floor(n / size) * size;
    const octets = [24, 16, 8, 0].map((s) => Math.floor(base / 2 ** s) % 256);
    return `${octets.join(".")}/${prefix}`;
  });

describe("subnetPlan", () => {
  it("gives every zone one subnet per tier, all inside the VPC and none overlapping, for any /16-/21 and 1-6 zones", () => {
    fc.assert(
      fc.property(vpcCidr, fc.integer({ min: 1, max: MAX_ZONES }), (cidr, zones) => {
        const plan = subnetPlan(cidr, zones);
        expect(plan).toHaveLength(zones);
        const all = plan.flatMap((zone) => {
          expect(Object.keys(zone).sort()).toEqual([...TIERS].sort());
          expect(new Set(Object.values(zone)).size).toBe(TIERS.length);
          return Object.values(zone);
        });
        for (const subnet of all) {
          expect(cidrWithin(subnet, cidr)).toBe(true);
          // AWS subnets are at least /28.
          expect(Number(subnet.split("/")[1])).toBeLessThanOrEqual(28);
        }
        const ranges = all.map(range).sort((a, b) => a[0] - b[0]);
        for (let i = 1; i < ranges.length; i++)
          expect(ranges[i][0]).toBeGreaterThan(ranges[i - 1][1]);
      }),
    );
  });

  it("makes the application subnets the largest, since every pod takes an address there", () => {
    const [zone] = subnetPlan("10.0.0.0/16", 3);
    expect(zone.app).toBe("10.0.0.0/19");
    for (const tier of ["dmz", "data", "management"] as const) expect(zone[tier]).toMatch(/\/23$/);
  });

  it("refuses VPCs AWS cannot hold or cannot split, and zone counts outside 1..6", () => {
    expect(() => subnetPlan("10.0.0.0/15", 3)).toThrow(/16 to \/21/);
    expect(() => subnetPlan("10.0.0.0/22", 3)).toThrow(/16 to \/21/);
    expect(() => subnetPlan("10.0.1.0/16", 3)).toThrow(/host bits/);
    expect(() => subnetPlan("10.0.0.0/16", 0)).toThrow(/zones/);
    expect(() => subnetPlan("10.0.0.0/16", 7)).toThrow(/zones/);
  });
});

/** Every inbound rule of the stack's security groups, inline and standalone. */
function ingressRules(rs: Registered[]): IngressRule[] {
  return [
    ...inputsOf(rs, "aws:ec2/securityGroup:SecurityGroup").flatMap((sg) =>
      fromAwsSecurityGroup(sg as any),
    ),
    ...inputsOf(rs, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").flatMap((r) =>
      fromAwsIngressRule(r as any),
    ),
  ];
}

describe("Network", () => {
  let production: Registered[];
  let staging: Registered[];
  beforeAll(async () => {
    production = await recordAws(awsConfig());
    staging = await recordAws(
      awsConfig({
        tier: "staging",
        database: { mode: "managed", profile: "small-db" },
        cache: { mode: "none" },
      }),
    );
  });

  it("spreads a VPC over three zones with DMZ, app, data and management subnets", () => {
    const subnets = inputsOf(production, "aws:ec2/subnet:Subnet");
    expect(subnets).toHaveLength(12);
    for (const tier of TIERS) expect(subnets.filter((s) => s.tags.tier === tier)).toHaveLength(3);
    expect(subnets.every((s) => s.mapPublicIpOnLaunch === false)).toBe(true);
  });

  it("runs a NAT gateway per zone in production and one otherwise", () => {
    expect(ofType(production, "aws:ec2/natGateway:NatGateway")).toHaveLength(3);
    expect(ofType(staging, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
  });

  it("keeps the data subnets without any route out of the VPC", () => {
    const data = one(production, "aws:ec2/routeTable:RouteTable", "network-data-routes");
    expect(data.inputs.routes ?? []).toEqual([]);
  });

  it("logs every VPC flow to CloudWatch with the logging retention", () => {
    expect(one(production, "aws:ec2/flowLog:FlowLog").inputs).toMatchObject({
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
    });
    expect(
      one(production, "aws:cloudwatch/logGroup:LogGroup", "network-flow-logs").inputs
        .retentionInDays,
    ).toBe(30);
  });

  it("empties the default security group", () => {
    const sg = one(production, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs;
    expect(sg.ingress ?? []).toEqual([]);
    expect(sg.egress ?? []).toEqual([]);
  });

  it("admits SSH from no address range, and nodes carry no SSH key (access is through SSM)", () => {
    const rules = ingressRules(production);
    expect(rules.length).toBeGreaterThan(5);
    const ssh = rules.filter(
      (r) =>
        r.sources.length > 0 &&
        (r.protocol === "tcp" || r.protocol === "all") &&
        SSH_PORTS.some((p) => coversPort(r.ports, p)),
    );
    expect(ssh).toEqual([]);
    for (const lt of inputsOf(production, "aws:ec2/launchTemplate:LaunchTemplate"))
      expect(lt.keyName).toBeUndefined();
    for (const ng of inputsOf(production, "aws:eks/nodeGroup:NodeGroup"))
      expect(ng.remoteAccess).toBeUndefined();
  });

  it("opens nothing but 80 and 443 to the internet, and only on the DMZ group tagged tier=dmz", async () => {
    const open = await recordAws(awsConfig({ edge: { provider: "none" } }));
    const groups = inputsOf(open, "aws:ec2/securityGroup:SecurityGroup");
    let dmz = 0;
    for (const sg of groups) {
      const publicRules = fromAwsSecurityGroup(sg as any).filter((r) => r.sources.some(isInternet));
      if (publicRules.length === 0) continue;
      dmz++;
      expect(sg.tags.tier).toBe("dmz");
      expect(publicRules.map((r) => r.ports.from).sort()).toEqual([443, 80]);
    }
    // Without an edge the gateway's NLB is the public entry, so the DMZ does take the internet.
    expect(dmz).toBe(1);
    const standalone = inputsOf(open, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    expect(standalone.filter((r) => r.cidrIpv4 && isInternet(r.cidrIpv4))).toEqual([]);
  });

  it("behind CloudFront, admits 80 and 443 only from CloudFront's origin-facing prefix list, in one rule of weight 55", async () => {
    const fronted = await recordAws(awsConfig({ edge: { provider: "cloudfront" } }));
    const sg = one(fronted, "aws:ec2/securityGroup:SecurityGroup", "network-dmz-sg").inputs;
    expect(fromAwsSecurityGroup(sg as any).filter((r) => r.sources.some(isInternet))).toEqual([]);
    // Two rules naming the list would weigh 110 against the default 60 (VPC user guide, AWS-managed
    // prefix list weights), so one rule spans both ports.
    expect(sg.ingress).toHaveLength(1);
    expect(sg.ingress[0]).toMatchObject({
      protocol: "tcp",
      fromPort: 80,
      toPort: 443,
      prefixListIds: [`pl-mock-${CLOUDFRONT_ORIGIN_FACING}`],
    });
    expect(CLOUDFRONT_ORIGIN_FACING).toBe("com.amazonaws.global.cloudfront.origin-facing");
    expect(sg.ingress[0].cidrBlocks ?? []).toEqual([]);
    // Unlocked on purpose (edge.originLock false), the DMZ is open again: the policy refuses it.
    const unlocked = await recordAws(
      awsConfig({ edge: { provider: "cloudfront", originLock: false } }),
    );
    const open = one(unlocked, "aws:ec2/securityGroup:SecurityGroup", "network-dmz-sg").inputs;
    expect(open.ingress.map((r: any) => r.cidrBlocks)).toEqual([["0.0.0.0/0"], ["0.0.0.0/0"]]);
  });

  it("admits the data ports only from the application tier's group", () => {
    const rules = inputsOf(production, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    for (const port of Object.values(DATA_PORTS)) {
      const reaching = rules.filter(
        (r) => r.ipProtocol === "-1" || (r.fromPort <= port && port <= r.toPort),
      );
      const fromElsewhere = reaching.filter(
        (r) => r.referencedSecurityGroupId !== "network-app-sg-id",
      );
      // The app tier's own node-to-node rule and the management tier's webhook range reach every port
      // of the nodes, never of the data groups.
      expect(fromElsewhere.every((r) => r.securityGroupId === "network-app-sg-id")).toBe(true);
      const intoData = reaching.filter((r) => r.securityGroupId !== "network-app-sg-id");
      expect(intoData).toHaveLength(1);
      expect(intoData[0]).toMatchObject({
        referencedSecurityGroupId: "network-app-sg-id",
        fromPort: port,
        toPort: port,
      });
    }
  });

  it("lets admin networks reach only the Kubernetes API, on 443", () => {
    const fromAdmin = inputsOf(
      production,
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    ).filter((r) => r.cidrIpv4 === "203.0.113.0/24");
    expect(fromAdmin).toEqual([
      expect.objectContaining({
        securityGroupId: "network-management-sg-id",
        fromPort: 443,
        toPort: 443,
      }),
    ]);
  });
});
