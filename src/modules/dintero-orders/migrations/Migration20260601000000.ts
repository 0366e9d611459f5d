import { Migration } from "@medusajs/framework/mikro-orm/migrations"

// Written by hand in the format `medusa plugin:db:generate` produces (it needs a running database).
export class Migration20260601000000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "dintero_order_operation" drop constraint if exists "dintero_order_operation_identity_unique";`)
    this.addSql(`alter table if exists "dintero_order_mirror" drop constraint if exists "dintero_order_mirror_order_id_unique";`)
    this.addSql(`create table if not exists "dintero_order_mirror" ("id" text not null, "order_id" text not null, "dintero_order_id" text null, "currency_code" text null, "state" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "dintero_order_mirror_pkey" primary key ("id"));`)
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_dintero_order_mirror_order_id_unique" ON "dintero_order_mirror" ("order_id") WHERE deleted_at IS NULL;`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_dintero_order_mirror_deleted_at" ON "dintero_order_mirror" ("deleted_at") WHERE deleted_at IS NULL;`)

    this.addSql(`create table if not exists "dintero_order_operation" ("id" text not null, "order_id" text not null, "identity" text not null, "kind" text check ("kind" in ('order_placed', 'authorization', 'capture', 'refund', 'order_edit', 'cancellation', 'notice')) not null, "sequence" integer not null default 0, "status" text check ("status" in ('pending', 'processing', 'done', 'skipped', 'failed', 'needs_action')) not null default 'pending', "attempts" integer not null default 0, "last_error" text null, "next_attempt_at" timestamptz null, "completed_at" timestamptz null, "input" jsonb null, "plan" jsonb null, "progress" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "dintero_order_operation_pkey" primary key ("id"));`)
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_dintero_order_operation_identity_unique" ON "dintero_order_operation" ("identity") WHERE deleted_at IS NULL;`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_dintero_order_operation_deleted_at" ON "dintero_order_operation" ("deleted_at") WHERE deleted_at IS NULL;`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_dintero_order_operation_order_id_status" ON "dintero_order_operation" ("order_id", "status") WHERE deleted_at IS NULL;`)
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "dintero_order_operation" cascade;`)
    this.addSql(`drop table if exists "dintero_order_mirror" cascade;`)
  }
}
