import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { Role } from "../../config";
import { type ClientAddressDelivery } from "../contract";
import { placement } from "../k8s";
import { certificateSpec, clusterIssuerSpec, issuerName, type IssuerKind } from "./certificates";
import { gatewayNetworkPolicies, NETWORK_POLICY_NAMES } from "./network";
import { envoyProxySpec } from "./proxy";
import {
  CachePaths,
  DEFAULT_CACHE_PATHS,
  GatewayApp,
  GatewayRef,
  hostOf,
  hostsOf,
  listenersFor,
  normalizePath,
  redirectRoute,
  routeFor,
} from "./routes";
import { ClientRateLimit, ProxiedHosts, SOURCE_ADDRESS } from "./traffic";
import { trafficPolicies } from "./traffic-policies";
import {
  CERT_MANAGER_CHART,
  certManagerValues,
  ENVOY_GATEWAY_CHART,
  envoyGatewayValues,
  type Resources,
} from "./values";

export * from "./certificates";
export * from "./routes";
export * from "./traffic";
export { ENVOY_GATEWAY_CHART, CERT_MANAGER_CHART } from "./values";

/** Helm release names; cert-manager's pod labels carry its release name. */
const ENVOY_GATEWAY_RELEASE = "envoy-gateway";
const CERT_MANAGER_RELEASE = "cert-manager";

export interface GatewayArgs {
  /** The stack's domain: the apex host and the parent of every app host. @example "example.com" */
  domain: string;
  /** The stack's apps; public ones get an HTTPRoute. Backends and port come from each `App`. */
  apps: GatewayApp[];
  /** Roles with a dedicated node pool; controllers and proxies go to the `gateway` pool if any. */
  pools: readonly Role[];
  /**
   * Two controllers (Envoy Gateway, cert-manager) with disruption budgets and at least two
   * proxies, as production needs (`kubernetes.highAvailability` of the stack config). @example true
   */
  production: boolean;
  /** Contact address of the Let's Encrypt account (expiry notices). @example "ops@example.com" */
  acmeEmail: string;
  /** Namespace created by Platform for the gateway, cert-manager and the proxies. @example "gateway" */
  gatewayNamespace: string;
  /** Namespace of the apps' Services; their HTTPRoutes live there too. @example "platform" */
  appsNamespace: string;
  /** Namespace of the monitoring stack, admitted to the metrics ports. @default "monitoring" */
  monitoringNamespace?: string;
  /** Annotations for the proxies' LoadBalancer Service (ClusterFacts.gatewayServiceAnnotations). */
  serviceAnnotations?: Record<string, pulumi.Input<string>>;
  /** Path prefixes of immutable build output, cached a year. @default ["/_next/static", "/static", "/assets"] */
  staticPaths?: string[];
  /** Path prefixes of auth endpoints, never cached. @default ["/auth", "/api/auth"] */
  authPaths?: string[];
  /**
   * The Let's Encrypt CA of the certificate (`tls.issuer` of the stack config). Staging serves
   * client demos (tiers document, Staging), so it needs a certificate browsers trust: the
   * production CA. Only a laptop cluster keeps the staging CA, whose certificates no browser
   * trusts: a laptop is rarely reachable for the HTTP-01 challenge, and cert-manager retries it
   * again and again; against the production CA every failure counts toward its limits (5 failed
   * authorizations per hostname an hour, 50 certificates per registered domain a week,
   * https://letsencrypt.org/docs/rate-limits/), while the staging CA's limits are far higher and
   * kept apart (https://letsencrypt.org/docs/staging-environment/). @default "production"
   */
  issuer?: IssuerKind;
  /** Envoy proxy replicas; at least 2 in production. @default 2 in production, 1 otherwise */
  proxyReplicas?: number;
  /** Resources of each Envoy proxy. @default 500m / 512Mi requested, 2 CPU / 1Gi limit */
  proxyResources?: Resources;
  /**
   * How the load balancer hands Envoy the client's address (ClusterFacts.clientAddress); Envoy
   * reads the PROXY protocol header exactly when the load balancer sends one.
   * @default { via: "source-address" }
   */
  clientAddress?: ClientAddressDelivery;
  /** Hosts a CDN forwards, whose client is in X-Forwarded-For (ClusterFacts.edge.proxied). */
  proxied?: ProxiedHosts;
  /**
   * Per-endpoint request counters (`envoy_cluster_endpoint_*`), which tell a release's two
   * versions apart (components/delivery/rollout.ts). @default false
   */
  endpointStats?: boolean;
  /** Per-client request budget (self-hosted §6.1). @default { requestsPerSecond: 10, burst: 20 } */
  rateLimit?: ClientRateLimit;
  /** Name of the Gateway (and prefix of its class, proxy config and certificate). @default "dmz" */
  gatewayName?: string;
  /**
   * Wait until the Gateway reports its load balancer's address (ClusterFacts.loadBalancers), so
   * the stack can output it. Off where nothing may ever provision one (kind). @default false
   */
  awaitAddress?: boolean;
}

/**
 * The Kubernetes provider's readiness annotation (pulumi-kubernetes 4.18+): a JSONPath without a
 * value waits until the field exists. Envoy Gateway copies the Service's load balancer ingress
 * (IP or host name) into the Gateway's `status.addresses`.
 */
export const AWAIT_ADDRESS = { "pulumi.com/waitFor": "jsonpath={.status.addresses[0].value}" };

/** The part of a Gateway's status the stack reads. */
interface GatewayStatus {
  addresses?: { type?: string; value?: string }[];
}

/** Gateway API allows 64 listeners per Gateway: one per host plus the HTTP listener. */
const MAX_LISTENERS = 64;

function validate(args: GatewayArgs, replicas: number): void {
  const errors: { propertyPath: string; reason: string }[] = [];
  const problem = (propertyPath: string, reason: string) => errors.push({ propertyPath, reason });
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(args.acmeEmail))
    problem("acmeEmail", "must be an email address for the Let's Encrypt account");
  if (args.production && replicas < 2)
    problem("proxyReplicas", `must be at least 2 in production (got ${replicas})`);
  const seen = new Map<string, string>();
  args.apps.forEach((app, i) => {
    if (!app.public) return;
    const key = `${hostOf(args.domain, app)}${normalizePath(app.pathPrefix)}`;
    const other = seen.get(key);
    if (other) problem(`apps[${i}].pathPrefix`, `serves ${key}, already served by ${other}`);
    seen.set(key, app.name);
    if (app.backends.length === 0 || !app.backends.some((b) => b.weight > 0))
      problem(`apps[${i}].backends`, "needs at least one backend with a weight above 0");
  });
  for (const [field, paths] of [
    ["staticPaths", args.staticPaths],
    ["authPaths", args.authPaths],
  ] as const)
    (paths ?? []).forEach((p, i) => {
      if (!/^\/[A-Za-z0-9._~\-/]*$/.test(p) || p.includes("//"))
        problem(`${field}[${i}]`, `must be a path prefix such as /static (got ${p})`);
    });
  if (args.proxied && !(Number.isInteger(args.proxied.hops) && args.proxied.hops >= 1))
    problem(
      "proxied.hops",
      `must be a whole number of proxies, at least 1 (got ${args.proxied.hops})`,
    );
  const listeners = hostsOf(args.domain, args.apps).length + 1;
  if (listeners > MAX_LISTENERS)
    problem("apps", `need ${listeners} listeners; a Gateway holds at most ${MAX_LISTENERS}`);
  if (errors.length > 0)
    throw new pulumi.InputPropertiesError({
      message: `Gateway: ${errors.map((e) => `${e.propertyPath} ${e.reason}`).join("; ")}`,
      errors,
    });
}

/**
 * The DMZ tier on Kubernetes: Envoy Gateway and cert-manager (Helm), an EnvoyProxy whose
 * LoadBalancer Service is the only one exposed, a GatewayClass and a Gateway with an HTTPS listener
 * per host and an HTTP listener that only redirects, Let's Encrypt issuers and the certificate, TLS
 * 1.2+ with modern ciphers, HSTS and cache headers per route, a per-client rate limit, and the
 * namespace's ingress rules. Cost: the cloud's load balancer (priced by the cloud layer) and the
 * proxies' requests on the gateway pool (default 2 × 500m / 512Mi in production).
 */
export class Gateway extends pulumi.ComponentResource {
  /** Name and namespace of the Gateway, for HTTPRoutes of other components. */
  public readonly gatewayName: string;
  /** cert-manager's Release, for components whose resources need its CRDs. */
  public readonly certManager: pulumi.Resource;
  public readonly gatewayNamespace: string;
  /** Every host served, apex first; the certificate covers all of them. */
  public readonly hosts: string[];
  /** Secret holding the certificate, in the gateway namespace. */
  public readonly certificateSecret: string;
  /** ClusterIssuer the certificate uses. @example "letsencrypt-production" */
  public readonly issuer: string;
  /** The load balancer's addresses (IPs or a host name) on the Gateway's status; empty until known. */
  public readonly addresses: pulumi.Output<string[]>;

  constructor(name: string, args: GatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    const production = args.production;
    const replicas = args.proxyReplicas ?? (production ? 2 : 1);
    // Refuse bad arguments before anything is registered.
    validate(args, replicas);
    super("platform:gateway:Gateway", name, {}, opts);
    const parent = { parent: this };

    const ns = args.gatewayNamespace;
    const gwName = args.gatewayName ?? "dmz";
    const gateway: GatewayRef = { name: gwName, namespace: ns };
    const monitoringNamespace = args.monitoringNamespace ?? "monitoring";
    const paths: CachePaths = {
      staticPaths: args.staticPaths ?? DEFAULT_CACHE_PATHS.staticPaths,
      authPaths: args.authPaths ?? DEFAULT_CACHE_PATHS.authPaths,
    };
    const labels = { "app.kubernetes.io/part-of": "platform" };
    const hosts = hostsOf(args.domain, args.apps);
    const secretName = `${gwName}-tls`;
    const issuer = args.issuer ?? "production";
    const clientAddress = args.clientAddress ?? SOURCE_ADDRESS;

    const envoyGateway = new k8s.helm.v3.Release(
      `${name}-envoy-gateway`,
      {
        name: ENVOY_GATEWAY_RELEASE,
        chart: ENVOY_GATEWAY_CHART.chart,
        version: ENVOY_GATEWAY_CHART.version,
        namespace: ns,
        createNamespace: false,
        values: envoyGatewayValues(args.pools, production),
        skipAwait: false,
        timeout: 600,
      },
      parent,
    );
    // cert-manager checks for the Gateway API CRDs at start-up; they come with the gateway chart.
    const certManager = new k8s.helm.v3.Release(
      `${name}-cert-manager`,
      {
        name: CERT_MANAGER_RELEASE,
        chart: CERT_MANAGER_CHART.chart,
        version: CERT_MANAGER_CHART.version,
        repositoryOpts: { repo: CERT_MANAGER_CHART.repo },
        namespace: ns,
        createNamespace: false,
        values: certManagerValues(args.pools, production, ns),
        skipAwait: false,
        timeout: 600,
      },
      { ...parent, dependsOn: [envoyGateway] },
    );
    const afterGateway = { ...parent, dependsOn: [envoyGateway] };
    this.certManager = certManager;
    const afterBoth = { ...parent, dependsOn: [envoyGateway, certManager] };

    const pod = placement("gateway", args.pools);
    const proxyConfig = new k8s.apiextensions.CustomResource(
      `${name}-proxy-config`,
      {
        apiVersion: "gateway.envoyproxy.io/v1alpha1",
        kind: "EnvoyProxy",
        metadata: { name: `${gwName}-proxy`, namespace: ns, labels },
        spec: envoyProxySpec({
          replicas,
          pod,
          resources: args.proxyResources,
          serviceAnnotations: args.serviceAnnotations,
          endpointStats: args.endpointStats,
        }),
      },
      afterGateway,
    );

    const gatewayClass = new k8s.apiextensions.CustomResource(
      `${name}-class`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "GatewayClass",
        metadata: { name: `${gwName}-envoy`, labels },
        spec: {
          controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
          parametersRef: {
            group: "gateway.envoyproxy.io",
            kind: "EnvoyProxy",
            name: `${gwName}-proxy`,
            namespace: ns,
          },
        },
      },
      { ...parent, dependsOn: [envoyGateway, proxyConfig] },
    );

    const gw = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: {
          name: gwName,
          namespace: ns,
          labels,
          ...(args.awaitAddress ? { annotations: AWAIT_ADDRESS } : {}),
        },
        spec: {
          gatewayClassName: `${gwName}-envoy`,
          listeners: listenersFor(args.domain, hosts, secretName, args.appsNamespace),
        },
        // Never sent: naming it makes the live object's status an output of this resource.
        status: undefined,
      },
      { ...parent, dependsOn: [envoyGateway, gatewayClass] },
    );
    const afterGatewayObject = { ...parent, dependsOn: [envoyGateway, gw] };

    new k8s.apiextensions.CustomResource(
      `${name}-https-redirect`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        ...redirectRoute(gateway),
      },
      afterGatewayObject,
    );

    for (const kind of ["staging", "production"] as const) {
      new k8s.apiextensions.CustomResource(
        `${name}-issuer-${kind}`,
        {
          apiVersion: "cert-manager.io/v1",
          kind: "ClusterIssuer",
          metadata: { name: issuerName(kind), labels },
          spec: clusterIssuerSpec(kind, args.acmeEmail, gateway, pod),
        },
        afterBoth,
      );
    }

    new k8s.apiextensions.CustomResource(
      `${name}-certificate`,
      {
        apiVersion: "cert-manager.io/v1",
        kind: "Certificate",
        metadata: { name: secretName, namespace: ns, labels },
        spec: certificateSpec(secretName, hosts, issuer),
      },
      { ...parent, dependsOn: [envoyGateway, certManager, gw] },
    );

    trafficPolicies(
      name,
      {
        gateway,
        labels,
        domain: args.domain,
        hosts,
        clientAddress,
        proxied: args.proxied,
        rateLimit: args.rateLimit,
      },
      this,
      [envoyGateway, gw],
    );

    const ctx = {
      domain: args.domain,
      gateway,
      appsNamespace: args.appsNamespace,
      apps: args.apps,
      paths,
    };
    for (const app of args.apps.filter((a) => a.public)) {
      new k8s.apiextensions.CustomResource(
        `${name}-route-${app.name}`,
        { apiVersion: "gateway.networking.k8s.io/v1", kind: "HTTPRoute", ...routeFor(app, ctx) },
        afterGatewayObject,
      );
    }

    const policies = gatewayNetworkPolicies({
      certManagerRelease: CERT_MANAGER_RELEASE,
      monitoringNamespace,
    });
    for (const role of Object.keys(policies) as (keyof typeof policies)[]) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${NETWORK_POLICY_NAMES[role]}`,
        {
          metadata: { name: NETWORK_POLICY_NAMES[role], namespace: ns, labels },
          spec: policies[role] as k8s.types.input.networking.v1.NetworkPolicySpec,
        },
        parent,
      );
    }

    this.gatewayName = gwName;
    this.gatewayNamespace = ns;
    this.hosts = hosts;
    this.certificateSecret = secretName;
    this.issuer = issuerName(issuer);
    const live = gw as unknown as { status: pulumi.Output<GatewayStatus | undefined> };
    this.addresses = live.status.apply((status) =>
      (status?.addresses ?? []).map((a) => a.value).filter((v): v is string => !!v),
    );
    this.registerOutputs({
      gatewayName: this.gatewayName,
      gatewayNamespace: this.gatewayNamespace,
      hosts: this.hosts,
      issuer: this.issuer,
    });
  }
}
