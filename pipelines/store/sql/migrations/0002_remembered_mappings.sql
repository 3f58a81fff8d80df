-- A column mapping the user confirmed (loaded with --map / --status-map) is remembered for files
-- with the same header, so next month's export of the same spreadsheet needs no flags.
create table remembered_mappings (
    header_key  varchar primary key,    -- the header's column names as tokens, JSON list
    header      varchar not null,       -- the header as written, JSON list (for people reading it)
    column_map  varchar not null,       -- JSON object: header name -> field ('' = not used)
    status_map  varchar not null,       -- JSON object: status text -> status
    saved_at    timestamp not null
);
