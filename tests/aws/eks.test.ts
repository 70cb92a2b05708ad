import { PROFILES, machineByName } from "../../catalog";
import { ADDON_VERSIONS, addonVersions, CHARTS } from "../../components/aws/addons";
import { CONTROL_PLANE_LOGS } from "../../components/aws/eks";
import { GATEWAY_CLIENT_ADDRESS, gatewayAnnotations } from "../../components/aws/gateway-nlb";
import { kubeconfig } from "../../components/aws/kubeconfig";
import {
  MIN_ROOT_VOLUME_GB,
  nodeGroupPlans,
  NODE_POLICIES,
} from "../../components/aws/node-groups";
import { LOAD_BALANCER_CONTROLLER_POLICY } from "../../components/aws/iam-policies";
import { ROLE_LABEL } from "../../components/k8s";
import type { Registered } from "../../plan/mocks";
import { validateK8s } from "../helpers/k8s-schema";
import { ofType, one } from "../helpers/mocks";
import { awsConfig, inputsOf, recordAws, stackConfig } from "./helpers";

describe("nodeGroupPlans", () => {
  it("sizes the medium pools to the documented 4 vCPU / 16 GB apps (4..10 in production, inside the documented 3-5) and one 8 vCPU / 32 GB database node", () => {
    const plans = nodeGroupPlans(stackConfig("production").nodePools);
    const app = plans.find((p) => p.role === "app")!;
    const db = plans.find((p) => p.role === "db")!;
    expect([app.minSize, app.desiredSize, app.maxSize]).toEqual([4, 4, 10]);
    expect([db.minSize, db.desiredSize, db.maxSize]).toEqual([1, 1, 1]);
    for (const [plan, profile] of [
      [app, PROFILES["medium-app"]],
      [db, PROFILES["medium-db"]],
    ] as const) {
      const type = machineByName("aws", plan.instanceType)!;
      expect(type.vcpu).toBeGreaterThanOrEqual(profile.vcpu);
      expect(type.memoryGb).toBeGreaterThanOrEqual(profile.memoryGb);
    }
  });

  it("sizes the large pools to 10..20 app nodes of 8 vCPU / 32 GB and three 16 vCPU / 64 GB database nodes", () => {
    const plans = nodeGroupPlans(stackConfig("production-large").nodePools);
    const app = plans.find((p) => p.role === "app")!;
    const db = plans.find((p) => p.role === "db")!;
    expect([app.minSize, app.maxSize]).toEqual([10, 20]);
    expect([db.minSize, db.desiredSize, db.maxSize]).toEqual([3, 3, 3]);
    expect(machineByName("aws", app.instanceType)).toMatchObject({ vcpu: 8, memoryGb: 32 });
    expect(machineByName("aws", db.instanceType)).toMatchObject({ vcpu: 16, memoryGb: 64 });
  });

  it("runs an AMI of the chosen type's CPU architecture", () => {
    for (const plan of nodeGroupPlans({
      app: { profile: "medium-app", min: 1, max: 1, desired: 1 },
    })) {
      const arch = machineByName("aws", plan.instanceType)!.arch;
      expect(plan.amiType).toBe(
        arch === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD",
      );
    }
  });

  it("gives nodes the profile's disk beyond the type's own as root volume, never under 50 GB", () => {
    const plans = nodeGroupPlans({
      app: { profile: "app", min: 2, max: 2, desired: 2 },
      monitoring: { profile: "medium-app", min: 1, max: 1, desired: 1 },
    });
    expect(plans.find((p) => p.role === "app")!.rootVolumeGb).toBe(PROFILES.app.diskGb);
    expect(plans.find((p) => p.role === "monitoring")!.rootVolumeGb).toBe(MIN_ROOT_VOLUME_GB);
  });

  it("taints the database, storage, monitoring and gateway pools, not the app pool", () => {
    const plans = nodeGroupPlans({
      app: { profile: "medium-app", min: 1, max: 1, desired: 1 },
      db: { profile: "medium-db", min: 1, max: 1, desired: 1 },
      gateway: { profile: "lb", min: 1, max: 1, desired: 1 },
    });
    expect(plans.find((p) => p.role === "app")!.taints).toEqual([]);
    for (const role of ["db", "gateway"]) {
      expect(plans.find((p) => p.role === role)!.taints).toEqual([
        { key: ROLE_LABEL, value: role, effect: "NO_SCHEDULE" },
      ]);
    }
  });
});

describe("addonVersions", () => {
  it("pins every add-on to an exact EKS build for each supported minor, and refuses other minors", () => {
    for (const [minor, versions] of Object.entries(ADDON_VERSIONS)) {
      expect(versions["kube-proxy"]).toMatch(
        new RegExp(`^v${minor.replace(".", "\\.")}\\.\\d+-eksbuild\\.\\d+$`),
      );
      for (const name of ["coredns", "vpc-cni", "aws-ebs-csi-driver"] as const)
        expect(versions[name]).toMatch(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/);
      expect(versions.clusterAutoscalerImage.startsWith(`v${minor}.`)).toBe(true);
    }
    expect(() => addonVersions("1.20")).toThrow(/supported: /);
  });
});

describe("gatewayAnnotations", () => {
  it("asks for an internet-facing NLB with IP targets, TLS passed through to the gateway, the client's address in proxy protocol v2", () => {
    const a = gatewayAnnotations("sg-1");
    const lb = "service.beta.kubernetes.io/aws-load-balancer";
    expect(a[`${lb}-scheme`]).toBe("internet-facing");
    expect(a[`${lb}-nlb-target-type`]).toBe("ip");
    expect(a[`${lb}-security-groups`]).toBe("sg-1");
    expect(a[`${lb}-ssl-cert`]).toBeUndefined();
    // IP targets over TCP see the NLB's address unless it says who the client is (self-hosted §6.1).
    expect(GATEWAY_CLIENT_ADDRESS).toEqual({ via: "proxy-protocol" });
    expect(a[`${lb}-proxy-protocol`]).toBe("*");
    // The other way back, were the cloud fact to change: preserved client IP, and no header.
    const preserved = gatewayAnnotations("sg-1", { via: "source-address" });
    expect(preserved[`${lb}-proxy-protocol`]).toBeUndefined();
    expect(preserved[`${lb}-target-group-attributes`]).toBe("preserve_client_ip.enabled=true");
  });
});

describe("kubeconfig", () => {
  it("authenticates with short-lived tokens from aws eks get-token, for the cluster and region", () => {
    const cfg = JSON.parse(kubeconfig("c1", "https://x.eks.amazonaws.com", "Q0E=", "eu-west-1"));
    expect(cfg.clusters[0].cluster).toEqual({
      server: "https://x.eks.amazonaws.com",
      "certificate-authority-data": "Q0E=",
    });
    expect(cfg.users[0].user.exec.command).toBe("aws");
    expect(cfg.users[0].user.exec.args).toEqual(
      expect.arrayContaining(["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1"]),
    );
    expect(cfg.users[0].user.token).toBeUndefined();
  });
});

describe("EksCluster", () => {
  let rs: Registered[];
  let privateOnly: Registered[];
  beforeAll(async () => {
    rs = await recordAws(stackConfig("production"));
    privateOnly = await recordAws(awsConfig({ adminCidrs: [], cache: { mode: "none" } }));
  });

  it("keeps the API endpoint private and opens the public one only to adminCidrs", () => {
    const vpc = one(rs, "aws:eks/cluster:Cluster").inputs.vpcConfig;
    expect(vpc.endpointPrivateAccess).toBe(true);
    expect(vpc.endpointPublicAccess).toBe(true);
    expect(vpc.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
    const closed = one(privateOnly, "aws:eks/cluster:Cluster").inputs.vpcConfig;
    expect(closed.endpointPublicAccess).toBe(false);
    expect(closed.publicAccessCidrs).toBeUndefined();
  });

  it("encrypts secrets with a rotating KMS key, logs every control-plane stream and uses API access entries", () => {
    const cluster = one(rs, "aws:eks/cluster:Cluster");
    expect(cluster.inputs.encryptionConfig.resources).toEqual(["secrets"]);
    const key = one(rs, "aws:kms/key:Key", "cluster-secrets-key");
    expect(cluster.inputs.encryptionConfig.provider.keyArn).toContain("cluster-secrets-key");
    expect(key.inputs.enableKeyRotation).toBe(true);
    // Without the key the cluster's Secrets cannot be read: it is protected like the cluster.
    expect(key.protect).toBe(true);
    expect(key.inputs.deletionWindowInDays).toBe(30);
    expect(cluster.inputs.enabledClusterLogTypes).toEqual([...CONTROL_PLANE_LOGS]);
    expect(cluster.inputs.accessConfig.authenticationMode).toBe("API");
    expect(cluster.inputs.version).toBe("1.33");
    expect(cluster.inputs.deletionProtection).toBe(true);
    expect(cluster.protect).toBe(true);
  });

  it("labels and sizes each node group from the catalog, with encrypted gp3 roots and IMDSv2 one hop", () => {
    const groups = ofType(rs, "aws:eks/nodeGroup:NodeGroup");
    expect(groups.map((g) => g.inputs.labels[ROLE_LABEL]).sort()).toEqual(["app", "db"]);
    const app = groups.find((g) => g.inputs.labels[ROLE_LABEL] === "app")!.inputs;
    const pool = stackConfig("production").nodePools.app!;
    expect(app.scalingConfig).toEqual({
      minSize: pool.min,
      maxSize: 10,
      desiredSize: pool.desired,
    });
    expect(app.instanceTypes).toEqual([
      nodeGroupPlans(stackConfig("production").nodePools)[0].instanceType,
    ]);
    for (const lt of inputsOf(rs, "aws:ec2/launchTemplate:LaunchTemplate")) {
      const ebs = lt.blockDeviceMappings[0].ebs;
      expect(ebs).toMatchObject({ volumeType: "gp3", encrypted: "true" });
      expect(ebs.volumeSize).toBeGreaterThanOrEqual(MIN_ROOT_VOLUME_GB);
      expect(lt.metadataOptions).toMatchObject({
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
    }
  });

  it("gives nodes only the worker, CNI, ECR read-only and SSM policies", () => {
    const attached = ofType(rs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.name.startsWith("cluster-node-"))
      .map((a) => a.inputs.policyArn.split("/").pop());
    expect(attached.sort()).toEqual([...NODE_POLICIES].sort());
  });

  it("installs the VPC CNI, CoreDNS, kube-proxy and EBS CSI add-ons at the pinned versions, the CSI driver through IRSA", () => {
    const addons = inputsOf(rs, "aws:eks/addon:Addon");
    const pinned = ADDON_VERSIONS["1.33"];
    expect(Object.fromEntries(addons.map((a) => [a.addonName, a.addonVersion]))).toEqual({
      "vpc-cni": pinned["vpc-cni"],
      "kube-proxy": pinned["kube-proxy"],
      coredns: pinned.coredns,
      "aws-ebs-csi-driver": pinned["aws-ebs-csi-driver"],
    });
    expect(
      addons.find((a) => a.addonName === "aws-ebs-csi-driver")!.serviceAccountRoleArn,
    ).toContain("cluster-ebs-csi");
  });

  it("serves the metrics API the HorizontalPodAutoscalers need, from a pinned chart, on two replicas", () => {
    const release = inputsOf(rs, "kubernetes:helm.sh/v3:Release").find(
      (r) => r.chart === "metrics-server",
    )!;
    expect(release.version).toBe(CHARTS.metricsServer.version);
    expect(release.namespace).toBe("kube-system");
    expect(release.values.replicas).toBe(2);
    expect(release.values.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
  });

  it("turns on the VPC CNI's network policy agent, so the platform's NetworkPolicies are enforced", () => {
    const cni = inputsOf(rs, "aws:eks/addon:Addon").find((a) => a.addonName === "vpc-cni")!;
    expect(JSON.parse(cni.configurationValues)).toEqual({ enableNetworkPolicy: "true" });
  });

  it("trusts IRSA roles only for their service account through the cluster's OIDC provider", () => {
    one(rs, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
    const role = one(rs, "aws:iam/role:Role", "cluster-lb-controller").inputs;
    const statement = JSON.parse(role.assumeRolePolicy).Statement[0];
    expect(statement.Action).toBe("sts:AssumeRoleWithWebIdentity");
    const sub = Object.entries(statement.Condition.StringEquals).find(([k]) => k.endsWith(":sub"))!;
    expect(sub[1]).toEqual(["system:serviceaccount:kube-system:aws-load-balancer-controller"]);
  });

  it("runs the load balancer controller, the cluster autoscaler and metrics-server from pinned charts", () => {
    const releases = inputsOf(rs, "kubernetes:helm.sh/v3:Release");
    expect(releases.map((r) => r.chart).sort()).toEqual([
      "aws-load-balancer-controller",
      "cluster-autoscaler",
      "metrics-server",
    ]);
    for (const r of releases) expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
    const lb = releases.find((r) => r.chart === "aws-load-balancer-controller")!;
    expect(lb.values).toMatchObject({
      region: "us-east-1",
      enableWafv2: false,
      enableBackendSecurityGroup: false,
    });
  });

  it("lets the load balancer controller change only load balancers it tagged", () => {
    for (const s of LOAD_BALANCER_CONTROLLER_POLICY) {
      const actions = ([] as string[]).concat(s.Action);
      const writes = actions.filter(
        (a) => /:(Delete|Modify|Set)/.test(a) && !a.includes("Listener"),
      );
      if (writes.length === 0) continue;
      expect(JSON.stringify(s.Condition)).toContain("aws:ResourceTag/elbv2.k8s.aws/cluster");
    }
    const all = LOAD_BALANCER_CONTROLLER_POLICY.flatMap((s) => ([] as string[]).concat(s.Action));
    expect(all.filter((a) => /^ec2:(Create|Authorize|Revoke|Delete)/.test(a))).toEqual([]);
  });

  it("makes encrypted, expandable gp3 the default storage class, retaining a volume whose claim is deleted", () => {
    const storageClass = one(rs, "kubernetes:storage.k8s.io/v1:StorageClass");
    expect(validateK8s(storageClass)).toBeUndefined();
    const sc = storageClass.inputs;
    expect(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"]).toBe("true");
    expect(sc.provisioner).toBe("ebs.csi.aws.com");
    expect(sc.parameters).toMatchObject({ type: "gp3", encrypted: "true" });
    expect(sc.reclaimPolicy).toBe("Retain");
    expect(sc.allowVolumeExpansion).toBe(true);
  });
});
