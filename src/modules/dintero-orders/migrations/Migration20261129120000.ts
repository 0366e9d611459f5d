import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/** The mirror's recorded ledger (per-line sums of the order's Orders payment records; see models/order-mirror.ts). */
export class Migration20261129120000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_mirror" add column if not exists "recorded" jsonb null;`)
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_mirror" drop column if exists "recorded";`)
  }
}
