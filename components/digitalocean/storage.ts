import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import type { StackConfig } from "../../config";
import type { ManagedObjectStorage } from "../contract";
import { bucketLifecycle, spacesBucketName, spacesEndpoint } from "./buckets";
import { configProblem } from "../kit/problems";

type BucketConfig = StackConfig["objectStorage"]["buckets"][number];

export interface SpacesArgs {
  /** Physical name prefix of keys and certificates. @example "platform-staging" */
  prefix: string;
  /** Spaces region. @example "nyc3" */
  region: string;
  /** The stack's domain; bucket names start with it so that they are globally unique. */
  domain: string;
  /** Stack name, part of every bucket name. @example "staging" */
  stack: string;
  /** Buckets by purpose (objectStorage.buckets). @example [{ name: "media", purpose: "media", ... }] */
  buckets: BucketConfig[];
  /** Dump tiers of the backup bucket expire by lifecycle rules built from this. */
  backups: StackConfig["backups"];
  /** Browser origins allowed on the media bucket. @example ["https://example.com"] */
  corsOrigins: string[];
  /** The CDN in front of the media bucket, on `mediaDomain` when one is given. */
  cdn: { enabled: boolean; mediaDomain?: string };
  /** Expected data stored, GB, for the estimate beyond the included 250 GiB. @example 500 */
  storageGb: number;
}

/**
 * Spaces buckets per purpose: private, versioned, with the documents' lifecycle; CORS on the media
 * bucket for the app's origins; one access key limited to these buckets; and the Spaces CDN in
 * front of the media bucket. A private bucket serves through the CDN only the objects the app
 * uploads as public-read (avatars, attachments shared by link); everything else goes by presigned
 * URL. Cost: the $5 Spaces subscription with 250 GiB and 1 TiB transfer, $0.02 per GiB beyond;
 * the CDN's transfer counts against the same allowance.
 */
export class Spaces extends pulumi.ComponentResource {
  public readonly storage: ManagedObjectStorage;
  /** The CDN's own host name, which the media domain's CNAME points at; absent without the CDN. */
  public readonly cdnEndpoint?: pulumi.Output<string>;

  constructor(name: string, args: SpacesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("platform:digitalocean:Spaces", name, args, opts);
    const parent = { parent: this };

    const buckets = args.buckets.map((bucket) => {
      const resource = new digitalocean.SpacesBucket(
        `${name}-${bucket.name}`,
        {
          name: spacesBucketName(args.domain, args.stack, bucket.name),
          region: args.region,
          acl: "private",
          versioning: { enabled: true },
          lifecycleRules: bucketLifecycle(bucket, args.backups),
          forceDestroy: false,
        },
        // Spaces has no deletion lock: protect, and forceDestroy off so a non-empty bucket stays.
        // Spaces cannot rename a bucket: its name is fixed when made and stays when
        // platform:domain changes later.
        { ...parent, protect: true, ignoreChanges: ["name"] },
      );
      return { bucket, resource };
    });

    const media = buckets.find((b) => b.bucket.purpose === "media");
    if (media && args.corsOrigins.length > 0)
      new digitalocean.SpacesBucketCorsConfiguration(
        `${name}-${media.bucket.name}-cors`,
        {
          bucket: media.resource.name,
          region: args.region,
          corsRules: [
            {
              // Browsers read media and upload it with presigned PUTs; nothing else.
              allowedMethods: ["GET", "HEAD", "PUT"],
              allowedOrigins: args.corsOrigins,
              allowedHeaders: ["*"],
              exposeHeaders: ["ETag"],
              maxAgeSeconds: 3600,
            },
          ],
        },
        parent,
      );

    // Least privilege (self-hosted §2.2): the key reaches these buckets and nothing else.
    const key = new digitalocean.SpacesKey(
      `${name}-key`,
      {
        name: `${args.prefix}-platform`,
        grants: buckets.map((b) => ({ bucket: b.resource.name, permission: "readwrite" })),
      },
      parent,
    );

    // The apps' own key reaches the media bucket only: an app can never touch the backups.
    const appKey = media
      ? new digitalocean.SpacesKey(
          `${name}-app-key`,
          {
            name: `${args.prefix}-apps`,
            grants: [{ bucket: media.resource.name, permission: "readwrite" }],
          },
          parent,
        )
      : undefined;

    if (args.cdn.enabled) {
      if (!media)
        configProblem(
          ["cdn", "enabled"],
          "needs a media bucket in objectStorage.buckets: the CDN serves that bucket",
        );
      // A Let's Encrypt certificate from DigitalOcean needs the domain's DNS on DigitalOcean.
      const certificate = args.cdn.mediaDomain
        ? new digitalocean.Certificate(
            `${name}-media-certificate`,
            { name: `${args.prefix}-media`, type: "lets_encrypt", domains: [args.cdn.mediaDomain] },
            parent,
          )
        : undefined;
      // The bucket's own name, which may predate a change of domain.
      const origin = pulumi.interpolate`${media.resource.name}.${args.region}.digitaloceanspaces.com`;
      const cdn = new digitalocean.Cdn(
        `${name}-cdn`,
        {
          origin,
          customDomain: args.cdn.mediaDomain,
          certificateName: certificate?.name,
          ttl: 3600,
        },
        { ...parent, dependsOn: [media.resource] },
      );
      this.cdnEndpoint = cdn.endpoint;
    }

    this.storage = {
      endpoint: spacesEndpoint(args.region),
      region: args.region,
      buckets: Object.fromEntries(buckets.map((b) => [b.bucket.purpose, b.resource.name])),
      credentials: {
        kind: "keys",
        accessKeyId: key.accessKey,
        secretAccessKey: pulumi.secret(key.secretKey),
      },
      appCredentials: appKey && {
        kind: "keys",
        accessKeyId: appKey.accessKey,
        secretAccessKey: pulumi.secret(appKey.secretKey),
      },
    };
    this.registerOutputs({ endpoint: this.storage.endpoint });
  }
}
