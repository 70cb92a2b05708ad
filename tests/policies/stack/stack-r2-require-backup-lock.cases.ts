import { stackR2RequireBackupLock } from "../../../policies/stack/stack-r2-require-backup-lock";
import { describeStackPolicy } from "../harness";
import { r2Stack } from "../cloudflare/r2";

describeStackPolicy(stackR2RequireBackupLock, [
  {
    resources: r2Stack(),
    cases: [
      {
        rule: "the backup bucket has no lock",
        remove: "r2-backup-lock",
        expect: /R2Bucket r2-backup has no bucket lock: R2 keeps no versions/,
      },
      {
        rule: "the lock's only rule is disabled",
        set: ["r2-backup-lock", "rules.0.enabled", false],
        expect: /R2Bucket r2-backup: its bucket lock has no enabled rule/,
      },
      {
        rule: "the lock has no rules",
        set: ["r2-backup-lock", "rules", []],
        expect: /its bucket lock has no enabled rule/,
      },
    ],
    passes: [
      // Media is deleted and overwritten by the apps: R2 asks nothing of it that it cannot do.
      { rule: "the media bucket has no lock and no versioning", remove: "r2-media" },
    ],
  },
  {
    // The offline plan's view: the lock matched by the bucket's name, without property dependencies.
    resources: r2Stack().map((r) => ({ ...r, refs: undefined })),
    cases: [
      {
        rule: "the lock names another bucket",
        set: ["r2-backup-lock", "bucketName", "p-media"],
        expect: /R2Bucket r2-backup has no bucket lock/,
      },
    ],
  },
]);
