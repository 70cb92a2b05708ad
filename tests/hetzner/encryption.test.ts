/**
 * Encryption at rest on Hetzner (self-hosted §2.2): where each server keeps data, and that every
 * such place is a LUKS volume whose passphrase the stack generates and protects.
 */
import { parse } from "yaml";
import { PROFILES } from "../../catalog";
import { csiValues, NETWORK_STORAGE_CLASS } from "../../components/hetzner/addons";
import {
  DATA_ENCRYPTION,
  DATA_KEY_PATH,
  dataVolumeGb,
  ENCRYPTION_LABEL,
  takesData,
  VOLUME_MIN_GB,
} from "../../components/hetzner/data-volume";
import { nodePlan } from "../../components/hetzner/node-layout";
import type { Registered } from "../../plan/mocks";
import { evaluatePolicies } from "../../plan/policy";
import { policyConfig } from "../../plan/policy-config";
import { hetznerCsiRequireEncryption } from "../../policies/hetzner/hetzner-csi-require-encryption";
import { hetznerVolumeRequireEncryption } from "../../policies/hetzner/hetzner-volume-require-encryption";
import { ofType } from "../helpers/mocks";
import { recordLayer, SERVER, stackConfig, VOLUME } from "./helpers";

const PASSWORD = "random:index/randomPassword:RandomPassword";

/** Runs one policy over recorded resources as the plan does, mandatory. */
function judge(policy: Parameters<typeof evaluatePolicies>[0][number], rs: Registered[]) {
  return evaluatePolicies([policy], rs, {
    config: policyConfig(stackConfig("production-hetzner")),
    enforcement: "mandatory",
    overrides: {},
  });
}

describe("where a Hetzner server keeps data", () => {
  it("gives every server that takes data pods a volume, and none to the k3s servers", () => {
    for (const name of ["production-hetzner", "small"]) {
      for (const node of nodePlan(stackConfig(name), "t")) {
        const gb = dataVolumeGb(node);
        if (takesData(node)) expect(gb).toBeGreaterThanOrEqual(VOLUME_MIN_GB);
        if (node.group === "control-plane") expect(gb).toBe(0);
      }
    }
  });

  it("keeps the documented disk beyond the type's own, and moves a covered profile's data off the system disk", () => {
    const plan = nodePlan(stackConfig("production-hetzner"), "t");
    const db = plan.find((n) => n.group === "db")!;
    expect(db.resolved.type.diskGb + dataVolumeGb(db)).toBe(PROFILES.db.diskGb);
    // The small stack's one server: its type's disk covers the profile, yet it keeps every claim.
    const [single] = nodePlan(stackConfig("small"), "t");
    expect(single.resolved.extraDiskGb).toBe(0);
    expect(dataVolumeGb(single)).toBe(single.resolved.type.diskGb);
  });
});

describe("the layer's encrypted volumes", () => {
  let production: Registered[];
  let small: Registered[];
  beforeAll(async () => {
    production = await recordLayer(stackConfig("production-hetzner"));
    small = await recordLayer(stackConfig("small"));
  });

  it("leaves every volume raw and labelled for LUKS2, as policy hetzner-volume-require-encryption asks", async () => {
    for (const rs of [production, small]) {
      const volumes = ofType(rs, VOLUME);
      expect(volumes.length).toBeGreaterThan(0);
      for (const v of volumes) {
        expect(v.inputs.format).toBeUndefined();
        expect(v.inputs.labels[ENCRYPTION_LABEL]).toBe(DATA_ENCRYPTION);
      }
      expect(await judge(hetznerVolumeRequireEncryption, rs)).toEqual([]);
    }
  });

  it("generates one protected passphrase per volume and hands it to its server, in a 0400 key file", () => {
    for (const rs of [production, small]) {
      const keys = ofType(rs, PASSWORD).filter((p) => p.name.endsWith("-data-key"));
      expect(keys).toHaveLength(ofType(rs, VOLUME).length);
      for (const v of ofType(rs, VOLUME)) {
        const serverName = v.inputs.name.replace(/-data$/, "");
        const server = ofType(rs, SERVER).find((s) => s.inputs.name === serverName)!;
        const keyName = `${v.name.replace(/-data$/, "")}-data-key`;
        const key = ofType(rs, PASSWORD).find((p) => p.name === keyName)!;
        expect(key.protect).toBe(true);
        expect(key.inputs).toMatchObject({ length: 64, special: false });
        const file = parse(server.inputs.userData).write_files.find(
          (f: { path: string }) => f.path === DATA_KEY_PATH,
        );
        expect(file.permissions).toBe("0400");
        expect(file.content).toHaveLength(64);
      }
    }
  });

  it("encrypts the CSI driver's class with a generated, protected passphrase in a Secret", async () => {
    const [csi] = ofType(production, "kubernetes:helm.sh/v3:Release").filter(
      (r) => r.inputs.chart === "hcloud-csi",
    );
    expect(csi.inputs.values.storageClasses.map((c: { name: string }) => c.name)).toEqual([
      NETWORK_STORAGE_CLASS,
    ]);
    const params = csiValues("fsn1").storageClasses[0].extraParameters;
    const secret = ofType(production, "kubernetes:core/v1:Secret").find(
      (s) => s.inputs.metadata.name === params["csi.storage.k8s.io/node-publish-secret-name"],
    )!;
    expect(secret.inputs.metadata.namespace).toBe(
      params["csi.storage.k8s.io/node-publish-secret-namespace"],
    );
    expect(secret.protect).toBe(true);
    expect(secret.inputs.stringData["encryption-passphrase"]).toHaveLength(64);
    const passphrase = ofType(production, PASSWORD).find((p) =>
      p.name.endsWith("-csi-encryption-passphrase"),
    )!;
    expect(passphrase.protect).toBe(true);
    expect(await judge(hetznerCsiRequireEncryption, production)).toEqual([]);
  });
});
