import { Migration } from "@medusajs/framework/mikro-orm/migrations"

// Written by hand in the format `medusa plugin:db:generate` produces (it needs a running database).
// Why a release was decided (models/authorization-grant.ts, `reason`): said in the notice the release writes.
export class Migration20261129220000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "dintero_authorization_grant" add column if not exists "reason" text null;`)
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "dintero_authorization_grant" drop column if exists "reason";`)
  }
}
