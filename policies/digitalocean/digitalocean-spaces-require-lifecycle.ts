import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const digitaloceanSpacesRequireLifecycle: ResourceValidationPolicy = {
  name: "digitalocean-spaces-require-lifecycle",
  description:
    "Infrastructure recommendations, File Storage Backups (previous versions kept 30 days) and Storage Strategy (lifecycle policies): Spaces buckets have an enabled lifecycle rule that expires noncurrent versions.",
  validateResource: validateResourceOfType(digitalocean.SpacesBucket, (bucket, _args, report) => {
    const enabled = (bucket.lifecycleRules ?? []).filter((r) => r.enabled);
    if (enabled.length === 0) {
      report("no enabled lifecycleRules; old versions would be kept forever.");
    } else if (!enabled.some((r) => r.noncurrentVersionExpiration?.days !== undefined)) {
      report("no lifecycle rule expires noncurrent versions.");
    }
  }),
};
