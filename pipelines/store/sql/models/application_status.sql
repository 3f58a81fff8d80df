-- application_status: application_facts as of today with the default 30-day response window,
-- for ad-hoc queries (`duckdb bounceback.duckdb -c "from application_status"`).
create or replace view application_status as
select * from application_facts(current_date, 30);
