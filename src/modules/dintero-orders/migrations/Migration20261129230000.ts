import { Migration } from "@medusajs/framework/mikro-orm/migrations"

/**
 * A reconciliation run can end `incomplete`: finished, with a repair that failed, so the next runs go over its window
 * again (src/workflows/reconcile/window.ts, cursorFrom).
 */
export class Migration20261129230000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table if exists "dintero_reconciliation_run" drop constraint if exists "dintero_reconciliation_run_status_check";`)
    this.addSql(
      `alter table if exists "dintero_reconciliation_run" add constraint "dintero_reconciliation_run_status_check" check ("status" in ('running', 'done', 'incomplete', 'failed'));`
    )
  }

  override async down(): Promise<void> {
    this.addSql(`update "dintero_reconciliation_run" set "status" = 'done' where "status" = 'incomplete';`)
    this.addSql(`alter table if exists "dintero_reconciliation_run" drop constraint if exists "dintero_reconciliation_run_status_check";`)
    this.addSql(
      `alter table if exists "dintero_reconciliation_run" add constraint "dintero_reconciliation_run_status_check" check ("status" in ('running', 'done', 'failed'));`
    )
  }
}
