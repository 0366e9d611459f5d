import { Migration } from "@medusajs/framework/mikro-orm/migrations"

// Written by hand in the format `medusa plugin:db:generate` produces (it needs a running database).
export class Migration20261129093000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists "dintero_authorization_grant" ("id" text not null, "kind" text check ("kind" in ('keep', 'reuse')) not null, "subject" text not null, "transaction_id" text not null, "order_id" text null, "amount" integer null, "expires_at" timestamptz not null, "consumed_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "dintero_authorization_grant_pkey" primary key ("id"));`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_dintero_authorization_grant_deleted_at" ON "dintero_authorization_grant" ("deleted_at") WHERE deleted_at IS NULL;`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_dintero_authorization_grant_kind_subject" ON "dintero_authorization_grant" ("kind", "subject") WHERE deleted_at IS NULL AND consumed_at IS NULL;`)
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "dintero_authorization_grant" cascade;`)
  }
}
