import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/**
 * The reconciliation's runs (src/workflows/reconcile): each run's window, what it read and what it repaired. The
 * end of the last finished store-wide run is the reconciliation's cursor.
 */
export class Migration20261129090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table if not exists "dintero_reconciliation_run" ("id" text not null, "scope" text check ("scope" in ('store', 'order')) not null, "order_id" text null, "window_from" timestamptz not null, "window_to" timestamptz not null, "status" text check ("status" in ('running', 'done', 'failed')) not null default 'running', "rows_read" integer not null default 0, "dintero_calls" integer not null default 0, "repaired" jsonb null, "findings" jsonb null, "error" text null, "finished_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "dintero_reconciliation_run_pkey" primary key ("id"));`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_dintero_reconciliation_run_cursor" ON "dintero_reconciliation_run" ("scope", "status", "window_to") WHERE deleted_at IS NULL;`)
    // Medusa records a cancellation on the order row only (no new record with a time-ordered id): this partial index
    // lets the reconciliation read the orders cancelled since its cursor without scanning the order history. The
    // order module's table exists when the plugin's module migrates after the core modules (as `medusa db:migrate`
    // runs them); otherwise the reconciliation still works, with that one read scanning.
    this.addSql(`DO $$ BEGIN IF to_regclass('public."order"') IS NOT NULL THEN CREATE INDEX IF NOT EXISTS "IDX_dintero_reconcile_order_canceled_updated_at" ON "order" ("updated_at") WHERE status = 'canceled' AND deleted_at IS NULL; END IF; END $$;`)
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_dintero_reconciliation_run_order_id" ON "dintero_reconciliation_run" ("order_id") WHERE deleted_at IS NULL AND order_id IS NOT NULL;`)
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_dintero_reconcile_order_canceled_updated_at";`)
    this.addSql(`drop table if exists "dintero_reconciliation_run" cascade;`)
  }
}
