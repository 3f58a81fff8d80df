-- every loaded run accounts for each row it read
select run_id, rows_read, inserted, updated, unchanged, rejected, skipped
from ingest_runs
where status = 'loaded'
  and rows_read <> inserted + updated + unchanged + rejected + skipped
