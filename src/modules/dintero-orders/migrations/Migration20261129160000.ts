import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/** The mirror's recorded ledger and its version (see models/order-mirror.ts and docs/orders-mirror.md). */
export class Migration20261129160000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_mirror" add column if not exists "recorded" jsonb null;`)
    this.addSql(`alter table if exists "dintero_order_mirror" add column if not exists "recorded_version" integer not null default 0;`)
    // A database that ran the first, withdrawn ledger (Migration20261129120000, removed in 0e1ec37) may hold ledgers
    // that stopped being kept up to date when it was withdrawn: none of them is trusted.
    this.addSql(`update "dintero_order_mirror" set "recorded" = null where "recorded" is not null;`)
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_mirror" drop column if exists "recorded_version";`)
    this.addSql(`alter table if exists "dintero_order_mirror" drop column if exists "recorded";`)
  }
}
