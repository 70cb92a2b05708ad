import * as pulumi from "@pulumi/pulumi";

/** One resource the program registered, as the plan, the policies and the tests see it. */
export interface Registered {
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource; the stack itself for top-level components. */
  parent: string | undefined;
  custom: boolean;
  protect: boolean;
  /** Input paths a later `pulumi up` keeps as first deployed (the ignoreChanges option). */
  ignoreChanges?: string[];
  /** Inputs with secrets unwrapped (policies judge the values, not their secretness). */
  inputs: Record<string, any>;
  dependencies: string[];
  /** Resources each input property was computed from (which bucket a versioning resource is for). */
  propertyDependencies: Record<string, string[]>;
  provider: string | undefined;
}

/** Replaces Pulumi's secret wrappers by their values, deeply. */
export function unwrapSecrets(value: unknown): any {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig)
      return unwrapSecrets(o.value);
    if (Object.getPrototypeOf(o) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}

/** A documentation address (RFC 5737, 198.51.100.0/24) that stays the same for a name. */
function mockIp(name: string): string {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return `198.51.100.${(h % 254) + 1}`;
}

/** Pulumi's readiness annotation the gateway sets where a cloud provisions its load balancer. */
const WAIT_FOR = "pulumi.com/waitFor";

/**
 * Outputs a provider would compute, so that dependent resources and the stack outputs see
 * plausible values offline. `aws` says the program registered AWS resources (the gateway's load
 * balancer is then an NLB with a host name).
 */
function mockState(
  type: string,
  name: string,
  inputs: Record<string, any>,
  aws = false,
): Record<string, any> {
  const state: Record<string, any> = { ...inputs };
  if (type.startsWith("kubernetes:") && inputs.metadata && !inputs.metadata.name) {
    state.metadata = { ...inputs.metadata, name };
  }
  if (type.startsWith("aws:")) {
    state.arn ??= `arn:aws:mock:us-east-1:123456789012:${type.split(":").pop()?.toLowerCase()}/${name}`;
  }
  // Endpoints the in-cluster clients (pooler, app URLs, backup jobs) are configured with.
  if (type === "aws:rds/instance:Instance") state.address ??= `${name}.mock.rds.amazonaws.com`;
  if (type === "aws:elasticache/replicationGroup:ReplicationGroup")
    state.primaryEndpointAddress ??= `master.${name}.mock.cache.amazonaws.com`;
  if (type === "aws:eks/cluster:Cluster") {
    state.endpoint ??= `https://${name}.mock.eks.amazonaws.com`;
    state.certificateAuthority ??= { data: Buffer.from(`${name} mock CA`).toString("base64") };
  }
  if (type === "aws:cloudfront/distribution:Distribution")
    state.domainName ??= `${name}.mock.cloudfront.net`;
  // ACM asks for one CNAME per name of the certificate (DNS validation).
  if (type === "aws:acm/certificate:Certificate")
    state.domainValidationOptions ??= [inputs.domainName, ...(inputs.subjectAlternativeNames ?? [])]
      .filter(Boolean)
      .map((domain: string) => ({
        domainName: domain,
        resourceRecordName: `_mock.${domain}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_mock.${domain.replace(/\./g, "-")}.acm-validations.aws.`,
      }));
  if (type === "digitalocean:index/cdn:Cdn")
    state.endpoint ??= String(inputs.origin ?? name).replace(
      ".digitaloceanspaces.com",
      ".cdn.digitaloceanspaces.com",
    );
  if (
    type === "digitalocean:index/databaseCluster:DatabaseCluster" ||
    type === "digitalocean:index/databaseReplica:DatabaseReplica" ||
    type === "digitalocean:index/databaseConnectionPool:DatabaseConnectionPool"
  ) {
    state.privateHost ??= `private-${name}.mock.db.ondigitalocean.com`;
    state.port ??= type.endsWith("DatabaseCluster") && inputs.engine === "pg" ? 25060 : 25061;
  }
  if (type === "hcloud:index/server:Server") state.ipv4Address ??= mockIp(name);
  // The load balancer's address, which Envoy Gateway copies onto the Gateway's status.
  if (
    type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" &&
    inputs.metadata?.annotations?.[WAIT_FOR]
  )
    state.status ??= {
      addresses: [
        aws
          ? { type: "Hostname", value: `${name}-mock.elb.us-east-1.amazonaws.com` }
          : { type: "IPAddress", value: mockIp(name) },
      ],
    };
  if (type === "digitalocean:index/spacesKey:SpacesKey") {
    state.accessKey ??= `${name}-access-key`;
    state.secretKey ??= `${name}-secret-key`;
  }
  if (
    type === "random:index/randomPassword:RandomPassword" ||
    type === "random:index/randomString:RandomString"
  ) {
    state.result = "x".repeat(inputs.length ?? 16);
  }
  return state;
}

/**
 * Runs the Pulumi runtime against in-process mocks and records every registration with its parent,
 * protect flag and dependencies (the mock callback alone does not see them).
 */
export class Recorder {
  public readonly resources: Registered[] = [];

  constructor(project: string, stack: string) {
    // The mock sees inputs already deserialized; keep them for the record instead of decoding twice.
    const inputs = new Map<string, Record<string, any>>();
    let aws = false;
    pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          inputs.set(`${a.type}::${a.name}`, a.inputs);
          aws ||= a.type.startsWith("aws:");
          return {
            id: a.custom ? `${a.name}-id` : undefined,
            state: mockState(a.type, a.name, a.inputs, aws),
          };
        },
        // A data source answers its inputs; the managed prefix list also needs the id rules name.
        call: (a) =>
          a.token === "aws:ec2/getManagedPrefixList:getManagedPrefixList"
            ? { ...a.inputs, id: `pl-mock-${a.inputs.name}` }
            : { ...a.inputs },
      },
      project,
      stack,
      false,
    );
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) =>
      register(req, (err: any, res: any) => {
        if (!err) {
          this.resources.push({
            urn: res.getUrn(),
            type: req.getType(),
            name: req.getName(),
            parent: req.getParent() || undefined,
            custom: req.getCustom(),
            protect: !!req.getProtect(),
            ignoreChanges: req.getIgnorechangesList(),
            inputs: unwrapSecrets(inputs.get(`${req.getType()}::${req.getName()}`) ?? {}),
            dependencies: req.getDependenciesList(),
            propertyDependencies: Object.fromEntries(
              req
                .getPropertydependenciesMap()
                .toArray()
                .map(([k, v]: [string, [string[]]]) => [k, v[0]]),
            ),
            provider: req.getProvider() || undefined,
          });
        }
        callback(err, res);
      });
  }

  /** Resolves once every outstanding registration has been answered. */
  private async settle(): Promise<Registered[]> {
    await (pulumi.runtime as any).waitForRPCs();
    return this.resources;
  }

  /**
   * Runs `build` and waits for every registration it made. Without stack traces: the runtime
   * captures one for every promise and resource it registers (leak reports, source positions),
   * which the plan never prints, and formatting them was a fifth of an AWS stack's plan (most of a
   * jest recording, which maps each through source maps). Traces are back on afterwards.
   */
  async record(build: () => void): Promise<Registered[]> {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      build();
      return await this.settle();
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}
