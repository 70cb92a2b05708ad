import { stackGatewayRequireClientAddress } from "../../../policies/stack/stack-gateway-require-client-address";
import { describeStackPolicy, UNKNOWN, type Fixture, type Props } from "../harness";
import { gateway, httpsRoute } from "../fixtures";

const T = {
  envoyProxy: "kubernetes:gateway.envoyproxy.io/v1alpha1:EnvoyProxy",
  gatewayClass: "kubernetes:gateway.networking.k8s.io/v1:GatewayClass",
  gateway: "kubernetes:gateway.networking.k8s.io/v1:Gateway",
  route: "kubernetes:gateway.networking.k8s.io/v1:HTTPRoute",
  ctp: "kubernetes:gateway.envoyproxy.io/v1alpha1:ClientTrafficPolicy",
  btp: "kubernetes:gateway.envoyproxy.io/v1alpha1:BackendTrafficPolicy",
  distribution: "aws:cloudfront/distribution:Distribution",
  server: "hcloud:index/server:Server",
};

const HCLOUD = "load-balancer.hetzner.cloud/";
const DO = "service.beta.kubernetes.io/do-loadbalancer-";
const AWS = "service.beta.kubernetes.io/aws-load-balancer-";
const ANNOTATIONS = ["spec", "provider", "kubernetes", "envoyService", "annotations"];

const gatewayRef = (sectionName?: string) => ({
  group: "gateway.networking.k8s.io",
  kind: "Gateway",
  name: "public",
  ...(sectionName ? { sectionName } : {}),
});

/** The EnvoyProxy whose LoadBalancer Service carries the cloud's annotations. */
function envoyProxy(annotations: Record<string, string>): Props {
  return {
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "EnvoyProxy",
    metadata: { name: "public-proxy", namespace: "gateway" },
    spec: {
      provider: {
        type: "Kubernetes",
        kubernetes: {
          envoyService: { type: "LoadBalancer", annotations, externalTrafficPolicy: "Local" },
        },
      },
    },
  };
}

function gatewayClass(): Props {
  return {
    apiVersion: "gateway.networking.k8s.io/v1",
    kind: "GatewayClass",
    metadata: { name: "envoy" },
    spec: {
      controllerName: "gateway.envoyproxy.io/gatewayclass-controller",
      parametersRef: {
        group: "gateway.envoyproxy.io",
        kind: "EnvoyProxy",
        name: "public-proxy",
        namespace: "gateway",
      },
    },
  };
}

function clientTraffic(name: string, spec: Props, sectionName?: string): Props {
  return {
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "ClientTrafficPolicy",
    metadata: { name, namespace: "gateway" },
    spec: { targetRefs: [gatewayRef(sectionName)], tls: { minVersion: "1.2" }, ...spec },
  };
}

/** Self-hosted §6.1's limit as the program writes it: buckets per client address. */
function rateLimit(targetRefs: Props[] = [gatewayRef()], ns = "gateway"): Props {
  const client = { sourceCIDR: { type: "Distinct", value: "0.0.0.0/0" } };
  return {
    apiVersion: "gateway.envoyproxy.io/v1alpha1",
    kind: "BackendTrafficPolicy",
    metadata: { name: "rate-limit", namespace: ns },
    spec: {
      targetRefs,
      rateLimit: {
        local: { rules: [{ clientSelectors: [client], limit: { requests: 20, unit: "Second" } }] },
      },
    },
  };
}

/** The Gateway, its class and proxy config, behind a load balancer with these annotations. */
function front(annotations: Record<string, string>): Fixture[] {
  return [
    { type: T.envoyProxy, name: "proxy", props: envoyProxy(annotations) },
    { type: T.gatewayClass, name: "class", props: gatewayClass() },
    { type: T.gateway, name: "public", props: gateway() },
  ];
}

/** The apex behind CloudFront and an API host straight on the NLB, as the AWS stacks serve them. */
function awsGateway(): Props {
  const gw = gateway();
  gw.spec.listeners[1].hostname = "example.com";
  gw.spec.listeners.push({
    name: "https-api",
    protocol: "HTTPS",
    port: 443,
    hostname: "api.example.com",
    tls: { mode: "Terminate", certificateRefs: [{ name: "web-tls" }] },
  });
  return gw;
}

function distribution(): Props {
  return {
    aliases: ["example.com", "media.example.com"],
    origins: [
      {
        originId: "gateway",
        domainName: "origin.example.com",
        customOriginConfig: {
          httpPort: 80,
          httpsPort: 443,
          originProtocolPolicy: "https-only",
          originSslProtocols: ["TLSv1.2"],
        },
      },
    ],
  };
}

/** A secondary region's apex: the group's distribution in another stack fronts its NLB. */
function frontedElsewhere(): Fixture[] {
  const gw = gateway();
  gw.spec.listeners[1].hostname = "example.com";
  return [
    {
      type: "aws:ec2/securityGroup:SecurityGroup",
      name: "dmz",
      props: {
        id: "sg-123",
        ingress: [{ protocol: "tcp", fromPort: 80, toPort: 443, prefixListIds: ["pl-cf"] }],
      },
    },
    {
      type: T.envoyProxy,
      name: "proxy",
      props: envoyProxy({
        [`${AWS}type`]: "external",
        [`${AWS}nlb-target-type`]: "ip",
        [`${AWS}proxy-protocol`]: "*",
        [`${AWS}security-groups`]: "sg-123",
      }),
    },
    { type: T.gatewayClass, name: "class", props: gatewayClass() },
    { type: T.gateway, name: "public", props: gw },
    { type: T.ctp, name: "client", props: clientTraffic("public-client", { proxyProtocol: {} }) },
    {
      type: T.ctp,
      name: "client-proxied",
      props: clientTraffic(
        "public-client-proxied",
        { proxyProtocol: {}, clientIPDetection: { xForwardedFor: { numTrustedHops: 1 } } },
        "https",
      ),
    },
    { type: T.btp, name: "rate-limit", props: rateLimit() },
  ];
}

describeStackPolicy(stackGatewayRequireClientAddress, [
  {
    // A secondary region: the config names the group's distribution (frontedBy), the NLB admits
    // the web from CloudFront's prefix list alone, so the apex's listener trusts CloudFront's hop.
    config: { frontedBy: "production-large" },
    resources: frontedElsewhere(),
    cases: [
      {
        rule: "the stack names no distribution in front of it",
        config: { frontedBy: "" },
        expect: /listener https of Gateway public takes the client's address from a request header/,
      },
      {
        rule: "the NLB also admits the internet, so a viewer's own header reaches Envoy",
        set: [
          "dmz",
          "ingress",
          [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
        ],
        expect: /listener https of Gateway public takes the client's address from a request header/,
      },
    ],
  },
  {
    // Hetzner: the load balancer sends PROXY protocol and Envoy requires it.
    resources: [
      { type: T.server, name: "node", props: { serverType: "cpx31", location: "nbg1" } },
      ...front({ [`${HCLOUD}protocol`]: "tcp", [`${HCLOUD}uses-proxyprotocol`]: "true" }),
      { type: T.ctp, name: "client", props: clientTraffic("public-client", { proxyProtocol: {} }) },
      { type: T.btp, name: "rate-limit", props: rateLimit() },
    ],
    cases: [
      {
        rule: "the load balancer sends no PROXY protocol header (Envoy sees its address)",
        set: ["proxy", [...ANNOTATIONS, `${HCLOUD}uses-proxyprotocol`], "false"],
        expect: /all clients share one bucket|never sends: every connection fails/,
      },
      {
        rule: "the Service lost the cloud's annotations on a Hetzner cluster (off by default)",
        set: ["proxy", ANNOTATIONS, {}],
        expect: /hetzner load balancer .* hands Envoy its own address|never sends/,
      },
      {
        rule: "Envoy does not read the header the load balancer sends",
        set: ["client", "spec.proxyProtocol", undefined],
        expect:
          /sends a PROXY protocol header, but listener \S+ of Gateway public does not read it/,
      },
      {
        rule: "a policy naming the HTTPS listener replaces the Gateway's without reading the header",
        add: { type: T.ctp, name: "client-https", props: clientTraffic("https", {}, "https") },
        expect:
          /listener https of Gateway public does not read it \(ClientTrafficPolicy client-https\)/,
      },
      {
        rule: "Envoy believes X-Forwarded-For where no proxy writes it",
        set: ["client", "spec.clientIPDetection", { xForwardedFor: { numTrustedHops: 1 } }],
        expect: /from a request header no proxy in front of it writes.*escape its bucket/,
      },
    ],
    passes: [
      {
        rule: "Envoy lets connections without the header through (optional)",
        set: ["client", "spec.proxyProtocol", { optional: true }],
      },
      {
        rule: "the policy names the Gateway with the older single targetRef",
        set: ["client", "spec", { targetRef: gatewayRef(), proxyProtocol: {} }],
      },
    ],
  },
  {
    // DigitalOcean with no client-keyed limit: only a mismatch between the two ends is judged.
    resources: [
      ...front({ [`${DO}protocol`]: "tcp", [`${DO}enable-proxy-protocol`]: "false" }),
      { type: T.ctp, name: "client", props: clientTraffic("public-client", {}) },
      { type: T.route, name: "api", props: httpsRoute() },
      {
        type: T.btp,
        name: "rate-limit",
        props: (() => {
          const btp = rateLimit(
            [{ group: "gateway.networking.k8s.io", kind: "HTTPRoute", name: "api" }],
            "apps",
          );
          btp.spec.rateLimit.local.rules[0].clientSelectors = [
            { headers: [{ name: "x-tenant", type: "Distinct" }] },
          ];
          return btp;
        })(),
      },
    ],
    cases: [
      {
        rule: "a rule of the route's limit buckets clients by address behind a load balancer that hides it",
        set: [
          "rate-limit",
          "spec.rateLimit.local.rules.0.clientSelectors.0.sourceCIDR",
          { type: "Distinct", value: "0.0.0.0/0" },
        ],
        expect:
          /Gateway public limits each client, but the digitalocean load balancer .*enable-proxy-protocol: "true"/,
      },
      {
        rule: "Envoy requires a header the load balancer never sends",
        set: ["client", "spec.proxyProtocol", {}],
        expect: /requires a PROXY protocol header .* never sends: every connection fails/,
      },
    ],
  },
  {
    // AWS: the NLB sends PROXY protocol v2; the apex comes through CloudFront, the API does not.
    resources: [
      { type: T.distribution, name: "cdn", props: distribution() },
      {
        type: T.envoyProxy,
        name: "proxy",
        props: envoyProxy({
          [`${AWS}type`]: "external",
          [`${AWS}nlb-target-type`]: "ip",
          [`${AWS}proxy-protocol`]: "*",
          [`${AWS}security-groups`]: "sg-123",
        }),
      },
      { type: T.gatewayClass, name: "class", props: gatewayClass() },
      { type: T.gateway, name: "public", props: awsGateway() },
      { type: T.ctp, name: "client", props: clientTraffic("public-client", { proxyProtocol: {} }) },
      {
        type: T.ctp,
        name: "client-proxied",
        props: clientTraffic(
          "public-client-proxied",
          { proxyProtocol: {}, clientIPDetection: { xForwardedFor: { numTrustedHops: 1 } } },
          "https",
        ),
      },
      { type: T.btp, name: "rate-limit", props: rateLimit() },
    ],
    cases: [
      {
        rule: "the NLB neither sends PROXY protocol nor preserves the client (IP targets)",
        set: ["proxy", [...ANNOTATIONS, `${AWS}proxy-protocol`], undefined],
        expect: /aws load balancer .* hands Envoy its own address|never sends/,
      },
      {
        rule: "the CloudFront host's listener believes an entry the viewer wrote (two hops)",
        set: ["client-proxied", "spec.clientIPDetection.xForwardedFor.numTrustedHops", 2],
        expect: /serves example.com through CloudFront.*numTrustedHops: 1, got 2/,
      },
      {
        rule: "the CloudFront host's listener counts CloudFront's edge as the client",
        remove: "client-proxied",
        expect: /listener https of Gateway public serves example.com through CloudFront.*got 0/,
      },
      {
        rule: "the NLB's direct host also believes X-Forwarded-For",
        set: ["client", "spec.clientIPDetection", { xForwardedFor: { numTrustedHops: 1 } }],
        expect:
          /listener (http|https-api) of Gateway public takes the client's address from a request header/,
      },
    ],
    passes: [
      {
        rule: "the load balancer's security group is unknown during preview",
        set: ["proxy", [...ANNOTATIONS, `${AWS}security-groups`], UNKNOWN],
      },
      {
        rule: "proxy protocol v2 is asked for as a target group attribute",
        set: [
          "proxy",
          ANNOTATIONS,
          {
            [`${AWS}type`]: "external",
            [`${AWS}nlb-target-type`]: "ip",
            [`${AWS}target-group-attributes`]: "proxy_protocol_v2.enabled=true",
          },
        ],
      },
    ],
  },
  {
    // AWS with preserved client IP instead: Envoy reads no header.
    resources: [
      ...front({
        [`${AWS}type`]: "external",
        [`${AWS}nlb-target-type`]: "ip",
        [`${AWS}target-group-attributes`]: "preserve_client_ip.enabled=true",
      }),
      { type: T.ctp, name: "client", props: clientTraffic("public-client", {}) },
      { type: T.btp, name: "rate-limit", props: rateLimit() },
    ],
    cases: [
      {
        rule: "the target group turns client IP preservation off",
        set: [
          "proxy",
          [...ANNOTATIONS, `${AWS}target-group-attributes`],
          "preserve_client_ip.enabled=false",
        ],
        expect: /aws load balancer .* hands Envoy its own address/,
      },
      {
        rule: "Envoy requires a PROXY protocol header the NLB does not send",
        set: ["client", "spec.proxyProtocol", {}],
        expect: /requires a PROXY protocol header .* never sends/,
      },
    ],
    passes: [
      {
        rule: "preservation is one of several target group attributes",
        set: [
          "proxy",
          [...ANNOTATIONS, `${AWS}target-group-attributes`],
          "deregistration_delay.timeout_seconds=30, preserve_client_ip.enabled=true",
        ],
      },
    ],
  },
  {
    // A cluster the stack did not build (kind, existing): nothing tells how clients arrive.
    resources: [
      ...front({}),
      { type: T.ctp, name: "client", props: clientTraffic("public-client", {}) },
      { type: T.btp, name: "rate-limit", props: rateLimit() },
    ],
    cases: [
      {
        rule: "...until the Service names a DigitalOcean load balancer without PROXY protocol",
        set: ["proxy", ANNOTATIONS, { [`${DO}protocol`]: "tcp" }],
        expect: /digitalocean load balancer .* hands Envoy its own address/,
      },
    ],
  },
]);
