"""The parts of pipelines.load.readers, which reads a file into the staging tables (see its docstring).

- staged: what staging produces (StagedFile, the `staged_rejects` table, the c0, c1, ... columns);
- chunks: the step of the whole-file byte scans;
- encoding: the file's bytes as UTF-8 (UTF-16 and Windows-1252 transcoded; mixed text refused);
- quotes: which bytes are inside quoted cells, and the line-end rewrite that depends on it;
- text: a text file made ready for DuckDB (encoding, line ends, blank lines, a temporary copy);
- surplus: the refusal of a row with thousands of fields beyond the header;
- delimited, workbook, json_lines: staging a CSV, an XLSX workbook, a JSON Lines file.
"""
