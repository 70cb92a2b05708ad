import * as pulumi from "@pulumi/pulumi";
import { Recorder, Registered } from "../../plan/mocks";

/**
 * Registers whatever `build` creates under the runtime's mocks and returns every registration,
 * awaited (never assert inside an unawaited apply).
 */
export async function record(
  build: () => void,
  config: Record<string, string> = {},
  secretKeys: string[] = [],
): Promise<Registered[]> {
  // The keys that came from `secure:`: the config gate refuses a secret key given in clear.
  pulumi.runtime.setAllConfig(config, secretKeys);
  return new Recorder("platform", "test").record(build);
}

/** Pulumi type tokens of the built-in Kubernetes objects the tests look for. */
export const K8S = {
  deployment: "kubernetes:apps/v1:Deployment",
  service: "kubernetes:core/v1:Service",
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
} as const;

export const ofType = (rs: Registered[], type: string) => rs.filter((r) => r.type === type);
export const one = (rs: Registered[], type: string, name?: string) => {
  const found = ofType(rs, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1)
    throw new Error(`expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}`);
  return found[0];
};

/** A registration made by hand, for pure functions over registrations (pricers, sums, policies). */
export const registered = (type: string, inputs: Record<string, any>, name = "r"): Registered => ({
  urn: `urn:pulumi:test::platform::${type}::${name}`,
  type,
  name,
  parent: undefined,
  custom: true,
  protect: false,
  inputs,
  dependencies: [],
  propertyDependencies: {},
  provider: undefined,
});
