import * as hcloud from "@pulumi/hcloud";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { reportUnprotected } from "../lib/protect";
import { isStatefulRole, ROLE_LABEL } from "../lib/roles";

const PROTECT = "set the resource option protect: true as well.";

export const hetznerDataRequireDeletionProtection: ResourceValidationPolicy = {
  name: "hetzner-data-require-deletion-protection",
  description:
    "Self-hosted deployment §3 (backup and disaster recovery) and the platform's stateful-resource rule: Hetzner volumes, and servers of a stateful role (database, storage, monitoring), enable deleteProtection and carry protect.",
  validateResource: [
    validateResourceOfType(hcloud.Volume, (volume, args, report) => {
      if (volume.deleteProtection !== true) report("deleteProtection is not true on the volume.");
      reportUnprotected(args, report, "volume", PROTECT);
    }),
    validateResourceOfType(hcloud.Server, (server, args, report) => {
      const role = server.labels?.[ROLE_LABEL];
      if (!role || !isStatefulRole(role)) return;
      // Hetzner requires rebuild protection to match delete protection.
      if (server.deleteProtection !== true || server.rebuildProtection !== true) {
        report(`${role} server lacks deleteProtection and rebuildProtection.`);
      }
      reportUnprotected(args, report, `${role} server`, PROTECT);
    }),
  ],
};
