-- Schema 2: the address table's host-name index goes. No statement uses it: host-name filters match
-- substrings (instr(lower(hostname), ?)) and host-name sorts compare BINARY, which a NOCASE index does not
-- answer (checked with EXPLAIN QUERY PLAN over every statement the tests run against the address table).
-- Every imported address paid for it: a B-tree insert in host-name order, random against the address
-- order rows arrive in — about 1.5–2 s of SQLite's CPU and 36 MB per million rows (BENCHMARKS.md, CSV import).
DROP INDEX IF EXISTS address_hostname;
