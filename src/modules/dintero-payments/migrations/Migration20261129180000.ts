import { Migration } from "@medusajs/framework/mikro-orm/migrations"

// Written by hand in the format `medusa plugin:db:generate` produces (it needs a running database).
// A third kind of row, `release` (models/authorization-grant.ts), which never expires.
export class Migration20261129180000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "dintero_authorization_grant" drop constraint if exists "dintero_authorization_grant_kind_check";`)
    this.addSql(`alter table if exists "dintero_authorization_grant" add constraint "dintero_authorization_grant_kind_check" check ("kind" in ('keep', 'reuse', 'release'));`)
    this.addSql(`alter table if exists "dintero_authorization_grant" alter column "expires_at" drop not null;`)
  }

  override async down(): Promise<void> {
    this.addSql(`delete from "dintero_authorization_grant" where "kind" = 'release';`)
    this.addSql(`alter table if exists "dintero_authorization_grant" alter column "expires_at" set not null;`)
    this.addSql(`alter table if exists "dintero_authorization_grant" drop constraint if exists "dintero_authorization_grant_kind_check";`)
    this.addSql(`alter table if exists "dintero_authorization_grant" add constraint "dintero_authorization_grant_kind_check" check ("kind" in ('keep', 'reuse'));`)
  }
}
