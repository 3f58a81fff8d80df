-- 0005: which fields each load's file had a column for, with a value in some row. A log whose sheet has an Interview rounds
-- column records rounds even when no application has reached a second one; its interviews are then
-- judged on "led to a next round or an offer" (pipelines/analyse/recorded.py). Null for loads made before.
alter table ingest_runs add column mapped_fields varchar[];
