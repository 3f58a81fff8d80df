-- the stored stage sums agree with the events they sum (application_stages vs stage_history)
with recomputed as (
    select * from stage_history(date '9999-12-31')
),
stored as (
    select * from application_stages
)
(select 'stale or extra' as problem, * from (from stored except from recomputed))
union all
(select 'missing' as problem, * from (from recomputed except from stored))
