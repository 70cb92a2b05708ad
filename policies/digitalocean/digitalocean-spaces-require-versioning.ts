import * as digitalocean from "@pulumi/digitalocean";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";

export const digitaloceanSpacesRequireVersioning: ResourceValidationPolicy = {
  name: "digitalocean-spaces-require-versioning",
  description:
    "Infrastructure recommendations, Storage Strategy and File Storage Backups (versioning enabled on S3/MinIO): Spaces buckets enable versioning.",
  validateResource: validateResourceOfType(digitalocean.SpacesBucket, (bucket, _args, report) => {
    if (bucket.versioning?.enabled !== true) report("versioning is not enabled.");
  }),
};
