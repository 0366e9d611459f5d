import { Migration } from "@medusajs/framework/mikro-orm/migrations"

// The outbox row's claim (see DinteroOrdersService.claimAttempt): written by hand in `plugin:db:generate`'s format.
export class Migration20261129000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_operation" add column if not exists "claimed_by" text null, add column if not exists "claimed_until" timestamptz null;`)
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_operation" drop column if exists "claimed_by", drop column if exists "claimed_until";`)
  }
}
