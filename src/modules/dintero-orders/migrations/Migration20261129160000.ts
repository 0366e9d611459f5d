import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/** The mirror's recorded ledger and its version (see models/order-mirror.ts and docs/orders-mirror.md). */
export class Migration20261129160000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_mirror" add column if not exists "recorded" jsonb null;`)
    this.addSql(`alter table if exists "dintero_order_mirror" add column if not exists "recorded_version" integer not null default 0;`)
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_mirror" drop column if exists "recorded_version";`)
    this.addSql(`alter table if exists "dintero_order_mirror" drop column if exists "recorded";`)
  }
}
