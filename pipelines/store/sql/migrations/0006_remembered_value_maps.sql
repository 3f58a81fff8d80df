-- 0006: the value maps the user confirmed (--value-map "channel:Company careers site=company_site", or the
-- dashboard's channel table) are remembered with the header's column and status maps, for files with the
-- same header. JSON object: field -> {value as written -> what it is read as}. Null for mappings saved
-- before (read as no value map).
alter table remembered_mappings add column value_map varchar;
