import { parseStackConfig } from "../../config";
import { ACCESS_POLICIES, accessAssociation, kubeconfigCommand } from "../../components/aws/access";
import { awsConfig, inputsOf, recordAwsFacts } from "./helpers";

const adminRole = "arn:aws:iam::111122223333:role/platform-admin";
const viewUser = "arn:aws:iam::111122223333:user/auditor";
const POLICY = "arn:aws:eks::aws:cluster-access-policy/";

describe("accessAssociation", () => {
  // https://docs.aws.amazon.com/eks/latest/userguide/access-policy-permissions.html
  it("gives a cluster-wide admin AmazonEKSClusterAdminPolicy over the cluster", () => {
    expect(accessAssociation({ principalArn: adminRole, level: "admin" })).toEqual({
      policyArn: `${POLICY}AmazonEKSClusterAdminPolicy`,
      accessScope: { type: "cluster" },
    });
  });

  it("gives a namespaced admin AmazonEKSAdminPolicy, never cluster-admin, over those namespaces", () => {
    expect(
      accessAssociation({ principalArn: adminRole, level: "admin", namespaces: ["platform"] }),
    ).toEqual({
      policyArn: `${POLICY}AmazonEKSAdminPolicy`,
      accessScope: { type: "namespace", namespaces: ["platform"] },
    });
  });

  it("maps edit and view to AmazonEKSEditPolicy and AmazonEKSViewPolicy at either scope", () => {
    for (const level of ["edit", "view"] as const) {
      const name = level === "edit" ? "AmazonEKSEditPolicy" : "AmazonEKSViewPolicy";
      expect(ACCESS_POLICIES[level]).toEqual({ cluster: name, namespace: name });
      expect(accessAssociation({ principalArn: viewUser, level }).policyArn).toBe(POLICY + name);
    }
  });
});

describe("kubeconfigCommand", () => {
  it("assumes a role for its tokens, and names the context for stack, level and principal", () => {
    expect(
      kubeconfigCommand("platform-production", "us-east-1", "production", {
        principalArn: adminRole,
        level: "admin",
      }),
    ).toBe(
      `aws eks update-kubeconfig --name platform-production --region us-east-1 --role-arn ${adminRole} --alias production-admin-platform-admin`,
    );
  });

  it("passes no --role-arn for an IAM user, whose own credentials sign the token", () => {
    const cmd = kubeconfigCommand("c", "eu-west-1", "s", { principalArn: viewUser, level: "view" });
    expect(cmd).not.toContain("--role-arn");
    expect(cmd).toContain("--alias s-view-auditor");
  });
});

describe("EKS access entries", () => {
  it("registers one STANDARD access entry and one policy association per grant, with its scope", async () => {
    const { rs, facts } = await recordAwsFacts(
      awsConfig({
        kubernetes: {
          access: [
            { principalArn: adminRole, level: "admin" },
            { principalArn: viewUser, level: "view", namespaces: ["platform", "monitoring"] },
          ],
        },
      }),
    );
    const entries = inputsOf(rs, "aws:eks/accessEntry:AccessEntry");
    const associations = inputsOf(rs, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    const cluster = inputsOf(rs, "aws:eks/cluster:Cluster")[0];
    expect(entries).toEqual([
      expect.objectContaining({
        clusterName: cluster.name,
        principalArn: adminRole,
        type: "STANDARD",
      }),
      expect.objectContaining({
        clusterName: cluster.name,
        principalArn: viewUser,
        type: "STANDARD",
      }),
    ]);
    expect(associations).toEqual([
      expect.objectContaining({
        clusterName: cluster.name,
        principalArn: adminRole,
        policyArn: `${POLICY}AmazonEKSClusterAdminPolicy`,
        accessScope: { type: "cluster" },
      }),
      expect.objectContaining({
        principalArn: viewUser,
        policyArn: `${POLICY}AmazonEKSViewPolicy`,
        accessScope: { type: "namespace", namespaces: ["platform", "monitoring"] },
      }),
    ]);
    // The creator keeps its admin entry: the program's own provider deploys as the creator.
    expect(cluster.accessConfig).toEqual({
      authenticationMode: "API",
      bootstrapClusterCreatorAdminPermissions: true,
    });
    expect(Object.keys(facts.access?.grants ?? {})).toEqual([adminRole, viewUser]);
    expect(facts.access?.grants?.[adminRole]).toMatch(
      new RegExp(`^aws eks update-kubeconfig --name ${cluster.name} --region us-east-1 --role-arn`),
    );
  });

  it("registers no entry when the stack grants no one", async () => {
    const { rs, facts } = await recordAwsFacts(awsConfig());
    expect(inputsOf(rs, "aws:eks/accessEntry:AccessEntry")).toEqual([]);
    expect(facts.access?.grants).toEqual({});
  });
});

describe("kubernetes.access in the config gate", () => {
  const parse =
    (access: unknown[], provider = "aws") =>
    () =>
      parseStackConfig({
        provider,
        tier: "medium",
        region: provider === "aws" ? "us-east-1" : "nyc3",
        domain: "example.com",
        kubernetes: { access },
      });

  it("defaults to no grant", () => {
    expect(awsConfig().kubernetes.access).toEqual([]);
  });

  it("refuses an ARN that is no IAM role or user, such as an STS assumed role", () => {
    expect(
      parse([{ principalArn: "arn:aws:sts::111122223333:assumed-role/admin/me", level: "admin" }]),
    ).toThrow(/platform:kubernetes\.access\[0\]\.principalArn: must be an IAM role or user ARN/);
  });

  it("refuses a level outside admin, edit, view", () => {
    expect(parse([{ principalArn: adminRole, level: "owner" }])).toThrow(
      /platform:kubernetes\.access\[0\]\.level: must be one of "admin", "edit", "view" \(got "owner"\)/,
    );
  });

  it("refuses a principal granted twice (EKS keeps one entry per principal)", () => {
    expect(
      parse([
        { principalArn: adminRole, level: "admin" },
        { principalArn: adminRole, level: "view" },
      ]),
    ).toThrow(/duplicates the principal of access\[0\]/);
  });

  it("refuses grants on a provider where they would be ignored", () => {
    expect(parse([{ principalArn: adminRole, level: "admin" }], "digitalocean")).toThrow(
      /access grants are EKS access entries \(aws only\)/,
    );
  });
});
