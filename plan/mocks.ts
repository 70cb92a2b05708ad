import * as pulumi from "@pulumi/pulumi";
import { CLOUD_LAYERS } from "../components";
import { ipGatewayAddress, type CloudLayer } from "../components/kit/cloud-layer";
import { cloudflareMockOutputs } from "./mock-outputs/cloudflare";
import { commandMockOutputs } from "./mock-outputs/command";
import { planNow, ROTATING, rotatingMockOutputs } from "./mock-outputs/time";
import { bareStack, type ReferencedOutputs } from "./references";

/** The type token of a StackReference (@pulumi/pulumi stackReference.ts). */
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

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

/** Pulumi's readiness annotation the gateway sets where a cloud provisions its load balancer. */
const WAIT_FOR = "pulumi.com/waitFor";

/** The cloud layer whose package prefixes a type carries, if any. */
function layerOf(type: string, layers: readonly CloudLayer[]): CloudLayer | undefined {
  return layers.find((l) => l.packages.some((p) => type.startsWith(p)));
}

/**
 * Outputs a provider would compute, so that dependent resources and the stack outputs see
 * plausible values offline: the owning cloud layer's mock outputs for its types (each
 * `CloudLayer.mocks`), and here what is the same on every cloud. `stackLayer` is the layer the
 * program builds on (the first whose types it registered): its load balancer's address lands on
 * the Gateway's status.
 */
function mockState(
  type: string,
  name: string,
  inputs: Record<string, any>,
  layers: readonly CloudLayer[],
  stackLayer: CloudLayer | undefined,
): Record<string, any> {
  const state: Record<string, any> = { ...inputs };
  for (const [key, value] of Object.entries(
    layerOf(type, layers)?.mocks.outputs(type, name, inputs) ??
      cloudflareMockOutputs(type, name) ??
      commandMockOutputs(type, inputs) ??
      {},
  ))
    state[key] ??= value;
  if (type.startsWith("kubernetes:") && inputs.metadata && !inputs.metadata.name) {
    state.metadata = { ...inputs.metadata, name };
  }
  // The load balancer's address, which Envoy Gateway copies onto the Gateway's status.
  if (
    type === "kubernetes:gateway.networking.k8s.io/v1:Gateway" &&
    inputs.metadata?.annotations?.[WAIT_FOR]
  )
    state.status ??= {
      addresses: [(stackLayer?.mocks ?? { gatewayAddress: ipGatewayAddress }).gatewayAddress(name)],
    };
  if (
    type === "random:index/randomPassword:RandomPassword" ||
    type === "random:index/randomString:RandomString"
  ) {
    state.result = "x".repeat(inputs.length ?? 16);
  }
  if (type === ROTATING) Object.assign(state, rotatingMockOutputs(inputs, planNow()));
  return state;
}

/**
 * Runs the Pulumi runtime against in-process mocks and records every registration with its parent,
 * protect flag and dependencies (the mock callback alone does not see them).
 */
export class Recorder {
  public readonly resources: Registered[] = [];

  constructor(
    project: string,
    stack: string,
    layers: readonly CloudLayer[] = Object.values(CLOUD_LAYERS),
    references: Record<string, ReferencedOutputs> = {},
  ) {
    // The mock sees inputs already deserialized; keep them for the record instead of decoding twice.
    const inputs = new Map<string, Record<string, any>>();
    let stackLayer: CloudLayer | undefined;
    pulumi.runtime.setMocks(
      {
        newResource: (a) => {
          // A StackReference reads the referenced stack's offline outputs (plan/references.ts).
          if (a.type === STACK_REFERENCE) {
            const ref = references[bareStack(String(a.inputs.name))];
            return {
              id: a.inputs.name,
              state: {
                name: a.inputs.name,
                outputs: ref?.outputs ?? {},
                secretOutputNames: ref?.secretOutputNames ?? [],
              },
            };
          }
          inputs.set(`${a.type}::${a.name}`, a.inputs);
          stackLayer ??= layerOf(a.type, layers);
          return {
            id: a.custom ? `${a.name}-id` : undefined,
            state: mockState(a.type, a.name, a.inputs, layers, stackLayer),
          };
        },
        // A data source answers its inputs, or what its cloud layer's mocks say.
        call: (a) => layerOf(a.token, layers)?.mocks.invoke?.(a.token, a.inputs) ?? { ...a.inputs },
      },
      project,
      stack,
      false,
      // StackReference names are qualified with it (components/region).
      "organization",
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
